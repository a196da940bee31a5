#!/usr/bin/env bash
# Python consumer: installs the built wheel (dist/python) into a fresh venv
# with aws-cdk-lib and constructs at the versions of package.json, synthesizes
# app.py and compares its template with the TypeScript example's; then checks
# that a validation error reaches Python with the TypeScript message.
#
# Needs: dist/python/*.whl (npx projen package:python), lib/ (for the
# TypeScript message) and the TypeScript template (npx projen synth:example).
# Prints one "CHECK <name> PASS|FAIL" line per check; exits 1 if any failed.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../common.sh"
HERE="$CONSUMERS/python"
PYTHON="${PYTHON:-python3}"

shopt -s nullglob
wheels=("$ROOT"/dist/python/*.whl)
shopt -u nullglob
if [[ ${#wheels[@]} -ne 1 ]]; then
  echo "expected exactly one wheel in dist/python, found ${#wheels[@]}: run 'npx projen package:python'" >&2
  exit 1
fi
require_ts_template

consumer_workdir python

echo "== python: venv + pip install $(basename "${wheels[0]}") aws-cdk-lib==$CDK_VERSION constructs==$CONSTRUCTS_VERSION"
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
timed "pip install" "$VPY" -m pip install --quiet --no-input --disable-pip-version-check \
  "${wheels[0]}" "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION"
"$VPY" -m pip list --disable-pip-version-check 2>/dev/null \
  | grep -E '^(aws-cdk-lib|constructs|jsii|cdk-django-fargate|typeguard) ' | sed 's/^/   /'

failed=0
check() { # <name> <command...>
  local name="$1"; shift
  if "$@"; then echo "CHECK $name PASS"; else echo "CHECK $name FAIL"; failed=1; fi
}

synth_and_compare() {
  # Run from an unrelated directory: the app must not depend on the cwd.
  (cd "$WORK" && TMPDIR="$WORK/tmp" timed "python app.py" "$VPY" "$HERE/app.py" "$WORK/cdk.out") &&
    "$PYTHON" "$CONSUMERS/compare.py" templates "$TS_TEMPLATE" "$WORK/cdk.out/DjangoExample.template.json" python
}

validation_message() {
  ts_error_message "$WORK/ts-error.txt" &&
    (cd "$WORK" && TMPDIR="$WORK/tmp" timed "python app.py --invalid-capacity" \
      "$VPY" "$HERE/app.py" --invalid-capacity "$WORK/python-error.txt") &&
    "$PYTHON" "$CONSUMERS/compare.py" message "$WORK/ts-error.txt" "$WORK/python-error.txt" python
}

echo "== python: synthesize and compare with $TS_TEMPLATE"
check python-template synth_and_compare
echo "== python: validation error message"
check python-validation-message validation_message

exit "$failed"
