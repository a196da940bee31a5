#!/usr/bin/env bash
# Java consumer: builds the Maven project beside this script against the
# artifact in dist/java (a file:// repository) and aws-cdk-lib / constructs
# from Maven Central at the versions of package.json, runs it with
# `mvn compile exec:java`, and compares its template with the TypeScript
# example's; then checks that a validation error reaches Java with the
# TypeScript message.
#
# Needs: dist/java (npx projen package:java), lib/ (for the TypeScript
# message) and the TypeScript template (npx projen synth:example).
# Maven's local repository is a fresh temporary one unless MAVEN_REPO_LOCAL
# names one (run-all.sh shares one with jsii-pacmak).
# Prints one "CHECK <name> PASS|FAIL" line per check; exits 1 if any failed.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../common.sh"
HERE="$CONSUMERS/java"
PYTHON="${PYTHON:-python3}"

ARTIFACT_DIR="$ROOT/dist/java/io/github/cdkdjangofargate/cdk-django-fargate/$LIBRARY_VERSION"
if [[ ! -f "$ARTIFACT_DIR/cdk-django-fargate-$LIBRARY_VERSION.jar" ]]; then
  echo "missing $ARTIFACT_DIR/cdk-django-fargate-$LIBRARY_VERSION.jar: run 'npx projen package:java'" >&2
  exit 1
fi
require_ts_template

consumer_workdir java

REPO_LOCAL="${MAVEN_REPO_LOCAL:-$WORK/m2}"
mkdir -p "$REPO_LOCAL"
# The artifact's version (0.0.0) never changes between builds and is not a
# SNAPSHOT, so Maven would keep using a copy from an earlier run.
rm -rf "$REPO_LOCAL/io/github/cdkdjangofargate"

# Build in a copy so that target/ never lands in the source tree.
cp -R "$HERE/pom.xml" "$HERE/src" "$WORK/"

mvn_args=(
  -B -q -Dstyle.color=never -f "$WORK/pom.xml"
  "-Dmaven.repo.local=$REPO_LOCAL"
  "-Dcdk.version=$CDK_VERSION"
  "-Dconstructs.version=$CONSTRUCTS_VERSION"
  "-Dlibrary.version=$LIBRARY_VERSION"
  "-Dlibrary.repository=file://$ROOT/dist/java"
)

# Maven 3.8 writes ANSI reset codes even with -B -q; drop them.
mvn_() { mvn "${mvn_args[@]}" "$@" 2>&1 | sed -u $'s/\x1b\\[0m//g'; }

failed=0
check() { # <name> <command...>
  local name="$1"; shift
  if "$@"; then echo "CHECK $name PASS"; else echo "CHECK $name FAIL"; failed=1; fi
}

echo "== java: mvn compile (aws-cdk-lib $CDK_VERSION, constructs $CONSTRUCTS_VERSION, cdk-django-fargate $LIBRARY_VERSION from dist/java)"
build() {
  timed "mvn compile" mvn_ compile &&
    mvn_ org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list -DincludeScope=runtime -DoutputFile="$WORK/dependencies.txt" &&
    grep -E 'aws-cdk-lib|constructs|jsii-runtime|cdk-django-fargate' "$WORK/dependencies.txt" | sed 's/^ */   /'
}
check java-build build

echo "== java: run (mvn exec:java): synthesize, and the validation error"
run() {
  (cd "$WORK" && TMPDIR="$WORK/tmp" MAVEN_OPTS="${MAVEN_OPTS:-} -Djava.io.tmpdir=$WORK/tmp" \
    timed "mvn exec:java" mvn_ exec:java \
    "-Dconsumer.repoRoot=$ROOT" \
    "-Dconsumer.outdir=$WORK/cdk.out" \
    "-Dconsumer.invalidCapacityMessageFile=$WORK/java-error.txt")
}
if [[ $failed -eq 0 ]] && ! run; then
  echo "java: mvn exec:java failed; the checks below will say what is missing"
fi

compare_templates() {
  [[ -f "$WORK/cdk.out/DjangoExample.template.json" ]] &&
    "$PYTHON" "$CONSUMERS/compare.py" templates "$TS_TEMPLATE" "$WORK/cdk.out/DjangoExample.template.json" java
}
validation_message() {
  ts_error_message "$WORK/ts-error.txt" &&
    [[ -f "$WORK/java-error.txt" ]] &&
    "$PYTHON" "$CONSUMERS/compare.py" message "$WORK/ts-error.txt" "$WORK/java-error.txt" java
}
echo "== java: compare with $TS_TEMPLATE"
check java-template compare_templates
echo "== java: validation error message"
check java-validation-message validation_message

exit "$failed"
