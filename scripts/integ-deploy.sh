#!/usr/bin/env bash
# The deploy tests against a real AWS account (README, "Deploy tests"): creates
# the SSM parameters, deploys test/integ/integ.django.ts (both environments and
# their assertion stacks) with the CDK CLI, fails unless every assertion passed,
# then destroys everything and deletes the parameters, whatever happened.
# Needs the AWS CLI, Docker and credentials; never run by CI.
#
# integ-runner would do the same, but the newest on npm (2.197.10) reads cloud
# assemblies up to schema 53 and aws-cdk-lib 2.276.0 writes 55.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_REGION="${AWS_REGION:-us-east-1}" CDK_DISABLE_CLI_TELEMETRY=true
app="npx --no-install ts-node -P tsconfig.dev.json test/integ/integ.django.ts"
prefixes=(cdf-integ-default cdf-integ-fullest)
work="$(mktemp -d)"

cleanup() {
  npx --no-install cdk destroy --all --force --app "$app" || echo "cdk destroy failed: delete the stacks by hand" >&2
  for prefix in "${prefixes[@]}"; do (cd test/integ && bash parameters.sh "$prefix" delete) || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for prefix in "${prefixes[@]}"; do (cd test/integ && bash parameters.sh "$prefix" put); done
npx --no-install cdk deploy --all --require-approval never --app "$app" --outputs-file "$work/outputs.json"

# Each assertion reports its result in an `AssertionResults...` output of its
# assertion stack; a waiting assertion that never passed failed the deployment.
python3 - "$work/outputs.json" <<'PY'
import json
import sys

outputs = json.load(open(sys.argv[1]))
results = {f"{stack}.{key}": value for stack, values in outputs.items()
           for key, value in values.items() if key.startswith("AssertionResults")}
for name, value in sorted(results.items()):
    print(f"{name}: {value}")
failed = [name for name, value in results.items() if "fail" in value.lower()]
if not results:
    sys.exit("no assertion results in the stack outputs")
if failed:
    sys.exit(f"{len(failed)} of {len(results)} assertions failed")
print(f"{len(results)} assertions passed")
PY
