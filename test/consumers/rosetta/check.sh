#!/usr/bin/env bash
# Checks that README/API-doc examples compile under `jsii-rosetta extract
# --strict` with rosetta/default.ts-fixture, and that they translate into the
# Python and Java a user would write. Works on copies in a temporary directory:
# never writes .jsii.tabl.json into the repository.
#
#   sample   sample.md (beside this script) as the README: must compile, and
#            its translations must contain the expected Python/Java calls
#   pacmak   jsii-pacmak --code-only on that copy must put the translations
#            (not TypeScript) into the Python README and the Java package-info
#   broken   sample.md with a misspelt prop: strict extraction must fail
#   assembly the real .jsii (README.md and @example docs): must compile
#
# Needs .jsii and lib/ (npx projen compile). Prints one "CHECK <name> PASS|FAIL" line per
# check; exits 1 if any failed.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../common.sh"
HERE="$CONSUMERS/rosetta"
ROSETTA="$ROOT/node_modules/.bin/jsii-rosetta"

for f in "$ROOT/.jsii" "$ROOT/lib/index.d.ts" "$ROOT/rosetta/default.ts-fixture"; do
  [[ -f "$f" ]] || { echo "missing $f (run 'npx projen compile'; the fixture lives in rosetta/)" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/consumer-rosetta.XXXXXX")"
trap '[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
# jsii-rosetta compiles in a temporary directory of its own (with an npm install of
# file: links to the dependencies); keep that in here too.
mkdir -p "$WORK/tmp"
export TMPDIR="$WORK/tmp"

# A copy of the package whose assembly carries <readme file> as its README.
package_with_readme() { # <dir> <readme file or "-" to keep the real README>
  local dir="$1" readme="$2"
  mkdir -p "$dir"
  cp "$ROOT/package.json" "$dir/"
  cp -R "$ROOT/rosetta" "$dir/rosetta"
  ln -s "$ROOT/lib" "$dir/lib"
  ln -s "$ROOT/node_modules" "$dir/node_modules"
  if [[ "$readme" == "-" ]]; then
    cp "$ROOT/.jsii" "$dir/.jsii"
  else
    node -e '
      const fs = require("fs");
      const [src, readme, out] = process.argv.slice(1);
      const asm = JSON.parse(fs.readFileSync(src, "utf-8"));
      asm.readme = { markdown: fs.readFileSync(readme, "utf-8") };
      fs.writeFileSync(out, JSON.stringify(asm));
    ' "$ROOT/.jsii" "$readme" "$dir/.jsii"
  fi
}

extract() { # <dir>: strict extraction into <dir>/.jsii.tabl.json
  (cd "$1" && "$ROSETTA" extract --strict .jsii)
}

failed=0
check() { # <name> <command...>
  local name="$1"; shift
  if "$@"; then echo "CHECK $name PASS"; else echo "CHECK $name FAIL"; failed=1; fi
}

# Every fragment must occur in the translations of sample.md, in that language.
expect_translation() { # <dir> <language> <fragment...>
  local dir="$1" language="$2"; shift 2
  node -e '
    const fs = require("fs");
    const [tablet, language, ...fragments] = process.argv.slice(1);
    const snippets = Object.values(JSON.parse(fs.readFileSync(tablet, "utf-8")).snippets);
    const text = snippets
      .filter((s) => s.location && s.location.api && s.location.api.api === "moduleReadme")
      .map((s) => (s.translations[language] || {}).source || "")
      .join("\n\n");
    const missing = fragments.filter((f) => !text.includes(f));
    console.log(`--- ${language} translation of sample.md:\n${text}\n---`);
    if (missing.length) {
      console.log(`FAIL: the ${language} translation lacks: ${missing.map((m) => JSON.stringify(m)).join(", ")}`);
      process.exit(1);
    }
  ' "$dir/.jsii.tabl.json" "$language" "$@"
}

sample() {
  package_with_readme "$WORK/sample" "$HERE/sample.md" &&
    extract "$WORK/sample" &&
    expect_translation "$WORK/sample" python \
      'production = DjangoFargateEnvironment(self, "Production",' \
      'project="team-task",' \
      'image=ecs.ContainerImage.from_asset("django-app"),' \
      'parameter_names=ParameterNames(django_secret_key="secret_key"),' \
      'container_secrets={"EMAIL_HOST_PASSWORD": "email_host_password"},' \
      'database_backup_retention=Duration.days(14),' \
      'connections = production.database.connections' \
      'connections.allow_default_port_from(bastion)' \
      'from aws_cdk import App, Stack' \
      'from cdk_django_fargate import DjangoFargateEnvironment' \
      'DjangoFargateEnvironment(stack, "Staging",' &&
    expect_translation "$WORK/sample" java \
      'DjangoFargateEnvironment production = DjangoFargateEnvironment.Builder.create(this, "Production")' \
      '.project("team-task")' \
      '.image(ContainerImage.fromAsset("django-app"))' \
      '.parameterNames(ParameterNames.builder().djangoSecretKey("secret_key").build())' \
      '.containerSecrets(Map.of("EMAIL_HOST_PASSWORD", "email_host_password"))' \
      '.databaseBackupRetention(Duration.days(14))' \
      'Connections connections = production.getDatabase().getConnections();' \
      'connections.allowDefaultPortFrom(bastion);' \
      'import io.github.cdkdjangofargate.DjangoFargateEnvironment;' \
      'DjangoFargateEnvironment.Builder.create(stack, "Staging")'
}

broken() {
  package_with_readme "$WORK/broken" <(sed 's/healthCheckPath:/healthCheckPth:/' "$HERE/sample.md") || return 1
  if extract "$WORK/broken" > "$WORK/broken.log" 2>&1; then
    echo "FAIL: strict extraction accepted an example with a misspelt prop"
    return 1
  fi
  if ! grep -m1 "healthCheckPth" "$WORK/broken.log" | cut -c1-300 | grep .; then
    echo "FAIL: strict extraction failed, but not on the misspelt prop:"
    cat "$WORK/broken.log"
    return 1
  fi
  echo "OK: strict extraction rejects an example that does not compile"
}

# jsii-pacmak reads the tablet beside .jsii (.jsii.tabl.json): the generated
# Python/Java docs and READMEs then hold the translations, not TypeScript.
pacmak_docs() {
  [[ -f "$WORK/sample/.jsii.tabl.json" ]] || { echo "no tablet from the sample check"; return 1; }
  (cd "$WORK/sample" && "$ROOT/node_modules/.bin/jsii-pacmak" --code-only --target python --target java \
    -o "$WORK/pacmak" . > "$WORK/pacmak.log" 2>&1) || { cat "$WORK/pacmak.log"; return 1; }
  local ok=0
  grep -q 'production = DjangoFargateEnvironment(self, "Production",' "$WORK/pacmak/python/README.md" &&
    grep -q 'DjangoFargateEnvironment production = DjangoFargateEnvironment.Builder.create(this, "Production")' \
      "$WORK/pacmak/java/src/main/java/io/github/cdkdjangofargate/package-info.java" || ok=1
  if [[ $ok -ne 0 ]]; then
    echo "FAIL: jsii-pacmak did not use the translations of sample.md"
    return 1
  fi
  echo "OK: jsii-pacmak puts the translations into the Python README and the Java package javadoc"
}

assembly() {
  package_with_readme "$WORK/assembly" - &&
    extract "$WORK/assembly" &&
    node -e '
      const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf-8"));
      console.log(`OK: ${Object.keys(t.snippets).length} example(s) of README.md and the API docs compile`);
    ' "$WORK/assembly/.jsii.tabl.json"
}

echo "== rosetta: sample.md compiles and translates"
check rosetta-sample sample
echo "== rosetta: jsii-pacmak uses the translations"
check rosetta-pacmak-docs pacmak_docs
echo "== rosetta: an example that does not compile fails the strict extraction"
check rosetta-strict-fails broken
echo "== rosetta: the real assembly (README.md, @example)"
check rosetta-assembly assembly

exit "$failed"
