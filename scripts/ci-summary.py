"""Totals of a CI run (scripts/ci.sh): one line per source, then one plain line.

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

PLAIN = re.compile(r"^(?:[\w:-]+: )?(\d+) passed, (\d+) failed")
for path in sorted(glob.glob(os.path.join(logs_dir, "*.log"))):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = PLAIN.match(line.strip())
            if m:
                rows.append((f"{os.path.basename(path)}: {line.strip()}", int(m.group(1)), int(m.group(2))))

for name, passed, failed in rows:
    print(f"  {name}: {passed} passed, {failed} failed")
print(f"{sum(r[1] for r in rows)} passed, {sum(r[2] for r in rows)} failed")
