#!/usr/bin/env bash
# Fails when the working tree differs from HEAD after a build: a generated
# file (package.json, tsconfig*.json, .projen/**, API.md, ...) or a fixed-up
# source was not committed.
set -euo pipefail
changes=$(git status --porcelain)
if [ -n "$changes" ]; then
  echo "$changes"
  git --no-pager diff
  echo "generated files are out of date: run 'npx projen build' and commit the result" >&2
  exit 1
fi
echo "generated files are up to date"
