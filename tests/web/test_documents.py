
"""Evidence documents over HTTP: multipart upload with CSRF, scoped download, the fragment on the detail page."""
import hashlib
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import AuditEvent, ClaimStatus, Document, Expenditure, ExpenditureDocument, Project
from app.services import documents
from tests.conftest import csrf_token
from tests.services.test_documents import (
    actor,
    docx_bytes,
    exe_bytes,
    make_expenditure,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    stored_files,
    submit_claim_with,
    user,
    xlsx_bytes,
)


def token(client) -> str:
    """A CSRF token of the session, from the project list (its logout form carries one)."""
    page = client.get("/projects")
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def upload(client, exp_id: int, files, with_token: bool = True, code: str = "LES"):
    """POST files as a browser does. The body is encoded here, in memory: the test client spools bodies over
    500 kB to a temporary file that it never closes (a ResourceWarning, an error under filterwarnings)."""
    data = {"files": [FileStorage(io.BytesIO(content), filename=name) for name, content in files]}
    if with_token:
        data["csrf_token"] = token(client)
    boundary, body = encode_multipart(data)
    return client.post(f"/projects/{code}/expenditures/{exp_id}/documents", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def attach_pdf(exp, name="Factuur Vanneste.pdf", data=None):
    howest = user("partner.howest@example.org")
    [link] = documents.attach(actor(howest), howest, exp, [(name, data or pdf_bytes())])
    db.session.commit()
    return link


@pytest.fixture
def exp(app):
    return make_expenditure()


def test_partner_uploads_several_files(app, as_user, exp):
    client = as_user("partner.howest@example.org")
    files = [("factuur.pdf", pdf_bytes()), ("foto.png", png_bytes()), ("uren.xlsx", xlsx_bytes()),
             ("verslag.docx", docx_bytes()), ("nota.odt", odt_bytes())]
    response = upload(client, exp.id, files)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/LES/expenditures/{exp.id}"
    assert ("success", "5 bewijsstukken toegevoegd.") in flashes(client)
    db.session.expire_all()
    assert [d.filename for d in db.session.get(Expenditure, exp.id).documents] == [n for n, _ in files]
    assert {p.name for p in stored_files(app)} == {hashlib.sha256(c).hexdigest() for _, c in files}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "document.attached")) == 5


def test_message_for_two_and_one(app, as_user, exp):
    client = as_user("finance@example.org")
    assert upload(client, exp.id, [("a.pdf", pdf_bytes()), ("b.png", png_bytes())]).status_code == 302
    assert ("success", "2 bewijsstukken toegevoegd.") in flashes(client)
    upload(client, exp.id, [("c.xlsx", xlsx_bytes())])
    assert ("success", "1 bewijsstuk toegevoegd.") in flashes(client)


def test_renamed_executable_is_refused_with_a_message(app, as_user, exp):
    client = as_user("partner.howest@example.org")
    response = upload(client, exp.id, [("offerte.pdf", pdf_bytes()), ("factuur.pdf", exe_bytes())])
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/LES/expenditures/{exp.id}"
    assert ("error", "'factuur.pdf' is geen toegelaten bestandstype (PDF, PNG, JPEG, XLSX, DOCX of ODT).") \
        in flashes(client)
    assert count(Document) == 0 and count(ExpenditureDocument) == 0 and stored_files(app) == []


def test_size_limit_and_empty_file(app, as_user, exp):
    app.config["MAX_UPLOAD_MB"] = 1
    client = as_user("partner.howest@example.org")
    upload(client, exp.id, [("groot.pdf", pdf_bytes() + b"x" * (1024 * 1024)), ("leeg.png", b"")])
    [(category, message)] = flashes(client)
    assert category == "error"
    assert "'groot.pdf' is groter dan 1 MB" in message and "'leeg.png' is leeg." in message
    assert stored_files(app) == []


def test_no_file_chosen(app, as_user, exp):
    client = as_user("partner.howest@example.org")
    response = client.post(f"/projects/LES/expenditures/{exp.id}/documents",
                           data={"csrf_token": token(client), "files": (io.BytesIO(b""), "")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert ("error", "Kies minstens één bestand om op te laden.") in flashes(client)


def test_duplicate_upload_is_refused(app, as_user, exp):
    attach_pdf(exp)
    client = as_user("partner.howest@example.org")
    upload(client, exp.id, [("nogmaals.pdf", pdf_bytes())])
    assert ("error", "'nogmaals.pdf' is al als bewijsstuk aan deze uitgave toegevoegd "
                     "(als 'Factuur_Vanneste.pdf').") in flashes(client)
    assert count(ExpenditureDocument) == 1


def test_upload_to_an_expenditure_in_a_certified_claim_is_refused(app, as_user, exp):
    submit_claim_with(exp, ClaimStatus.CERTIFIED)
    client = as_user("partner.howest@example.org")
    assert upload(client, exp.id, [("factuur.pdf", pdf_bytes())]).status_code == 302
    [(category, message)] = flashes(client)
    assert category == "error" and "zit in een declaratie die gecertificeerd is" in message
    assert count(ExpenditureDocument) == 0


def test_upload_by_another_partner_is_not_found(app, as_user, exp):
    client = as_user("partner.odisee@example.org")
    assert upload(client, exp.id, [("factuur.pdf", pdf_bytes())]).status_code == 404
    assert count(ExpenditureDocument) == 0 and stored_files(app) == []


def test_upload_by_auditor_is_forbidden(app, as_user, exp):
    client = as_user("auditor@example.org")
    assert upload(client, exp.id, [("factuur.pdf", pdf_bytes())]).status_code == 403
    assert count(ExpenditureDocument) == 0 and stored_files(app) == []


def test_upload_to_unknown_expenditure_or_project_is_not_found(app, as_user, exp):
    client = as_user("finance@example.org")
    assert upload(client, exp.id + 1000, [("factuur.pdf", pdf_bytes())]).status_code == 404
    assert upload(client, exp.id, [("factuur.pdf", pdf_bytes())], code="LLL").status_code == 404


def test_upload_without_csrf_token_is_refused(app, as_user, exp):
    client = as_user("partner.howest@example.org")
    assert upload(client, exp.id, [("factuur.pdf", pdf_bytes())], with_token=False).status_code == 400
    assert count(ExpenditureDocument) == 0 and stored_files(app) == []


def test_upload_and_download_need_a_login(app, client, exp):
    link = attach_pdf(exp)
    response = client.post(f"/projects/LES/expenditures/{exp.id}/documents", content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(pdf_bytes()), "factuur.pdf")]})
    assert response.status_code in (302, 400)  # CSRF check or the login redirect; never stored
    assert count(ExpenditureDocument) == 1
    response = client.get(f"/projects/LES/documents/{link.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("email", ["partner.howest@example.org", "finance@example.org", "auditor@example.org"])
def test_download(app, as_user, exp, email):
    data = pdf_bytes()
    link = attach_pdf(exp, data=data)
    client = as_user(email)
    with client.get(f"/projects/LES/documents/{link.id}") as response:
        assert response.status_code == 200
        assert response.get_data() == data
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=Factuur_Vanneste.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "sandbox"
        assert "private" in response.headers["Cache-Control"]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "document.downloaded")).all()
    assert event.user_id == user(email).id and event.object_id == str(exp.id)


def test_download_of_a_renamed_file_gets_an_extension_that_matches_its_content(app, as_user, exp):
    link = attach_pdf(exp, name="scan.png")
    client = as_user("finance@example.org")
    with client.get(f"/projects/LES/documents/{link.id}") as response:
        assert response.headers["Content-Disposition"] == "attachment; filename=scan.png.pdf"
        assert response.mimetype == "application/pdf"


def test_download_by_another_partner_is_not_found(app, as_user, exp):
    link = attach_pdf(exp)
    client = as_user("partner.odisee@example.org")
    assert client.get(f"/projects/LES/documents/{link.id}").status_code == 404
    assert client.get(f"/projects/LES/documents/{link.id + 1}").status_code == 404
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.downloaded")) is None


def test_download_through_another_project_is_not_found(app, as_user, exp):
    link = attach_pdf(exp)
    client = as_user("finance@example.org")
    assert client.get(f"/projects/LLL/documents/{link.id}").status_code == 404


def test_tampered_file_is_not_served(app, as_user, exp):
    link = attach_pdf(exp)
    path = documents.document_path(link.document.sha256)
    path.chmod(0o600)
    path.write_bytes(b"%PDF-1.4 vervalst")
    client = as_user("auditor@example.org")
    response = client.get(f"/projects/LES/documents/{link.id}",
                          headers={"Referer": f"/projects/LES/expenditures/{exp.id}"})
    assert response.status_code == 302
    [(category, message)] = flashes(client)
    assert category == "error" and "gewijzigd of beschadigd" in message
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.downloaded")) is None


# --- the fragment ---------------------------------------------------------------------------------------

def render_fragment(app, exp, email, can_attach):
    project = db.session.scalar(select(Project).where(Project.code == "LES"))
    with app.test_request_context():
        login_user(user(email))
        return render_template("documents/_evidence.html", project=project, exp=exp, can_attach=can_attach)


def test_fragment_without_documents(app, exp):
    html = render_fragment(app, exp, "auditor@example.org", False)
    assert "Bewijsstukken" in html and "Nog geen bewijsstukken." in html
    assert "<form" not in html


def test_fragment_lists_documents_and_offers_the_form(app, exp):
    link = attach_pdf(exp)
    db.session.expire_all()
    exp = db.session.get(Expenditure, exp.id)
    html = render_fragment(app, exp, "partner.howest@example.org", True)
    doc = link.document
    assert f'href="/projects/LES/documents/{link.id}">Factuur_Vanneste.pdf</a>' in html
    assert f"<code>{doc.sha256}</code>" in html
    assert "<td>PDF</td>" in html
    assert f"{(doc.size + 1023) // 1024} kB" in html
    assert link.uploaded_at.astimezone(ZoneInfo("Europe/Brussels")).strftime("%d-%m-%Y %H:%M") in html
    assert re.search(r'<form method="post" enctype="multipart/form-data"[^>]*\s+action="/projects/LES/'
                     rf'expenditures/{exp.id}/documents">', html)
    assert 'name="files" multiple' in html and 'accept=".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.odt"' in html
    assert 'type="hidden" name="csrf_token" value="' in html
    assert '<button type="submit" class="button">Bewijsstukken opladen</button>' in html
    assert "maximaal 20 MB per bestand" in html


def test_detail_page_shows_the_evidence_and_its_form_works(app, as_user, exp):
    client = as_user("partner.howest@example.org")
    page = client.get(f"/projects/LES/expenditures/{exp.id}").get_data(as_text=True)
    assert "Nog geen bewijsstukken." in page and "Bewijsstukken opladen" in page
    response = client.post(f"/projects/LES/expenditures/{exp.id}/documents", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(page),
                                 "files": [(io.BytesIO(pdf_bytes()), "factuur.pdf")]},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 bewijsstuk toegevoegd." in html and "factuur.pdf</a>" in html
    digest = hashlib.sha256(pdf_bytes()).hexdigest()
    assert f"<code>{digest}</code>" in html
    assert Path(app.config["DOCUMENT_DIR"], digest[:2], digest[2:4], digest).is_file()
