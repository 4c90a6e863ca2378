"""Evidence documents of an expenditure: type sniffed from the content, stored once by SHA-256 content
address, served only to users who may see the expenditure.

Storage layout: ``DOCUMENT_DIR/ab/cd/<sha256>`` (the first two and the next two hex digits as folders).
A file is written to a temporary file in its final folder and moved into place with ``os.replace``, so a
reader never sees half a file. Files are written before the transaction commits; if the commit then fails,
the file stays as an unreferenced but harmless copy that a later upload of the same content reuses.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import filetype
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from .. import formatting
from ..errors import DomainError, NotFound
from ..extensions import db
from ..i18n import gettext as _
from ..models import (
    Claim,
    ClaimLine,
    Document,
    Expenditure,
    ExpenditureDocument,
    ExpenditureStatus,
    LineStatus,
    Project,
    User,
)
from ..models.claim import FINAL_STATES
from ..permissions import can_register_for, require, require_visible, role_label
from . import audit
from .audit import Actor

# Sniffed MIME type -> (label for people, extensions that fit it; the first is the canonical one).
ALLOWED_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "application/pdf": ("PDF", ("pdf",)),
    "image/png": ("PNG", ("png",)),
    "image/jpeg": ("JPEG", ("jpg", "jpeg")),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("XLSX", ("xlsx",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("DOCX", ("docx",)),
    "application/vnd.oasis.opendocument.text": ("ODT", ("odt",)),
}
MAX_FILENAME = 255
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class _Checked:
    """One upload that passed validation."""

    filename: str  # sanitised, as stored and offered for download
    data: bytes
    sha256: str
    content_type: str


def allowed_label() -> str:
    """The accepted types for people: 'PDF, PNG, JPEG, XLSX, DOCX or ODT'."""
    labels = list(dict.fromkeys(label for label, _extensions in ALLOWED_TYPES.values()))
    return _("%(types)s or %(last)s", types=", ".join(labels[:-1]), last=labels[-1])


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def document_dir() -> Path:
    return Path(current_app.config["DOCUMENT_DIR"]).resolve()


def document_path(sha256: str) -> Path:
    """Where the content with this SHA-256 lives (whether or not it is there)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a lowercase hex SHA-256")
    return document_dir() / sha256[:2] / sha256[2:4] / sha256


def sniff(data: bytes) -> str | None:
    """The MIME type of the content if it is one of the accepted types, else None. Never the name."""
    kind = filetype.guess(data)
    return kind.mime if kind is not None and kind.mime in ALLOWED_TYPES else None


def _basename(raw: str | None) -> str:
    """The last part of a name a browser sent (some send a whole Windows or POSIX path)."""
    return PureWindowsPath(PurePosixPath(raw or "").name).name.strip()


def display_name(raw: str | None) -> str:
    """The name the user gave the file, for messages (Jinja escapes it)."""
    name = _basename(raw)
    if not name:
        return _("(no name)")
    return name if len(name) <= 120 else name[:117] + "..."


def safe_filename(raw: str | None, content_type: str) -> str:
    """A name that is safe on disk and in a Content-Disposition header: ``secure_filename``, at most 255
    characters, ``document`` when nothing is left of it, and an extension that matches the sniffed type
    (appended when the given one does not: ``factuur.png`` holding a PDF becomes ``factuur.png.pdf``)."""
    extensions = ALLOWED_TYPES[content_type][1]
    stem, dot, ext = _basename(raw).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem, ext = secure_filename(stem), secure_filename(ext).lower()
    if ext not in extensions:
        stem = f"{stem}.{ext}" if stem and ext else (stem or ext)
        ext = extensions[0]
    stem = (stem or "document")[: MAX_FILENAME - len(ext) - 1]
    return f"{stem}.{ext}"


def _read(item: tuple[str, bytes] | FileStorage, limit: int) -> tuple[str, bytes, bool]:
    """(name, content, too_large). A FileStorage is read no further than one byte past the limit."""
    if isinstance(item, FileStorage):
        data = item.stream.read(limit + 1)
        return item.filename or "", data, len(data) > limit
    name, data = item
    return name or "", bytes(data), len(data) > limit


def validate_uploads(files: Iterable[tuple[str, bytes] | FileStorage],
                     attached: dict[str, str] | None = None) -> list[_Checked]:
    """Every file, checked before anything is stored (type sniffed from the content, size limit, not empty,
    not twice, not already ``attached``: sha256 -> name); all problems in one DomainError."""
    limit = max_upload_bytes()
    limit_mb = current_app.config["MAX_UPLOAD_MB"]
    attached = attached or {}
    checked: list[_Checked] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for item in files:
        raw_name, data, too_large = _read(item, limit)
        shown = display_name(raw_name)
        if not data:
            errors.append(_("'%(file)s' is empty.", file=shown))
            continue
        if too_large:
            errors.append(_("'%(file)s' is larger than %(limit)s MB; the limit is %(limit)s MB per file.",
                            file=shown, limit=formatting.number(limit_mb)))
            continue
        content_type = sniff(data)
        if content_type is None:
            errors.append(_("'%(file)s' is not an accepted type of file (%(types)s).", file=shown,
                            types=allowed_label()))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in attached:
            errors.append(_("'%(file)s' has already been added to this expenditure as evidence (as '%(name)s').",
                            file=shown, name=attached[sha]))
            continue
        if sha in seen:
            errors.append(_("'%(file)s' has the same content as '%(other)s'; add it only once.", file=shown,
                            other=seen[sha]))
            continue
        seen[sha] = shown
        checked.append(_Checked(safe_filename(raw_name, content_type), data, sha, content_type))
    if errors:
        raise DomainError(" ".join(errors))
    if not checked:
        raise DomainError(_("Choose at least one file to upload."))
    return checked


def _file_sha256(path: Path) -> str | None:
    """SHA-256 of a stored file, or None when it is not there."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _store(sha256: str, data: bytes) -> bool:
    """Make sure the content is on disk at its address; True if it had to be written. An intact copy is
    never written again; a missing or damaged one is replaced (the content is proven by its hash)."""
    path = document_path(sha256)
    if path.is_file() and _file_sha256(path) == sha256:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o640)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True


def _document_for(item: _Checked) -> Document:
    """The Document row for this content: the existing one, or a new one (a concurrent upload of the same
    content may insert it first; the savepoint lets us take that one instead)."""
    doc = db.session.scalar(select(Document).where(Document.sha256 == item.sha256))
    if doc is not None:
        return doc
    try:
        with db.session.begin_nested():
            doc = Document(sha256=item.sha256, size=len(item.data), content_type=item.content_type)
            db.session.add(doc)
    except IntegrityError:
        doc = db.session.scalar(select(Document).where(Document.sha256 == item.sha256))
        if doc is None:
            raise
    return doc


def store_upload(item: _Checked) -> Document:
    """Store a checked upload at its content address; its Document row (existing or new)."""
    _store(item.sha256, item.data)
    return _document_for(item)


def stored_intact(sha256: str) -> bool:
    """The content with this SHA-256 is in the storage, unchanged."""
    return _file_sha256(document_path(sha256)) == sha256


def certified_claim_of(exp: Expenditure) -> Claim | None:
    """The certified (or paid) claim this expenditure counts in, if any. Evidence can be added while a
    claim is being prepared or verified (a verifier may ask for a missing document), not after."""
    return db.session.scalar(
        select(Claim).join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(ClaimLine.expenditure_id == exp.id, ClaimLine.status != LineStatus.PARKED,
               Claim.status.in_(FINAL_STATES)).limit(1))


def attach(actor: Actor, user: User, exp: Expenditure,
           files: Iterable[tuple[str, bytes] | FileStorage]) -> list[ExpenditureDocument]:
    """Attach evidence files to an expenditure, all or none.

    ``files`` holds ``(filename, content bytes)`` pairs and/or werkzeug ``FileStorage`` objects (as from
    ``request.files.getlist``); the filename is only kept (sanitised) as the download name: the type is
    sniffed from the content. Refused while the expenditure is withdrawn or in a claim that is no longer
    editable. One ``document.attached`` audit event per file. Flushes, never commits.
    """
    project = exp.partner.project
    require_visible(user, exp, project)
    require(can_register_for(user, exp.partner),
            _("Only the partner itself or a finance officer adds evidence."))
    audit.serialise(exp)
    if exp.status is ExpenditureStatus.WITHDRAWN:
        raise DomainError(_("This expenditure is withdrawn; no more evidence can be added."))
    claim = certified_claim_of(exp)
    if claim is not None:
        raise DomainError(_("This expenditure is in a claim that is %(status)s; no more evidence can be added.",
                            status=claim.status.label))
    checked = validate_uploads(files, {link.document.sha256: link.filename for link in exp.documents})
    role = role_label(user, project)
    links = []
    for item in checked:
        doc = store_upload(item)
        link = ExpenditureDocument(expenditure=exp, document=doc, filename=item.filename,
                                   uploaded_by_id=user.id)
        db.session.add(link)
        db.session.flush()
        audit.record(actor, "document.attached", role=role, object_type="expenditure", object_id=exp.id,
                     project_id=exp.project_id,
                     after={"filename": item.filename, "sha256": item.sha256, "size": doc.size,
                            "content_type": doc.content_type})
        links.append(link)
    return links


def download(actor: Actor, user: User, project: Project, link_id: int) -> tuple[str, str, str, str]:
    """An evidence file the user may see: ``(absolute path, content type, download name, sha256)``.

    404 unless the link exists, belongs to an expenditure of this project and the user may see that
    expenditure. A file that is missing or no longer matches its SHA-256 is refused, never served.
    Writes a ``document.downloaded`` audit event. Flushes, never commits.
    """
    link = db.session.get(ExpenditureDocument, link_id)
    if link is None:
        raise NotFound(_("Evidence not found."))
    exp = link.expenditure
    require_visible(user, exp, project)
    doc = link.document
    path = document_path(doc.sha256)
    actual = _file_sha256(path)
    if actual is None:
        current_app.logger.error("evidence file missing: link %s, sha256 %s, path %s", link.id, doc.sha256, path)
        raise DomainError(_("The file '%(file)s' is no longer available in the storage. Report this to the "
                            "administrator.", file=link.filename))
    if actual != doc.sha256:
        current_app.logger.error("evidence file altered: link %s, expected %s, found %s, path %s",
                                 link.id, doc.sha256, actual, path)
        raise DomainError(_("The file '%(file)s' has been changed or damaged in the storage and is therefore not "
                            "offered. Report this to the administrator.", file=link.filename))
    audit.record(actor, "document.downloaded", role=role_label(user, project), object_type="expenditure",
                 object_id=exp.id, project_id=exp.project_id,
                 after={"link_id": link.id, "filename": link.filename, "sha256": doc.sha256})
    return str(path), doc.content_type, link.filename, doc.sha256
