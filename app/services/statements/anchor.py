"""Where a statement stands in the audit trail: the chain's head, the newest signed checkpoint, and the
first checkpoint that covers a given event. Reads the checkpoint log outside the database without walking
all of it for every download: the newest checkpoint is in the last lines."""
from __future__ import annotations

import json
import os

from flask import current_app

from reports.statements import Anchor, CheckpointInfo

from .. import checkpoints
from ..audit import chain_head

TAIL_BYTES = 64 * 1024


def _info(cp: checkpoints.Checkpoint) -> CheckpointInfo:
    return CheckpointInfo(cp.count, cp.head, cp.time, cp.key_id, cp.signature)


def _trusted(line: bytes, signer) -> checkpoints.Checkpoint | None:
    try:
        cp = checkpoints.Checkpoint.from_line(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return cp if signer.problem_with(cp) is None else None


def newest_checkpoint() -> CheckpointInfo | None:
    """The checkpoint with the highest count among the last lines of the log whose signature verifies."""
    path = current_app.config["AUDIT_CHECKPOINT_LOG"]
    signer = checkpoints.signer_for(current_app)
    try:
        with open(path, "rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(0, size - TAIL_BYTES))
            tail = log.read()
    except FileNotFoundError:
        return None
    lines = tail.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first line of the tail may be cut
    best = None
    for line in reversed(lines[-200:]):
        cp = _trusted(line, signer) if line else None
        if cp is not None and (best is None or cp.count > best.count):
            best = cp
    return _info(best) if best else None


def covering_checkpoint(seq: int | None) -> CheckpointInfo | None:
    """The first signed checkpoint whose count reaches event ``seq`` (it covers every event up to it)."""
    if seq is None:
        return None
    path = current_app.config["AUDIT_CHECKPOINT_LOG"]
    signer = checkpoints.signer_for(current_app)
    best = None
    try:
        with open(path, "rb") as log:
            for line in log:
                try:
                    count = json.loads(line).get("count")
                except (ValueError, AttributeError):
                    continue
                if isinstance(count, int) and count >= seq and (best is None or count < best[0]):
                    cp = _trusted(line.rstrip(b"\n"), signer)
                    if cp is not None:
                        best = (count, cp)
                        if count == seq:
                            break
    except FileNotFoundError:
        return None
    return _info(best[1]) if best else None


def anchor() -> Anchor:
    count, head = chain_head()
    return Anchor(count, head, newest_checkpoint())
