"""A verification of the audit chain as it is kept (the job's result, JSON) and as people read it.

``verify_chain`` words its findings in English for ``flask audit verify`` (the command line stays English, as
operators and their scripts read it); each finding also keeps its kind and values (checkpoints.Note). The
result keeps both, and the chain page says the findings in the language of whoever reads it, not of whoever
ran the verification.
"""
from __future__ import annotations

from dataclasses import dataclass

from ... import formatting
from ...i18n import gettext as _
from ...i18n import ngettext
from .. import audit


def report_data(report: audit.ChainReport) -> dict:
    """The report as the job keeps it: the English texts, and the kind and values of each finding."""
    cp = report.checkpoint
    checkpoint = cp.checkpoint
    return {"ok": report.ok, "chain_ok": report.chain_ok, "count": report.count, "head": report.head,
            "broken_seq": report.broken_seq, "reason": report.reason, "reason_note": _note(report.reason),
            "checkpoint_status": cp.status, "checkpoint_message": cp.message,
            "checkpoint_note": _note(cp.message), "uncovered": cp.uncovered,
            "problems": list(cp.problems), "problem_notes": [_note(p) for p in cp.problems],
            "checkpoint": None if checkpoint is None else {
                "count": checkpoint.count, "head": checkpoint.head, "time": checkpoint.time,
                "key_id": checkpoint.key_id}}


def _note(text) -> dict | None:
    return text.as_data() if hasattr(text, "as_data") else None


@dataclass(frozen=True)
class InWords:
    reason: str  # why the chain breaks ('' when it does not)
    checkpoint: str  # how the chain compares with the newest signed checkpoint
    problems: list[str]  # the lines of the checkpoint log that cannot be trusted


def in_words(data: dict) -> InWords:
    """The findings of a kept report in the request's language (a finding of an unknown kind, or of a
    report kept without kinds, as it was written)."""
    notes = data.get("problem_notes") or [None] * len(data.get("problems") or [])
    return InWords(_said(data.get("reason_note"), data.get("reason") or "", _LINK),
                   _said(data.get("checkpoint_note"), data.get("checkpoint_message") or "", _CHECKPOINT),
                   [_said(note, text, _LOG_LINE) for note, text in zip(notes, data.get("problems") or [],
                                                                        strict=False)])


def _said(note: dict | None, english: str, words: dict) -> str:
    if not note or note.get("kind") not in words:
        return english
    try:
        return words[note["kind"]](note)
    except (KeyError, TypeError, ValueError):
        return english


def _number(value) -> str:
    return formatting.number(value) if isinstance(value, int) else str(value)


_LINK = {
    "missing_event": lambda n: _("event %(expected)s was expected, event %(found)s came (an event is missing)",
                                 expected=_number(n["expected"]), found=_number(n["found"])),
    "prev_hash": lambda n: _("its link to the event before it (prev_hash) does not match that event's hash"),
    "altered": lambda n: _("its content does not match its hash (it was altered)"),
}


def _matches(n: dict) -> str:
    text = _("matches the signed checkpoint of %(time)s (%(count)s events, key %(key)s)", time=n["time"],
             count=_number(n["count"]), key=n["key"])
    if n.get("uncovered"):
        text += "; " + ngettext("the event after it is not yet covered by a checkpoint",
                                "the %(num)d events after it are not yet covered by a checkpoint", n["uncovered"])
    return text


def _missing(n: dict) -> str:
    first, last = n["held"] + 1, n["count"]
    missing = _("event %(first)s is missing", first=_number(first)) if first == last else \
        _("events %(first)s to %(last)s are missing", first=_number(first), last=_number(last))
    return _("%(missing)s: the checkpoint of %(time)s covers %(count)s events, the database holds %(held)s",
             missing=missing, time=n["time"], count=_number(n["count"]), held=_number(n["held"]))


_CHECKPOINT = {
    audit.MATCHES: _matches,
    audit.MISSING: _missing,
    audit.NO_LOG: lambda n: _("no signed checkpoint to compare against (no checkpoint log at %(path)s)",
                              path=n["path"]),
    audit.NO_CHECKPOINT: lambda n: _("the checkpoint log %(path)s holds no valid checkpoint", path=n["path"]),
    audit.REWRITTEN: lambda n: _("event %(count)s differs from the signed checkpoint of %(time)s: the chain was "
                                 "rewritten", count=_number(n["count"]), time=n["time"]),
    audit.NOT_COMPARED: lambda n: _("the chain breaks before the signed checkpoint of %(time)s (%(count)s events), "
                                    "so it was not compared with it", time=n["time"], count=_number(n["count"])),
}

_LOG_LINE = {
    "incomplete": lambda n: _("line %(line)s is incomplete (no end of line)", line=n["line"]),
    "unreadable": lambda n: _("line %(line)s cannot be read as a checkpoint", line=n["line"]),
    "other_key": lambda n: _("line %(line)s is signed by key %(key)s, not by this installation's key %(own_key)s",
                             line=n["line"], key=n["key"], own_key=n["own_key"]),
    "bad_signature": lambda n: _("the signature of line %(line)s does not verify", line=n["line"]),
    "other_head": lambda n: _("line %(line)s signs another head for %(count)s events than the checkpoint of "
                              "%(time)s", line=n["line"], count=_number(n["count"]), time=n["time"]),
}
