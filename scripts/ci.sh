#!/usr/bin/env bash
# Everything CI checks (`npx projen ci`, the README's test command), with each
# artifact built once: jsii compiles once, jsii-pacmak packages each language
# once, the example is synthesized once, and everything after that reads them.
#
#   build     jsii compile, API.md, strict rosetta (sequential: the rest needs them)
#   then three lanes at once (two cores; lanes B and C wait on the network a lot):
#     A tests      tsc over everything (jest only transpiles), jest on the newest
#                  aws-cdk-lib (with the built-in validation suite), eslint,
#                  tsc + jest on the floor, integ snapshots, jsii-diff
#     B packages   jsii-pacmak (js, python, java) -> the Python and Java consumers
#     C templates  synth the example -> the Django end-to-end test -> cfn-lint
#   check:clean  generated files are committed
#
# Prints "::: <stage> took N s (at T s)" for every stage, every lane's output in
# one piece, and last a plain "N passed, M failed" line over all counted checks.
set -uo pipefail
cd "$(dirname "$0")/.."

export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export CDK_DISABLE_VERSION_CHECK=true CDK_DISABLE_CLI_TELEMETRY=true
T0=$SECONDS
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/ci.XXXXXX")"
trap 'rm -rf "$LOGS"' EXIT

# stage <name> <command...>: runs one step, prints its time; fails the lane on failure.
stage() {
  local name="$1" t0=$SECONDS rc=0
  shift
  echo "::: $name (at $((t0 - T0)) s)"
  "$@" || rc=$?
  echo "::: $name took $((SECONDS - t0)) s (at $((SECONDS - T0)) s)$([ $rc -eq 0 ] || echo " FAILED ($rc)")"
  return $rc
}

lane_tests() {
  stage "tsc (src, tests, examples)" npx tsc -p tsconfig.dev.json &&
    stage "jest + eslint (aws-cdk-lib newest)" npx projen test &&
    stage "tsc + jest (aws-cdk-lib floor)" npx projen test:floor &&
    stage "deploy-test snapshots" npx projen integ:snapshot &&
    stage "API compatibility (jsii-diff)" npx projen compat
}

lane_packages() {
  stage "package (js, python, java)" npx projen package-all &&
    stage "consumers (python, java, rosetta)" env CONSUMERS_USE_BUILT=1 bash test/consumers/run-all.sh
}

lane_templates() {
  stage "synth example" npx projen synth:app &&
    stage "e2e" bash test/e2e/run.sh &&
    stage "cfn-lint" bash scripts/cfn-lint.sh
}

stage "build (jsii, API.md, rosetta)" bash -c 'npx projen compile && npx projen post-compile' 2>&1 | tee "$LOGS/build.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1

declare -A pid=()
for lane in packages templates; do
  "lane_$lane" >"$LOGS/$lane.log" 2>&1 &
  pid[$lane]=$!
done
lane_tests 2>&1 | tee "$LOGS/tests.log"
rc_tests=${PIPESTATUS[0]}

failed_lanes=()
[ $rc_tests -eq 0 ] || failed_lanes+=(tests)
for lane in packages templates; do
  rc=0
  wait "${pid[$lane]}" || rc=$?
  echo
  echo "=============== lane: $lane ==============="
  cat "$LOGS/$lane.log"
  [ $rc -eq 0 ] || failed_lanes+=("$lane")
done

echo
if [ ${#failed_lanes[@]} -eq 0 ]; then
  stage "check:clean" bash scripts/check-clean.sh || failed_lanes+=(check:clean)
fi

echo
python3 scripts/ci-summary.py test-reports "$LOGS"
echo "::: ci took $((SECONDS - T0)) s"
if [ ${#failed_lanes[@]} -gt 0 ]; then
  echo "failed: ${failed_lanes[*]}" >&2
  exit 1
fi
