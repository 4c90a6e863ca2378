"""Evidence documents: sniffed types, content-addressed storage, all-or-nothing attach, scoped download."""
import hashlib
import io
import json
import struct
import zipfile
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import filetype
import pytest
from openpyxl import Workbook
from reportlab.pdfgen import canvas
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    CategoryKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    CostCategory,
    Document,
    ExpenditureDocument,
    Organisation,
    Partner,
    Project,
    ReportingPeriod,
    User,
)
from app.models.claim import FINAL_STATES
from app.models.types import utcnow
from app.money import split_fund
from app.services import documents, expenditures
from app.services.audit import Actor, verify_chain
from app.services.expenditures import ExpenditureData

# --- fixtures: small real files of each accepted type, and some that must be refused ---------------


def pdf_bytes(text: str = "Factuur 2020-001") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 750, text)
    c.save()
    return buf.getvalue()


def png_bytes(rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A valid 1x1 RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00" + bytes(rgb)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    """A JFIF header is what the sniffer looks at (FF D8 FF)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def xlsx_bytes(value: str = "Urenstaat") -> bytes:
    wb = Workbook()
    wb.active["A1"] = value
    buf = io.BytesIO()
    wb.save(buf)
    wb.close()
    return buf.getvalue()


def _zip(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, method in entries:
            zf.writestr(name, data, compress_type=method)
    return buf.getvalue()


def docx_bytes() -> bytes:
    """The minimal OOXML container filetype recognises as DOCX: [Content_Types].xml first, then a part
    under word/ among the next entries."""
    return _zip([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
         'package/2006/content-types"/>', zipfile.ZIP_DEFLATED),
        ("_rels/.rels", '<?xml version="1.0"?><Relationships/>', zipfile.ZIP_DEFLATED),
        ("word/document.xml", '<?xml version="1.0"?><w:document/>', zipfile.ZIP_DEFLATED),
    ])


def odt_bytes() -> bytes:
    """The OpenDocument rule: the first entry is an uncompressed 'mimetype' holding the MIME type."""
    return _zip([
        ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("content.xml", '<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED),
    ])


def exe_bytes() -> bytes:
    """The start of a Windows PE executable (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240


def zip_bytes() -> bytes:
    return _zip([("factuur.pdf", pdf_bytes(), zipfile.ZIP_DEFLATED)])


HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

ACCEPTED = [
    ("factuur.pdf", pdf_bytes, "application/pdf"),
    ("foto.png", png_bytes, "image/png"),
    ("bon.jpg", jpeg_bytes, "image/jpeg"),
    ("uren.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("verslag.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("nota.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
]


# --- helpers ----------------------------------------------------------------------------------------

def get(model, **kw):
    return db.session.scalar(select(model).filter_by(**kw))


def les() -> Project:
    return get(Project, code="LES")


def partner(name: str, code: str = "LES") -> Partner:
    return db.session.scalar(select(Partner).join(Organisation).join(Project, Project.id == Partner.project_id)
                             .where(Project.code == code, Organisation.name == name))


def user(email: str) -> User:
    return get(User, email=email)


def actor(u: User) -> Actor:
    return Actor(u.id, u.email, "127.0.0.1")


def make_expenditure(invoice: str = "F-2020-001", partner_name: str = "Howest",
                     email: str = "partner.howest@example.org"):
    """An external-services expenditure of Howest in the first LES period, committed."""
    project = les()
    u = user(email)
    data = ExpenditureData(
        category_id=get(CostCategory, project_id=project.id, kind=CategoryKind.EXTERNAL).id,
        period_id=get(ReportingPeriod, project_id=project.id, number=1).id,
        supplier="Drukkerij Vanneste", invoice_number=invoice, invoice_date=date(2020, 2, 10),
        payment_date=date(2020, 3, 2), description="Drukwerk brochure",
        gross_amount=Decimal("1210.00"), vat_amount=Decimal("210.00"), vat_recoverable=False,
        declared_amount=Decimal("1210.00"))
    exp = expenditures.create(actor(u), u, partner(partner_name), data)
    db.session.commit()
    return exp


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def audit_actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq)).all()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit_claim_with(exp, status=ClaimStatus.SUBMITTED):
    """A claim of Howest holding the expenditure (as the claim workflow would leave it)."""
    claim = Claim(project_id=exp.project_id, partner_id=exp.partner_id, period_id=exp.period_id, status=status,
                  created_by_id=exp.created_by_id)
    if status in FINAL_STATES:
        claim.certified_at, claim.certified_total = utcnow(), exp.declared_amount
        claim.efro_total, claim.contribution_total = split_fund(exp.declared_amount, Decimal("50"))
    db.session.add(claim)
    db.session.flush()
    db.session.add(ClaimLine(claim_id=claim.id, expenditure_id=exp.id, declared_amount=exp.declared_amount,
                              category_id=exp.category_id))
    db.session.commit()
    return claim


@pytest.fixture
def howest():
    return user("partner.howest@example.org")


@pytest.fixture
def exp(app):
    return make_expenditure()


# --- the sniffer --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "build", "mime"), ACCEPTED)
def test_fixtures_are_what_filetype_says(name, build, mime):
    assert filetype.guess(build()).mime == mime
    assert documents.sniff(build()) == mime


@pytest.mark.parametrize("data", [exe_bytes(), zip_bytes(), HTML, b"gewoon tekst", b"%PD"])
def test_sniff_refuses_other_content(data):
    assert documents.sniff(data) is None


@pytest.mark.parametrize(("raw", "ctype", "expected"), [
    ("factuur.pdf", "application/pdf", "factuur.pdf"),
    ("C:\\Users\\jan\\mijn factuur.PDF", "application/pdf", "mijn_factuur.pdf"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    ("名前.pdf", "application/pdf", "document.pdf"),
    ("", "image/png", "document.png"),
    ("factuur.png", "application/pdf", "factuur.png.pdf"),  # the name never decides the type
    ("foto.JPEG", "image/jpeg", "foto.jpeg"),
    ("naïve café.odt", "application/vnd.oasis.opendocument.text", "naive_cafe.odt"),
])
def test_safe_filename(raw, ctype, expected):
    assert documents.safe_filename(raw, ctype) == expected


def test_safe_filename_is_at_most_255_characters():
    name = documents.safe_filename("a" * 400 + ".xlsx", ACCEPTED[3][2])
    assert len(name) == 255 and name.endswith(".xlsx")


# --- attach -------------------------------------------------------------------------------------------

def test_attach_every_accepted_type(app, exp, howest):
    files = [(name, build()) for name, build, _ in ACCEPTED]
    links = documents.attach(actor(howest), howest, exp, files)
    db.session.commit()

    assert [link.filename for link in links] == [name for name, _, _ in ACCEPTED]
    assert [link.document.content_type for link in links] == [mime for _, _, mime in ACCEPTED]
    for (_, data), link in zip(files, links, strict=True):
        sha = hashlib.sha256(data).hexdigest()
        assert link.document.sha256 == sha and link.document.size == len(data)
        path = Path(app.config["DOCUMENT_DIR"]) / sha[:2] / sha[2:4] / sha
        assert path.read_bytes() == data
        assert link.uploaded_by_id == howest.id and link.uploaded_at is not None
    assert len(stored_files(app)) == len(ACCEPTED)  # no temporary files left behind

    events = audit_actions("document.attached")
    assert len(events) == len(ACCEPTED)
    first = events[0]
    assert (first.object_type, first.object_id, first.project_id) == ("expenditure", str(exp.id), exp.project_id)
    assert first.user_id == howest.id and first.role == "partner"
    assert json.loads(first.after) == {"filename": "factuur.pdf", "sha256": links[0].document.sha256,
                                       "size": links[0].document.size, "content_type": "application/pdf"}
    assert verify_chain().ok
    db.session.expire_all()
    assert [d.filename for d in exp.documents] == [name for name, _, _ in ACCEPTED]


def test_filestorage_uploads_are_accepted(app, exp, howest):
    data = pdf_bytes()
    upload = FileStorage(stream=io.BytesIO(data), filename="scan.pdf", content_type="text/html")
    [link] = documents.attach(actor(howest), howest, exp, [upload])
    assert link.filename == "scan.pdf"
    assert link.document.content_type == "application/pdf"  # not what the browser claimed


def test_same_content_on_two_expenditures_is_stored_once(app, exp, howest):
    other = make_expenditure("F-2020-002")
    data = pdf_bytes()
    documents.attach(actor(howest), howest, exp, [("factuur.pdf", data)])
    db.session.commit()
    [path] = stored_files(app)
    inode = path.stat().st_ino

    [link] = documents.attach(actor(howest), howest, other, [("kopie factuur.pdf", data)])
    db.session.commit()

    assert count(Document) == 1 and count(ExpenditureDocument) == 2
    assert stored_files(app) == [path]
    assert path.stat().st_ino == inode  # not written again
    assert link.filename == "kopie_factuur.pdf"


def test_a_missing_copy_is_restored_by_the_next_upload_of_the_same_content(app, exp, howest):
    data = png_bytes()
    documents.attach(actor(howest), howest, exp, [("foto.png", data)])
    db.session.commit()
    [path] = stored_files(app)
    path.unlink()
    documents.attach(actor(howest), howest, make_expenditure("F-2020-002"), [("foto.png", data)])
    db.session.commit()
    assert path.read_bytes() == data and count(Document) == 1


def test_renamed_executable_is_refused_and_nothing_is_stored(app, exp, howest):
    before = count(AuditEvent)
    with pytest.raises(DomainError) as info:
        documents.attach(actor(howest), howest, exp, [("offerte.pdf", pdf_bytes()), ("factuur.pdf", exe_bytes())])
    db.session.rollback()
    assert str(info.value) == ("'factuur.pdf' is geen toegelaten bestandstype "
                               "(PDF, PNG, JPEG, XLSX, DOCX of ODT).")
    assert stored_files(app) == []
    assert count(Document) == 0 and count(ExpenditureDocument) == 0
    assert count(AuditEvent) == before and audit_actions("document.attached") == []


def test_every_bad_file_is_named(app, exp, howest):
    with pytest.raises(DomainError) as info:
        documents.attach(actor(howest), howest, exp, [
            ("archief.zip", zip_bytes()), ("pagina.pdf", HTML), ("leeg.pdf", b""), ("goed.pdf", pdf_bytes())])
    message = str(info.value)
    assert "'archief.zip' is geen toegelaten bestandstype" in message
    assert "'pagina.pdf' is geen toegelaten bestandstype" in message
    assert "'leeg.pdf' is leeg." in message
    assert "goed.pdf" not in message
    assert stored_files(app) == []


def test_empty_file_is_refused(app, exp, howest):
    with pytest.raises(DomainError, match=r"^'leeg.pdf' is leeg\.$"):
        documents.attach(actor(howest), howest, exp, [("leeg.pdf", b"")])


def test_no_files_is_refused(app, exp, howest):
    with pytest.raises(DomainError, match="minstens één bestand"):
        documents.attach(actor(howest), howest, exp, [])


def test_size_limit_per_file(app, exp, howest):
    app.config["MAX_UPLOAD_MB"] = 1
    limit = 1024 * 1024
    just_fits = pdf_bytes() + b"\n%" + b"x" * (limit - len(pdf_bytes()) - 2)
    too_big = pdf_bytes() + b"\n%" + b"x" * (limit - len(pdf_bytes()) - 1)
    assert len(just_fits) == limit and len(too_big) == limit + 1
    with pytest.raises(DomainError) as info:
        documents.attach(actor(howest), howest, exp, [("groot.pdf", too_big)])
    assert str(info.value) == "'groot.pdf' is groter dan 1 MB; de limiet is 1 MB per bestand."
    assert stored_files(app) == []
    stream = FileStorage(stream=io.BytesIO(too_big), filename="groot.pdf")
    with pytest.raises(DomainError, match="groter dan 1 MB"):
        documents.attach(actor(howest), howest, exp, [stream])
    [link] = documents.attach(actor(howest), howest, exp, [("past.pdf", just_fits)])
    assert link.document.size == limit


def test_same_content_twice_on_one_expenditure_is_refused(app, exp, howest):
    data = xlsx_bytes()
    documents.attach(actor(howest), howest, exp, [("uren.xlsx", data)])
    db.session.commit()
    events = count(AuditEvent)
    with pytest.raises(DomainError) as info:
        documents.attach(actor(howest), howest, exp, [("uren kopie.xlsx", data), ("bon.png", png_bytes())])
    db.session.rollback()
    assert str(info.value) == ("'uren kopie.xlsx' is al als bewijsstuk aan deze uitgave toegevoegd "
                               "(als 'uren.xlsx').")
    assert count(ExpenditureDocument) == 1 and count(Document) == 1 and count(AuditEvent) == events
    assert len(stored_files(app)) == 1


def test_same_content_twice_in_one_upload_is_refused(app, exp, howest):
    data = pdf_bytes()
    with pytest.raises(DomainError, match="'b.pdf' heeft dezelfde inhoud als 'a.pdf'"):
        documents.attach(actor(howest), howest, exp, [("a.pdf", data), ("b.pdf", data)])
    assert stored_files(app) == []


def test_finance_officer_may_attach_for_any_partner(app, exp):
    finance = user("finance@example.org")
    [link] = documents.attach(actor(finance), finance, exp, [("factuur.pdf", pdf_bytes())])
    assert link.uploaded_by_id == finance.id
    assert audit_actions("document.attached")[0].role == "finance_officer"


def test_other_partner_gets_not_found(app, exp):
    odisee = user("partner.odisee@example.org")
    with pytest.raises(NotFound):
        documents.attach(actor(odisee), odisee, exp, [("factuur.pdf", pdf_bytes())])


def test_auditor_and_admin_may_not_attach(app, exp):
    for email in ("auditor@example.org", "admin@example.org"):
        u = user(email)
        with pytest.raises(PermissionDenied):
            documents.attach(actor(u), u, exp, [("factuur.pdf", pdf_bytes())])
    assert stored_files(app) == []


@pytest.mark.parametrize("status", [ClaimStatus.SUBMITTED, ClaimStatus.IN_VERIFICATION])
def test_expenditure_in_a_claim_under_verification_still_takes_evidence(app, exp, howest, status):
    """The verifier may ask for a missing document; adding it changes no amount."""
    submit_claim_with(exp, status)
    assert documents.attach(actor(howest), howest, exp, [("factuur.pdf", pdf_bytes())])


def test_expenditure_in_a_certified_claim_takes_no_evidence(app, exp, howest):
    submit_claim_with(exp, ClaimStatus.CERTIFIED)
    with pytest.raises(DomainError, match="zit in een declaratie die gecertificeerd is"):
        documents.attach(actor(howest), howest, exp, [("factuur.pdf", pdf_bytes())])
    assert stored_files(app) == []


def test_expenditure_in_a_draft_claim_still_takes_evidence(app, exp, howest):
    submit_claim_with(exp, ClaimStatus.DRAFT)
    assert documents.attach(actor(howest), howest, exp, [("factuur.pdf", pdf_bytes())])


def test_withdrawn_expenditure_takes_no_evidence(app, exp, howest):
    expenditures.withdraw(actor(howest), howest, exp, "dubbel ingevoerd")
    db.session.commit()
    with pytest.raises(DomainError, match="ingetrokken"):
        documents.attach(actor(howest), howest, exp, [("factuur.pdf", pdf_bytes())])


# --- download -----------------------------------------------------------------------------------------

@pytest.fixture
def link(app, exp, howest):
    [link] = documents.attach(actor(howest), howest, exp, [("Factuur Vanneste.pdf", pdf_bytes())])
    db.session.commit()
    return link


@pytest.mark.parametrize("email", ["partner.howest@example.org", "finance@example.org", "auditor@example.org",
                                   "admin@example.org"])
def test_download_by_those_who_may_see_the_expenditure(app, link, email):
    u = user(email)
    path, ctype, name, sha = documents.download(actor(u), u, les(), link.id)
    assert Path(path).is_absolute() and Path(path).read_bytes() == pdf_bytes()
    assert (ctype, name, sha) == ("application/pdf", "Factuur_Vanneste.pdf", link.document.sha256)
    [event] = audit_actions("document.downloaded")
    assert event.user_id == u.id and event.object_id == str(link.expenditure_id)
    assert json.loads(event.after) == {"link_id": link.id, "filename": "Factuur_Vanneste.pdf",
                                       "sha256": link.document.sha256}


def test_download_by_another_partner_is_not_found(app, link):
    odisee = user("partner.odisee@example.org")
    with pytest.raises(NotFound):
        documents.download(actor(odisee), odisee, les(), link.id)
    assert audit_actions("document.downloaded") == []


def test_download_through_another_project_is_not_found(app, link):
    finance = user("finance@example.org")  # member of both LES and LLL
    with pytest.raises(NotFound):
        documents.download(actor(finance), finance, get(Project, code="LLL"), link.id)
    with pytest.raises(NotFound):
        documents.download(actor(finance), finance, les(), link.id + 1000)


def test_tampered_file_is_not_served(app, link):
    path = documents.document_path(link.document.sha256)
    path.chmod(0o600)
    original = path.read_bytes()
    path.write_bytes(original[:-10] + bytes([original[-10] ^ 1]) + original[-9:])  # one byte changed, same size
    finance = user("finance@example.org")
    with pytest.raises(DomainError, match="gewijzigd of beschadigd"):
        documents.download(actor(finance), finance, les(), link.id)
    path.unlink()
    with pytest.raises(DomainError, match="niet meer beschikbaar"):
        documents.download(actor(finance), finance, les(), link.id)
    db.session.rollback()
    assert audit_actions("document.downloaded") == []


def test_a_document_row_inserted_by_a_concurrent_upload_is_reused(app, exp, howest, monkeypatch):
    """Two uploads of new identical content race: the loser's INSERT hits UNIQUE(sha256) inside a savepoint
    and it takes the winner's row instead of failing the whole upload."""
    data = pdf_bytes()
    sha = hashlib.sha256(data).hexdigest()
    winner = Document(sha256=sha, size=len(data), content_type="application/pdf")
    db.session.add(winner)
    db.session.commit()
    real_scalar, missed = db.session.scalar, []

    def scalar_missing_the_row_once(stmt, *args, **kwargs):
        if not missed and "FROM document" in str(stmt):
            missed.append(stmt)
            return None  # as if the other transaction had not committed yet when we looked
        return real_scalar(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar_missing_the_row_once)
    [link] = documents.attach(actor(howest), howest, exp, [("factuur.pdf", data)])
    monkeypatch.undo()
    db.session.commit()
    assert missed and link.document_id == winner.id
    assert count(Document) == 1 and count(ExpenditureDocument) == 1
