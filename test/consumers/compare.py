#!/usr/bin/env python3
"""Checks shared by the Python and Java consumers (standard library only).

  compare.py templates <typescript.template.json> <other.template.json> <label>
      The two CloudFormation templates must be identical once CDK's own
      bookkeeping is removed:
        - the `AWS::CDK::Metadata` resource and its `CDKMetadataAvailable`
          condition (version reporting: on in a plain `python app.py` /
          `mvn exec:java` run, off in `cdk synth --no-version-reporting`);
        - `aws:cdk:*` and `aws:asset:*` entries of each resource's `Metadata`
          (construct paths and local asset paths); other `Metadata` entries
          (cfn-lint suppressions, CloudFormation::Init, ...) are compared;
        - asset hashes (64 hex digits) are replaced by a placeholder.
      Prints a unified diff and exits 1 when they differ.

  compare.py message <typescript-message.txt> <other-message.txt> <label>
      The other language's exception text must contain the TypeScript
      validation message verbatim. Exits 1 otherwise.
"""
import difflib
import json
import re
import sys

HASH = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
CDK_METADATA_KEY = re.compile(r"^aws:(cdk|asset):")
MAX_DIFF_LINES = 400


def strip_cdk_metadata(template):
    t = json.loads(json.dumps(template))  # deep copy
    resources = t.get("Resources", {})
    for logical_id in [k for k, r in resources.items() if r.get("Type") == "AWS::CDK::Metadata"]:
        del resources[logical_id]
    for resource in resources.values():
        metadata = resource.get("Metadata")
        if isinstance(metadata, dict):
            for key in [k for k in metadata if CDK_METADATA_KEY.match(k)]:
                del metadata[key]
            if not metadata:
                del resource["Metadata"]
    conditions = t.get("Conditions")
    if isinstance(conditions, dict):
        conditions.pop("CDKMetadataAvailable", None)
        if not conditions:
            del t["Conditions"]
    return t


def render(template):
    return json.dumps(template, indent=1, sort_keys=True)


def templates(ts_file, other_file, label):
    with open(ts_file) as f:
        ts = strip_cdk_metadata(json.load(f))
    with open(other_file) as f:
        other = strip_cdk_metadata(json.load(f))
    ts_text, other_text = render(ts), render(other)
    ts_hashes, other_hashes = set(HASH.findall(ts_text)), set(HASH.findall(other_text))
    ts_norm, other_norm = HASH.sub("<asset-hash>", ts_text), HASH.sub("<asset-hash>", other_text)
    resources = len(ts.get("Resources", {}))
    if ts_norm != other_norm:
        diff = list(difflib.unified_diff(
            ts_norm.splitlines(), other_norm.splitlines(),
            fromfile="typescript: " + ts_file, tofile=label + ": " + other_file, lineterm="", n=3))
        print("\n".join(diff[:MAX_DIFF_LINES]))
        if len(diff) > MAX_DIFF_LINES:
            print("... %d more diff lines" % (len(diff) - MAX_DIFF_LINES))
        print("FAIL: the %s template differs from the TypeScript one (%d diff lines)" % (label, len(diff)))
        return 1
    if ts_text == other_text:
        detail = "asset hashes equal too"
    else:
        detail = "after normalizing asset hashes (%d differ)" % len(ts_hashes ^ other_hashes)
    print("OK: the %s template equals the TypeScript one (%d resources; %s)" % (label, resources, detail))
    return 0


def message(ts_file, other_file, label):
    with open(ts_file) as f:
        expected = f.read()
    with open(other_file) as f:
        actual = f.read()
    if not expected.strip():
        print("FAIL: the TypeScript message in %s is empty" % ts_file)
        return 1
    if expected in actual:
        if expected == actual:
            how = "identical"
        else:
            extra = actual.replace(expected, "", 1).strip().splitlines()
            how = "plus %d more line(s) of text, the first: %r" % (len(extra), extra[0] if extra else "")
        print("OK: %s surfaces the TypeScript validation message (%s):" % (label, how))
        print("    " + expected.replace("\n", "\n    "))
        return 0
    print("FAIL: %s does not surface the TypeScript validation message" % label)
    print("--- expected (TypeScript):\n" + expected)
    print("--- actual (%s):\n%s" % (label, actual))
    print("\n".join(difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "typescript", label, lineterm="")))
    return 1


def main(argv):
    commands = {"templates": templates, "message": message}
    if len(argv) != 5 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
