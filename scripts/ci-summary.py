"""Totals of a CI run (scripts/ci.sh): the lanes' stage times, one line per
source of checks, then one plain line.

Reads the JUnit reports jest wrote (test-reports/junit*.xml) and the
"N passed, M failed" lines the end-to-end test and the consumers print into the
lane logs. Usage: ci-summary.py REPORTS_DIR LOGS_DIR
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

reports_dir, logs_dir = sys.argv[1], sys.argv[2]
rows = []
for path in sorted(glob.glob(os.path.join(reports_dir, "junit*.xml"))):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    rows.append((os.path.basename(path), total - failed - skipped, failed))

PLAIN = re.compile(r"^(?:([\w:-]+): )?(\d+) passed, (\d+) failed")
STAGE = re.compile(r"^::: (.*) took (\d+) s \(at (\d+) s\)(.*)$")
stages = []
for path in sorted(glob.glob(os.path.join(logs_dir, "*.log"))):
    lane = os.path.basename(path)[: -len(".log")]
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            m = PLAIN.match(line)
            if m:
                rows.append((f"{lane} lane{': ' + m.group(1) if m.group(1) else ''}", int(m.group(2)), int(m.group(3))))
            m = STAGE.match(line)
            if m:
                stages.append((int(m.group(3)) - int(m.group(2)), int(m.group(3)), f"{lane:<9} {m.group(1)}{m.group(4)}"))

print("::: stage times (start, end, seconds)")
for start, end, name in sorted(stages):
    print(f"  {start:>4} s {end:>4} s {end - start:>4} s  {name}")
print("::: checks")
for name, passed, failed in rows:
    print(f"  {name}: {passed} passed, {failed} failed")
print(f"{sum(r[1] for r in rows)} passed, {sum(r[2] for r in rows)} failed")
