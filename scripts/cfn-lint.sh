#!/usr/bin/env bash
# Lints the template of every configuration in test/configurations.ts and of
# the first 15 generated props of test/fuzz-arbitraries.ts that synthesize
# (fixed seed) with cfn-lint (pinned in scripts/requirements-lint.txt, installed into .venv/lint).
# Fails on any error or warning that .cfnlintrc.yaml does not name.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv/lint
if [ ! -x "$venv/bin/cfn-lint" ] || ! cmp -s scripts/requirements-lint.txt "$venv/requirements-lint.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-lint.txt
  cp scripts/requirements-lint.txt "$venv/requirements-lint.txt"
fi

rm -rf cdk.out/configurations
npx --no-install ts-node --project tsconfig.dev.json scripts/synth-configurations.ts cdk.out/configurations
"$venv/bin/cfn-lint" --version
# The configuration file names the templates, the regions and the ignored rules.
"$venv/bin/cfn-lint" --config-file .cfnlintrc.yaml
echo "cfn-lint: $(ls cdk.out/configurations/*.template.json | wc -l) templates, no errors or warnings"
