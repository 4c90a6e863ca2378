"""File names of statements: ``LES_claim-statement_PP3-Howest_12_2026-11-30.xlsx``."""
from __future__ import annotations

import re
import unicodedata
from datetime import date


def slug(text: str) -> str:
    """Letters, digits and hyphens only (accents dropped), so that the name is safe on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


def file_name(project_code: str, kind: str, parts: list[str], made_on: date, fmt: str) -> str:
    pieces = [slug(project_code), kind, *(slug(p) for p in parts if p), made_on.isoformat()]
    return "_".join(pieces) + "." + fmt
