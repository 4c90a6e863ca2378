"""An XLSX is a zip: checked before any of it is unpacked or parsed, so that a small upload cannot unpack
into gigabytes (one 300 MB shared string in a 300 KB file) or hold a worker for minutes.

The member count is read from the zip's end record before Python's zipfile reads the central directory
(which costs memory per entry); then every member's declared size, the total, and each member's
compression ratio are checked. A member cannot unpack past its declared size: zipfile stops there and the
CRC check fails, so the declared sizes bound what openpyxl can read.
"""
from __future__ import annotations

import io
import struct
import zipfile

from ... import formatting
from ...i18n import gettext as _
from .reading import ImportRejected

MAX_MEMBERS = 300  # a workbook from Excel or LibreOffice holds 10 to 30; images and sheets add a few each
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # 20,000 lines of the template with long descriptions are about 50 MB
MAX_TOTAL_BYTES = 96 * 1024 * 1024
MAX_RATIO = 100  # real sheets pack 5 to 30 times; only members above RATIO_FROM are judged
RATIO_FROM = 1024 * 1024
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22


def _declared_members(data: bytes) -> int | None:
    """The number of entries the end-of-central-directory record declares; None without one."""
    tail = data[-(_END_RECORD_SIZE + 0xFFFF):]  # the record, after at most a 64 KiB comment
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) < at + _END_RECORD_SIZE:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def _mb(size: int) -> str:
    return formatting.number(size / (1024 * 1024), 0 if size >= 10 * 1024 * 1024 else 1)


def _part(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


def check_xlsx_zip(data: bytes) -> None:
    """Raise ImportRejected, with what to do, for a zip that would unpack to too much."""
    count = _declared_members(data)
    if count is not None and count > MAX_MEMBERS:  # 0xFFFF also means a zip64 directory: far too many
        raise ImportRejected(_(
            "This workbook holds %(count)s parts; a workbook to import holds at most %(limit)s. Copy the sheet "
            "with the expenditures into a new workbook (.xlsx) and import that. Nothing was saved.",
            count=formatting.number(count), limit=formatting.number(MAX_MEMBERS)))
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ImportRejected(_("This Excel workbook cannot be read (damaged, or not .xlsx). Open the file in Excel "
                               "and save it again as 'Excel Workbook (.xlsx)'.")) from None
    if len(members) > MAX_MEMBERS:
        raise ImportRejected(_(
            "This workbook holds %(count)s parts; a workbook to import holds at most %(limit)s. Copy the sheet "
            "with the expenditures into a new workbook (.xlsx) and import that. Nothing was saved.",
            count=formatting.number(len(members)), limit=formatting.number(MAX_MEMBERS)))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            limit = MAX_MEMBER_BYTES if member.file_size > MAX_MEMBER_BYTES else MAX_TOTAL_BYTES
            raise ImportRejected(_(
                "This workbook unpacks to more than %(limit)s MB (%(part)s alone is %(size)s MB). A list of "
                "expenditures is far smaller, so the workbook holds something else as well (images, other "
                "sheets, a very long text). Copy the sheet with the expenditures into a new workbook and import "
                "that. Nothing was saved.", limit=_mb(limit), part=_part(member.filename),
                size=_mb(member.file_size)))
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ImportRejected(_(
                "Part %(part)s of this workbook unpacks to %(ratio)s times its packed size; a sheet of "
                "expenditures never does, so the file is refused as a possible zip bomb. Copy the sheet with "
                "the expenditures into a new workbook and import that. Nothing was saved.",
                part=_part(member.filename),
                ratio=formatting.number(member.file_size // max(member.compress_size, 1))))
