"""Statements through the HTTP client: who may download what, every download audited, background exports
run to completion on both backends (a worker thread; RQ with a separate worker process)."""
import hashlib
import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimStatus, ExportJob
from tests.conftest import csrf_token, login
from tests.factories import partner, project

pytestmark = pytest.mark.demo_history
ROOT = Path(__file__).resolve().parents[2]


def claim_of(name: str, status: ClaimStatus) -> Claim:
    return db.session.scalar(select(Claim).where(Claim.partner_id == partner(name).id, Claim.status == status))


def downloads(user_id=None):
    query = select(AuditEvent).where(AuditEvent.action == "statement.downloaded").order_by(AuditEvent.seq)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    return list(db.session.scalars(query))


def post(client, url, data, token_url="/projects/LES"):
    token = csrf_token(client.get(token_url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def wait_for(job_id: str, timeout: float = 120) -> ExportJob:
    """Poll the job row; between polls the test holds no transaction (on SQLite that is the write lock)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        db.session.refresh(job)
        status = job.status
        db.session.rollback()
        if status in ("finished", "failed") or time.monotonic() > deadline:
            return db.session.get(ExportJob, job_id)
        time.sleep(0.2)


def test_partner_downloads_only_its_own_claims_statements(client):
    own = claim_of("Howest", ClaimStatus.PAID)
    other = claim_of("Odisee", ClaimStatus.PAID)
    login(client, "partner.howest@example.org")
    page = client.get(f"/projects/LES/claims/{own.id}").get_data(as_text=True)
    assert f"/projects/LES/claims/{own.id}/claim-statement.pdf?lang=nl" in page
    assert f"/projects/LES/claims/{own.id}/certificate.xlsx?lang=en" in page
    response = client.get(f"/projects/LES/claims/{own.id}/claim-statement.xlsx?lang=en")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert f"LES_claim-statement_PP3-Howest_{own.id}_" in response.headers["Content-Disposition"]
    for kind in ("claim-statement", "certificate"):
        for fmt in ("xlsx", "pdf"):
            assert client.get(f"/projects/LES/claims/{other.id}/{kind}.{fmt}").status_code == 404
    assert client.get("/projects/LES/claims/999999/claim-statement.pdf").status_code == 404
    assert client.get(f"/projects/LES/claims/{own.id}/balance.pdf").status_code == 404
    assert client.get(f"/projects/LES/claims/{own.id}/claim-statement.docx").status_code == 404
    # project-wide statements and the audit trail are not for partner users
    assert post(client, "/projects/LES/exports", {"kind": "financial-report", "format": "xlsx"}).status_code == 403
    assert client.get("/projects/LES/audit").status_code == 404
    assert client.get("/projects/LES/audit/chain").status_code == 404
    assert "statements" not in client.get("/projects/LES").get_data(as_text=True).split('id="budget-by-period"')[1]


def test_a_certificate_only_for_a_certified_claim(client):
    open_claim = claim_of("Howest", ClaimStatus.IN_VERIFICATION)
    login(client, "partner.howest@example.org")
    assert f"/claims/{open_claim.id}/certificate" not in client.get(f"/projects/LES/claims/{open_claim.id}").get_data(
        as_text=True)
    response = client.get(f"/projects/LES/claims/{open_claim.id}/certificate.pdf")
    assert response.status_code == 302
    assert "niet gecertificeerd" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/projects/LES/claims/{open_claim.id}/claim-statement.pdf").status_code == 200


@pytest.mark.parametrize("email", ["finance@example.org", "auditor@example.org"])
def test_finance_and_auditors_download_every_claims_statements_and_each_is_audited(client, email):
    login(client, email)
    claims = list(db.session.scalars(select(Claim).where(Claim.project_id == project().id).order_by(Claim.id)))
    before = len(downloads())
    for claim in claims:
        response = client.get(f"/projects/LES/claims/{claim.id}/claim-statement.xlsx?lang=nl")
        assert response.status_code == 200
        load_workbook(io.BytesIO(response.data))
    events = downloads()[before:]
    assert len(events) == len(claims)
    last = events[-1]
    assert last.actor == email and last.object_type == "claim" and last.object_id == str(claims[-1].id)
    assert f'"sha256":"{hashlib.sha256(response.data).hexdigest()}"' in last.after
    assert '"statement":"claim-statement"' in last.after and last.ip == "127.0.0.1"
    history = client.get(f"/projects/LES/claims/{claims[-1].id}").get_data(as_text=True)
    assert "overzicht gedownload" in history


def _export_and_download(client, data, token_url="/projects/LES"):
    response = post(client, "/projects/LES/exports", data, token_url)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_url = response.headers["Location"]
    job_id = job_url.rsplit("/", 1)[1]
    page = client.get(job_url).get_data(as_text=True)
    assert "<progress" in page and "exports.js" in page
    job = wait_for(job_id)
    assert job.status == "finished", job.error
    status = client.get(f"{job_url}/status").get_json()
    assert status["status"] == "finished" and status["percent"] == 100 and status["download"].endswith("/file")
    before = len(downloads())
    file = client.get(status["download"])
    assert file.status_code == 200
    event = downloads()[before]
    assert event.object_type == "project" and hashlib.sha256(file.data).hexdigest() in event.after
    return job, file


def test_financial_report_as_a_background_job_on_the_worker_thread(client, app):
    assert app.config["REDIS_URL"] is None
    login(client, "auditor@example.org")
    assert 'name="kind" value="financial-report"' in client.get("/projects/LES").get_data(as_text=True)
    job, file = _export_and_download(client, {"kind": "financial-report", "format": "xlsx", "lang": "en",
                                              "at": "2030-01-01"})
    book = load_workbook(io.BytesIO(file.data))
    assert round(book.worksheets[1].cell(row=17, column=4).value, 2) == 2763165.00
    assert file.headers["Content-Disposition"].endswith(f'{job.file_name}') or job.file_name in \
        file.headers["Content-Disposition"]
    # the job belongs to the one who asked
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/projects").get_data(as_text=True))})
    login(client, "finance@example.org")
    assert client.get(f"/projects/LES/exports/{job.id}").status_code == 404
    assert client.get(f"/projects/LES/exports/{job.id}/file").status_code == 404
    assert client.get("/projects/LES/exports/not-a-job/status").status_code == 404


def test_audit_extract_of_the_trail_selection_as_a_job(client):
    login(client, "finance@example.org")
    page = client.get("/projects/LES/audit?action=claim.line_verified").get_data(as_text=True)
    assert 'name="kind" value="audit-extract"' in page and 'name="action" value="claim.line_verified"' in page
    job, file = _export_and_download(client, {"kind": "audit-extract", "format": "pdf", "lang": "nl",
                                              "action": "claim.line_verified"})
    assert file.data.startswith(b"%PDF") and job.total == db.session.scalar(
        select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim.line_verified",
                                                              AuditEvent.project_id == project().id))
    bad = post(client, "/projects/LES/exports", {"kind": "audit-extract", "format": "pdf", "from": "31-12-2020"})
    assert bad.status_code == 302 and "/exports/" not in bad.headers["Location"]


def redis_or_skip(url="redis://127.0.0.1:6379/0"):
    from redis import Redis
    from redis.exceptions import RedisError
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisError as error:
        message = f"Redis not reachable at {url} ({error}); start redis-server to test the RQ backend"
        if os.environ.get("COFUND_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return url


def test_financial_report_on_rq_with_a_separate_worker_process(client, app, tmp_path):
    url = redis_or_skip()
    queue = f"cofund-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=url, EXPORT_QUEUE=queue)
    login(client, "auditor@example.org")
    response = post(client, "/projects/LES/exports", {"kind": "financial-report", "format": "pdf", "lang": "nl"})
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    db.session.rollback()
    assert db.session.get(ExportJob, job_id).status == "queued"  # nothing runs in the web process
    db.session.rollback()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test",
           "AUDIT_SIGNING_KEY_FILE": app.config["AUDIT_SIGNING_KEY_FILE"],
           "AUDIT_CHECKPOINT_LOG": app.config["AUDIT_CHECKPOINT_LOG"], "DOCUMENT_DIR": app.config["DOCUMENT_DIR"],
           "EXPORT_DIR": app.config["EXPORT_DIR"], "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    worker = subprocess.run([sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", url, "--path", str(ROOT),
                             queue], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-2000:]
    job = wait_for(job_id, timeout=10)
    assert job.status == "finished", (job.error, worker.stderr[-2000:])
    file = client.get(f"/projects/LES/exports/{job_id}/file")
    assert file.status_code == 200 and file.data.startswith(b"%PDF")


def test_an_unreachable_queue_fails_the_job_with_a_reason(client, app):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", EXPORT_QUEUE="cofund-nowhere")
    login(client, "auditor@example.org")
    response = post(client, "/projects/LES/exports", {"kind": "financial-report", "format": "xlsx"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet bereikbaar" in page
