# Sourced by the consumer scripts (bash). Defines:
#   ROOT               the repository root
#   CONSUMERS          test/consumers
#   CDK_VERSION        aws-cdk-lib version from package.json devDependencies
#   CONSTRUCTS_VERSION constructs version from package.json devDependencies
#   LIBRARY_VERSION    this package's version from package.json
#   TS_TEMPLATE        the reference template: the example on the floor (run-all.sh ts-synth)
# and exports the environment every synthesis runs with (no AWS account).

CONSUMERS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$CONSUMERS/../.." && pwd)"

export AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export CDK_DISABLE_VERSION_CHECK=true
# Exact versions. The consumers install the oldest aws-cdk-lib and constructs
# the packages accept (the floor, from PyPI and Maven Central), since the
# newest npm release is often not on Maven Central yet; the floor is also in
# node_modules as the `aws-cdk-lib-floor` alias, for the reference template.
package_json_version() { # <section.name> [prefix to strip: "npm:aws-cdk-lib@", "^"]
  node -e '
    const [section, name] = process.argv[1].split(/\.(.*)/s);
    const pkg = require(process.argv[2]);
    let v = name ? (pkg[section] || {})[name] : pkg[section];
    if (v && process.argv[3] && v.startsWith(process.argv[3])) v = v.slice(process.argv[3].length);
    if (!v || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(v)) {
      console.error(`package.json ${process.argv[1]} is ${JSON.stringify(v)}, not an exact version`);
      process.exit(1);
    }
    process.stdout.write(v);
  ' "$1" "$ROOT/package.json" "${2:-}"
}
CDK_VERSION="$(package_json_version devDependencies.aws-cdk-lib-floor npm:aws-cdk-lib@)"
CONSTRUCTS_VERSION="$(package_json_version peerDependencies.constructs ^)"
LIBRARY_VERSION="$(package_json_version version)"

# The reference: the TypeScript example synthesized on the floor (run-all.sh's
# ts-synth stage), so all three languages use the same aws-cdk-lib.
TS_TEMPLATE="${TS_TEMPLATE:-$ROOT/examples/app/cdk.out.floor/DjangoExample.template.json}"

# Fails unless the TypeScript example has been synthesized (and warns when it
# looks older than the sources it was made from).
# Makes the consumer's work directory $WORK (removed on exit unless KEEP_WORK is
# set) with a tmp/ inside. The jsii runtime unpacks every package it loads
# (aws-cdk-lib: 160 MB) into a cache, ~/.cache/aws/jsii by default, and the Java
# runtime leaves a copy of itself in $TMPDIR: both stay in $WORK unless told
# otherwise (run-all.sh shares one cache between the consumers).
consumer_workdir() { # <name>
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/consumer-$1.XXXXXX")"
  trap '[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
  export JSII_RUNTIME_PACKAGE_CACHE_ROOT="${JSII_RUNTIME_PACKAGE_CACHE_ROOT:-$WORK/jsii-package-cache}"
  mkdir -p "$WORK/tmp"
}

require_ts_template() {
  if [[ ! -f "$TS_TEMPLATE" ]]; then
    echo "missing $TS_TEMPLATE: run test/consumers/run-all.sh (its ts-synth stage makes it)" >&2
    return 1
  fi
  local newer
  newer="$(find "$ROOT/src" "$ROOT/examples" -newer "$TS_TEMPLATE" -type f \
    -not -path '*/cdk.out/*' -not -path '*/cdk.out.floor/*' -print -quit)"
  if [[ -n "$newer" ]]; then
    echo "warning: $newer is newer than $TS_TEMPLATE; re-run test/consumers/run-all.sh" >&2
  fi
}

# Writes the message the TypeScript library (lib/) throws for the invalid
# props of the validation check into file $1.
ts_error_message() {
  node "$CONSUMERS/ts-error-message.js" "$1"
}

# timed <label> <command...>: runs the command and reports how long it took.
timed() {
  local label="$1" start=$SECONDS rc=0
  shift
  "$@" || rc=$?
  echo "   ($label: $((SECONDS - start))s)"
  return "$rc"
}
