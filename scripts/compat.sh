#!/usr/bin/env bash
# API compatibility (npx projen compat): jsii-diff between the API of the last
# release (compat/assembly.json, its package.json beside it) and this build's
# .jsii. A breaking change fails: before 1.0, record it in .compatignore with
# the minor version that makes it; after, it needs a major version.
#
# jsii-diff reads an assembly from a package directory and resolves its
# dependencies (aws-cdk-lib, constructs) from there, so the baseline is laid
# out under node_modules/.cache for the run. It is not kept as compat/**/.jsii
# because jsii-docgen would document that assembly instead of this one.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=node_modules/.cache/cdk-django-fargate-compat
rm -rf "$baseline"
mkdir -p "$baseline"
trap 'rm -rf "$baseline"' EXIT
cp compat/assembly.json "$baseline/.jsii"
cp compat/package.json "$baseline/package.json"
echo "API of $(node -p "require('./compat/package.json').version") against this build"
npx --no-install jsii-diff "$baseline" . --keys --error-on prod --ignore-file .compatignore
