"""Small openpyxl helpers shared by the workbook builders."""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def set_text(cell, value: str) -> None:
    """User text in a cell: always stored as text, never as a formula (even '=SUM(A1)' or '@cmd')."""
    cell.value = value
    cell.data_type = "s"


def is_formula_like(value: str) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)
