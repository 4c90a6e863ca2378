"""pip-audit for `make lint`: the installed dependencies against the advisory database (PyPI's).

Exit 1 when a dependency has a known vulnerability. When the advisory database cannot be reached (no
network, or a mirror without PyPI's JSON API, where pip-audit skips every package as "not found on PyPI"
and would still say "No known vulnerabilities found"), say so plainly and exit 0: the lint is not failed
for it, and nobody is told the dependencies were audited when they were not.

Run: .venv/bin/python .ci/pip_audit.py [extra pip-audit arguments]
"""
from __future__ import annotations

import json
import subprocess  # nosec B404  # runs pip-audit, a fixed command
import sys
import tempfile
from pathlib import Path

UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Failed to resolve",
               "Read timed out", "ConnectTimeout", "ProxyError", "SSLError")


def main(extra: list[str]) -> int:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        run = subprocess.run(  # nosec B603  # our own venv's pip-audit, arguments from the Makefile
            [str(pip_audit), "--progress-spinner", "off", "--format", "json", "--output", str(report), *extra],
            capture_output=True, text=True, timeout=600)
        found = json.loads(report.read_text()) if report.exists() and report.stat().st_size else None
    if found is None:
        if any(marker in run.stderr for marker in UNREACHABLE):
            print("pip-audit: NOT AUDITED - the advisory database cannot be reached from here "
                  f"({run.stderr.strip().splitlines()[-1][:200]}). Not a failure; run `make lint` where PyPI's "
                  "JSON API is reachable to audit the dependencies.")
            return 0
        print(f"pip-audit failed (exit {run.returncode}):\n{run.stderr[-3000:]}", file=sys.stderr)
        return 1
    dependencies = found.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if dependencies and not audited:
        print(f"pip-audit: NOT AUDITED - none of the {len(skipped)} installed packages could be looked up in "
              "the advisory database (PyPI's JSON API is not reachable from here; pip installs from a mirror). "
              "Not a failure; run `make lint` where PyPI is reachable to audit the dependencies.")
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dependency['name']} {dependency['version']}: {vuln['id']} "
                  f"({', '.join(vuln.get('aliases') or [])}); fixed in {fixed}")
    note = f"; {len(skipped)} not found in the advisory database and not audited" if skipped else ""
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} of {len(audited)} packages have known vulnerabilities{note}.")
        return 1
    print(f"pip-audit: no known vulnerabilities in {len(audited)} packages{note}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
