"""Signed checkpoints of the audit chain, kept outside the database (DESIGN.md section 3).

The hash chain shows that no event in the middle was changed or removed, but whoever can write the audit
table can cut the newest events off, or recompute the whole chain after changing one. So the chain is
anchored outside the database, as Certificate Transparency signs its tree heads: after every committed
transaction that appended events, the event count and the head hash are signed with an Ed25519 key that
is not in the database, and the checkpoint is appended as one JSON line to a log file that is not in the
database either. ``flask audit verify`` then checks the chain against the newest checkpoint.

The signed text is UTF-8, every line ending in a newline::

    cofund audit checkpoint v1
    count <number of events = seq of the head event>
    head <sha256 hex of the head event>
    time <UTC time of signing, ISO 8601 ending in Z>
    key <key id>

A log line is ``{"count":..,"head":"..","time":"..","key_id":"..","signature":"<base64>"}``. The key id is
the first 16 hex digits of sha256 of the raw 32-byte public key. Anyone holding the public key
(``flask audit public-key``) can check a checkpoint without this program.

The private key: config ``AUDIT_SIGNING_KEY`` (PEM, or base64 of the raw 32-byte key or of its DER), or
else the file ``AUDIT_SIGNING_KEY_FILE``, created with mode 0600 on first use when absent.
"""
from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNED_TEXT_TITLE = "cofund audit checkpoint v1"
LINE_FIELDS = ("count", "head", "time", "key_id", "signature")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_EXTENSION = "cofund.audit_signer"


class SigningKeyError(RuntimeError):
    """The signing key is configured but cannot be used."""


class Note(str):
    """A finding of the verification in English, as ``flask audit`` prints it (the command line stays
    English), that also keeps its ``kind`` and ``values``: a page says it in its reader's language from
    those (app/services/statements/verification.py)."""

    kind: str
    values: dict

    def __new__(cls, text: str, kind: str = "", **values) -> Note:
        note = super().__new__(cls, text)
        note.kind, note.values = kind, values
        return note

    def as_data(self) -> dict:
        return {"kind": self.kind, **self.values}


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def utc_timestamp(moment: datetime | None = None) -> str:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str
    time: str
    key_id: str
    signature: str = ""

    def signed_text(self) -> bytes:
        return (f"{SIGNED_TEXT_TITLE}\ncount {self.count}\nhead {self.head}\n"
                f"time {self.time}\nkey {self.key_id}\n").encode()

    def to_line(self) -> str:
        return json.dumps({name: getattr(self, name) for name in LINE_FIELDS}, separators=(",", ":"))

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """Parse one log line strictly; ValueError says what is wrong with it."""
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON ({error.msg})") from None
        if not isinstance(data, dict) or sorted(data) != sorted(LINE_FIELDS):
            raise ValueError(f"not a checkpoint: expected the fields {', '.join(LINE_FIELDS)}")
        count, head, time, key_id, signature = (data[name] for name in LINE_FIELDS)
        if type(count) is not int or count < 1:
            raise ValueError("count is not a positive whole number")
        if not (isinstance(head, str) and _HEX64.fullmatch(head)):
            raise ValueError("head is not a sha256 hex digest")
        if not (isinstance(key_id, str) and _HEX16.fullmatch(key_id)):
            raise ValueError("key_id is not 16 hex digits")
        if not (isinstance(time, str) and time.endswith("Z") and "\n" not in time):
            raise ValueError("time is not a UTC time")
        try:
            datetime.fromisoformat(time)
        except ValueError:
            raise ValueError("time is not a UTC time") from None
        if not isinstance(signature, str):
            raise ValueError("signature is not text")
        return cls(count, head, time, key_id, signature)


@dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey
    public_key: Ed25519PublicKey
    key_id: str

    @classmethod
    def from_private_key(cls, private_key: Ed25519PrivateKey) -> Signer:
        public_key = private_key.public_key()
        return cls(private_key, public_key, key_id_of(public_key))

    def sign(self, count: int, head: str, moment: datetime | None = None) -> Checkpoint:
        unsigned = Checkpoint(count, head, utc_timestamp(moment), self.key_id)
        signature = base64.b64encode(self.private_key.sign(unsigned.signed_text())).decode("ascii")
        return Checkpoint(count, head, unsigned.time, self.key_id, signature)

    def problem_with(self, checkpoint: Checkpoint) -> Note | None:
        """Why this checkpoint cannot be trusted, or None when its signature verifies."""
        if checkpoint.key_id != self.key_id:
            return Note(f"signed by key {checkpoint.key_id}, not by this installation's key {self.key_id}",
                        "other_key", key=checkpoint.key_id, own_key=self.key_id)
        try:
            signature = base64.b64decode(checkpoint.signature, validate=True)
            self.public_key.verify(signature, checkpoint.signed_text())
        except (binascii.Error, InvalidSignature):
            return Note("the signature does not verify", "bad_signature")
        return None

    def public_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def parse_private_key(value: str | bytes, source: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM, or from base64 of the raw 32-byte key or of its DER."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = base64.b64decode("".join(text.split()), validate=True)
            key = (Ed25519PrivateKey.from_private_bytes(raw) if len(raw) == 32
                   else serialization.load_der_private_key(raw, password=None))
    except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm) as error:
        raise SigningKeyError(f"{source}: not a usable private key (PEM, or base64 of the 32-byte "
                              f"Ed25519 key or of its DER): {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{source}: the key is not an Ed25519 key")
    return key


def _key_from_file(path: Path) -> Ed25519PrivateKey:
    """Read the key file; create it (mode 0600) when it is absent. Several processes may start at once:
    the new key is written to a private temporary file and linked into place, which fails if another
    process linked its key first; then that key is used."""
    try:
        return parse_private_key(path.read_bytes(), str(path))
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".audit-signing-key-")  # mode 0600
    try:
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp_name, path)
    except FileExistsError:
        return parse_private_key(path.read_bytes(), str(path))
    finally:
        os.unlink(tmp_name)
    return key


def load_signer(config) -> Signer:
    value = config.get("AUDIT_SIGNING_KEY")
    if value:
        return Signer.from_private_key(parse_private_key(value, "AUDIT_SIGNING_KEY"))
    return Signer.from_private_key(_key_from_file(Path(config["AUDIT_SIGNING_KEY_FILE"])))


def signer_for(app) -> Signer:
    """The app's signer, loaded once per app (a signature then costs tens of microseconds)."""
    signer = app.extensions.get(_EXTENSION)
    if signer is None:
        signer = app.extensions[_EXTENSION] = load_signer(app.config)
    return signer


def append(path: str | os.PathLike, checkpoint: Checkpoint) -> None:
    """Append one line: O_APPEND, under an exclusive flock, in one write, so that several processes
    (gunicorn workers, a CLI command) can append to the same log without mixing their lines."""
    data = (checkpoint.to_line() + "\n").encode("ascii")
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags, 0o640)
    except FileNotFoundError:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        while data:  # a regular file takes it in one write; a short write would continue under the lock
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)  # releases the lock


def write_checkpoint(app, count: int, head: str) -> Checkpoint:
    checkpoint = signer_for(app).sign(count, head)
    append(app.config["AUDIT_CHECKPOINT_LOG"], checkpoint)
    return checkpoint


@dataclass
class LogReading:
    """What the checkpoint log holds: the newest checkpoint whose signature verifies, and every line that
    cannot be trusted (someone wrote to the log, or it was cut off in the middle of a line)."""

    path: str
    exists: bool
    lines: int = 0
    newest: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    size: int = 0  # bytes read (from ``start``)


def read_log(path: str | os.PathLike, signer: Signer, start: int = 0) -> LogReading:
    """Check every line. Lines may be out of order (two transactions' hooks race to append), so the newest
    checkpoint is the one with the highest count. Only the bytes present when the log is opened are
    read: taking the shared lock to measure the size means no append is half-written at that point.
    ``start``: read from this byte on (what an earlier verification read is not read again; line numbers
    then count from there); a log shorter than that is a problem."""
    reading = LogReading(str(path), exists=False)
    try:
        log = open(path, "rb")
    except FileNotFoundError:
        return reading
    reading.exists = True
    with log:
        fcntl.flock(log.fileno(), fcntl.LOCK_SH)
        size = os.fstat(log.fileno()).st_size
        fcntl.flock(log.fileno(), fcntl.LOCK_UN)
        if size < start:
            reading.problems.append(Note(f"the log is shorter ({size} bytes) than when it was verified ({start} "
                                         "bytes): lines were removed", "shortened", size=size, verified=start))
            return reading
        log.seek(start)
        size -= start
        reading.size = size
        consumed = 0
        while consumed < size:
            raw = log.readline(size - consumed)
            consumed += len(raw)
            reading.lines += 1
            number = reading.lines
            if not raw.endswith(b"\n"):
                reading.problems.append(Note(f"line {number} is incomplete (no end of line)", "incomplete",
                                             line=number))
                continue
            try:
                checkpoint = Checkpoint.from_line(raw[:-1].decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                reading.problems.append(Note(f"line {number} does not parse: {error}", "unreadable", line=number))
                continue
            problem = signer.problem_with(checkpoint)
            if problem:
                reading.problems.append(Note(f"line {number}: {problem}", problem.kind, line=number,
                                             **problem.values))
                continue
            newest = reading.newest
            if newest is not None and checkpoint.count == newest.count and checkpoint.head != newest.head:
                reading.problems.append(Note(f"line {number} signs another head for {checkpoint.count} events "
                                             f"than the checkpoint of {newest.time}", "other_head", line=number,
                                             count=checkpoint.count, time=newest.time))
            if newest is None or checkpoint.count > newest.count:
                reading.newest = checkpoint
    return reading
