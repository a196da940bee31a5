#!/usr/bin/env bash
# The deploy tests' snapshots, offline (no AWS account, no Docker):
#   integ-snapshot.sh            synthesizes every test/integ/integ.*.ts app and
#                                fails unless each template equals the one in
#                                the committed <app>.snapshot/ directory
#   integ-snapshot.sh --update   rewrites the snapshots (commit the result)
#
# The snapshot directories have integ-runner's layout (templates, manifest.json,
# integ.json; the asset directories are left out). integ-runner itself cannot
# read these assemblies yet: the newest integ-runner on npm (2.197.10) bundles a
# CDK toolkit that reads cloud-assembly schema 53, and aws-cdk-lib writes 55
# since 2.275.0. Templates are compared like the consumers' (CDK bookkeeping
# and asset hashes removed): an asset's content may change, its wiring may not.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true
# Nothing here may leave the machine: any HTTP(S) request goes to a closed loopback port.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9

update=""
[[ "${1:-}" == "--update" ]] && update=1
work="$(mktemp -d "${TMPDIR:-/tmp}/integ.XXXXXX")"
trap 'rm -rf "$work"' EXIT

unsalt() { sed -E 's/"salt": "[0-9]+"/"salt": "(time of synthesis)"/' "$1"; }

failed=0
checked=0
for app in test/integ/integ.*.ts; do
  name="$(basename "$app")"
  snapshot="$app.snapshot"
  out="$work/$name"
  npx --no-install cdk synth --app "npx --no-install ts-node -P tsconfig.dev.json $app" --output "$out" \
    --quiet --strict --no-notices --no-version-reporting --ci >/dev/null
  if [[ -n "$update" ]]; then
    rm -rf "$snapshot"
    mkdir -p "$snapshot"
    cp "$out"/*.template.json "$out/manifest.json" "$out/integ.json" "$snapshot/"
    echo "$name: snapshot written ($(ls "$snapshot"/*.template.json | wc -l) templates)"
    continue
  fi
  if [[ ! -d "$snapshot" ]]; then
    echo "CHECK $name FAIL: no snapshot; run scripts/integ-snapshot.sh --update and commit it"
    failed=$((failed + 1))
    continue
  fi
  expected="$(cd "$snapshot" && ls *.template.json | sort)"
  actual="$(cd "$out" && ls *.template.json | sort)"
  ok=1
  if [[ "$expected" != "$actual" ]]; then
    echo "$name: stacks differ: snapshot has [$expected], the app makes [$actual]"
    ok=""
  fi
  for template in $actual; do
    [[ -f "$snapshot/$template" ]] || continue
    # integ-tests-alpha salts every assertion with the synthesis time, so that
    # each deployment runs it again.
    mkdir -p "$work/snapshot" "$work/actual"
    unsalt "$snapshot/$template" >"$work/snapshot/$template"
    unsalt "$out/$template" >"$work/actual/$template"
    python3 test/consumers/compare.py templates "$work/snapshot/$template" "$work/actual/$template" "$name" || ok=""
  done
  checked=$((checked + 1))
  if [[ -n "$ok" ]]; then
    echo "CHECK $name PASS ($(echo "$actual" | wc -l) stacks equal their snapshot)"
  else
    echo "CHECK $name FAIL: run scripts/integ-snapshot.sh --update if the change is intended, and commit the snapshot"
    failed=$((failed + 1))
  fi
done
[[ -n "$update" ]] || echo "integ snapshots: $((checked - failed < 0 ? 0 : checked - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
