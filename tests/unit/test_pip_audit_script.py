"""The pip-audit step of `make lint` (.ci/pip_audit.py): a vulnerability fails it; an advisory database that
cannot be reached is said plainly and does not."""
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "pip_audit.py"


@pytest.fixture
def pip_audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("pip_audit_step", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def answer(report: dict | None, stderr: str = "", code: int = 0):
        def run(args, **kwargs):
            if report is not None:
                Path(args[args.index("--output") + 1]).write_text(json.dumps(report))
            return subprocess.CompletedProcess(args, code, "", stderr)
        monkeypatch.setattr(module.subprocess, "run", run)
        return module
    return answer


def test_a_known_vulnerability_fails_the_lint(pip_audit, capsys):
    report = {"dependencies": [
        {"name": "werkzeug", "version": "3.1.3", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.1.6"],
                                                            "aliases": ["CVE-2026-0001"]}]},
        {"name": "flask", "version": "3.1.3", "vulns": []}]}
    assert pip_audit(report, code=1).main([]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE: werkzeug 3.1.3: GHSA-xxxx (CVE-2026-0001); fixed in 3.1.6" in out
    assert "1 of 2 packages have known vulnerabilities" in out


def test_no_vulnerability_passes(pip_audit, capsys):
    assert pip_audit({"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]}).main([]) == 0
    assert "no known vulnerabilities in 1 packages" in capsys.readouterr().out


def test_an_unreachable_database_is_said_and_does_not_fail(pip_audit, capsys):
    stderr = "Traceback ...\nrequests.exceptions.ConnectionError: Failed to resolve 'pypi.org'"
    assert pip_audit(None, stderr, code=1).main([]) == 0
    assert "NOT AUDITED - the advisory database cannot be reached" in capsys.readouterr().out
    skipped = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    assert pip_audit(skipped).main([]) == 0  # pip-audit itself would say "No known vulnerabilities found"
    assert "NOT AUDITED - none of the 1 installed packages" in capsys.readouterr().out


def test_another_failure_of_pip_audit_fails_the_lint(pip_audit, capsys):
    assert pip_audit(None, "usage: pip-audit: error: unrecognized arguments", code=2).main([]) == 1
    assert "pip-audit failed (exit 2)" in capsys.readouterr().err
