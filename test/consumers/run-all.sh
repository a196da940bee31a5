#!/usr/bin/env bash
# Builds the Python and Java packages and checks them as their users would use
# them. Assumes `npm ci` has run; needs python3 (with venv/pip), Java 17+ and
# Maven, and network access to PyPI, Maven Central and the npm registry.
#
#   compile        npx projen compile (jsii), only when .jsii / lib/ are missing
#                  or older than src/, README.md, package.json or tsconfig.json
#   package-python npx projen package:python (jsii-pacmak) -> dist/python (wheel, sdist)
#   package-java   npx projen package:java (jsii-pacmak) -> dist/java (a Maven repository)
#   ts-synth       the example on the aws-cdk-lib floor -> examples/app/cdk.out.floor (the reference)
#   python         test/consumers/python/run.sh
#   java           test/consumers/java/run.sh
#   rosetta        test/consumers/rosetta/check.sh
#
# With CONSUMERS_USE_BUILT=1 (as scripts/ci.sh runs it), the first four stages
# only check that their artifacts exist: CI builds each of them once.
#
# Prints "TIME <stage> <seconds>s <PASS|FAIL|SKIP>" after each stage and, last,
# "<N> passed, <M> failed" (consumer checks plus build stages). Exits 1 if
# anything failed. Every temporary file (pip/Maven downloads, venvs, the jsii
# runtime's package cache) lives in one temporary directory, removed at the end;
# set MAVEN_REPO_LOCAL to keep Maven's downloads between runs.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cd "$ROOT"

RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/consumers.XXXXXX")"
trap 'rm -rf "$RUN_TMP"' EXIT
mkdir -p "$RUN_TMP/tmp"
# Everything below (jsii-pacmak's scratch dirs, venvs, rosetta, the jsii
# runtimes) makes its temporary files in here.
export TMPDIR="$RUN_TMP/tmp"
# One Maven repository for jsii-pacmak and the Java consumer, one unpacked
# aws-cdk-lib for the Python and Java consumers.
export MAVEN_REPO_LOCAL="${MAVEN_REPO_LOCAL:-$RUN_TMP/m2}"
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="${JSII_RUNTIME_PACKAGE_CACHE_ROOT:-$RUN_TMP/jsii-package-cache}"

passed=0
failed=0
declare -A stage_ok=()
TIMES=()

# run_stage <name> <needs: space-separated stages that must have passed> <command...>
# A stage whose output has "CHECK <name> PASS|FAIL" lines counts those checks;
# otherwise it counts as one check. A stage whose prerequisite failed is skipped
# and counts as failed.
run_stage() {
  local name="$1" needs="$2"; shift 2
  local log="$RUN_TMP/$name.log" start end secs status rc=0 dep
  echo
  echo "=== $name: $*"
  for dep in $needs; do
    if [[ "${stage_ok[$dep]:-}" != 1 ]]; then
      echo "skipped: $dep did not pass"
      failed=$((failed + 1))
      stage_ok[$name]=0
      TIMES+=("TIME $name 0s SKIP")
      echo "TIME $name 0s SKIP"
      return 0
    fi
  done
  start=$(date +%s.%N)
  "$@" 2>&1 | tee "$log" || rc=$?
  end=$(date +%s.%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

  local p f
  p=$(grep -c '^CHECK .* PASS$' "$log" || true)
  f=$(grep -c '^CHECK .* FAIL$' "$log" || true)
  if [[ $((p + f)) -eq 0 ]]; then
    if [[ $rc -eq 0 ]]; then p=1; else f=1; fi
  elif [[ $rc -ne 0 && $f -eq 0 ]]; then
    f=1 # failed outside its checks
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ $rc -eq 0 && $f -eq 0 ]]; then status=PASS; stage_ok[$name]=1; else status=FAIL; stage_ok[$name]=0; fi
  TIMES+=("TIME $name ${secs}s $status")
  echo "TIME $name ${secs}s $status"
}

# The build steps are the project's own tasks (.projen/tasks.json), so this
# script follows whatever .projenrc.ts makes of them.
compile() {
  local newer=""
  if [[ -f .jsii && -f lib/index.js ]]; then
    newer="$(find src README.md package.json tsconfig.json -newer .jsii -type f -print -quit 2>/dev/null || true)"
    if [[ -z "$newer" && -z "${FORCE_COMPILE:-}" ]]; then
      echo "lib/ and .jsii are up to date"
      check_tablet
      return 0
    fi
  fi
  echo "compiling${newer:+ ($newer changed)}"
  npx projen compile && check_tablet
}

# jsii-pacmak takes the Python/Java translations of the README and API-doc
# examples from .jsii.tabl.json, which the build's post-compile step writes
# (jsii-rosetta extract); without it the packages show TypeScript examples.
check_tablet() {
  if [[ ! -f .jsii.tabl.json ]]; then
    echo "note: no .jsii.tabl.json: the packages' docs will show TypeScript examples (run 'npx projen post-compile')"
  elif [[ .jsii -nt .jsii.tabl.json ]]; then
    echo "note: .jsii.tabl.json is older than .jsii: run 'npx projen post-compile' for current translations"
  fi
}

check_built() { # <path...>: each must exist
  local p
  for p in "$@"; do
    [[ -e "$p" ]] || { echo "missing $p (CONSUMERS_USE_BUILT is set: build it first)"; return 1; }
    echo "using $p"
  done
}

# The reference template: the TypeScript example synthesized on the aws-cdk-lib
# floor (the version the consumers install), into examples/app/cdk.out.floor.
ts_synth_floor() {
  (cd examples/app &&
    NODE_OPTIONS="--require $CONSUMERS/floor-resolve.js" npx --no-install cdk synth \
      --quiet --no-notices --no-version-reporting --ci --output cdk.out.floor) &&
    node -e 'const t = require(process.argv[1]); console.log(`${Object.keys(t.Resources).length} resources, aws-cdk-lib ${require("aws-cdk-lib-floor/package.json").version}`)' "$TS_TEMPLATE"
}

package_python() {
  rm -rf dist/python
  npx projen package:python && ls -l dist/python/*
}

package_java() {
  rm -rf dist/java
  # jsii-pacmak's Maven run honours -Dmaven.repo.local from MAVEN_OPTS.
  MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$MAVEN_REPO_LOCAL" npx projen package:java &&
    find dist/java -name '*.jar' -exec ls -l {} +
}

if [[ -n "${CONSUMERS_USE_BUILT:-}" ]]; then
  # CI (scripts/ci.sh) has compiled, packaged every language and synthesized
  # the example already: use those artifacts, build nothing again.
  run_stage compile "" check_built .jsii lib/index.js .jsii.tabl.json
  run_stage package-python "" check_built dist/python/*.whl
  run_stage package-java "" check_built dist/java
  run_stage ts-synth "compile" ts_synth_floor
else
  run_stage compile "" compile
  # One target at a time: on two cores, building both at once is slower.
  run_stage package-python "compile" package_python
  run_stage package-java "compile" package_java
  run_stage ts-synth "compile" ts_synth_floor
fi
run_stage python "package-python ts-synth" bash "$CONSUMERS/python/run.sh"
run_stage java "package-java ts-synth" bash "$CONSUMERS/java/run.sh"
run_stage rosetta "compile" bash "$CONSUMERS/rosetta/check.sh"

echo
printf '%s\n' "${TIMES[@]}"
total=$(awk -v s="$SECONDS" 'BEGIN { printf "%d", s }')
echo "TIME total ${total}s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
