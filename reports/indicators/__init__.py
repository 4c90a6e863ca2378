"""The progress of a project's indicators: plain data in (data.py), an SVG chart per indicator (svg.py), an
XLSX and a PDF progress report (bytes out). No Flask, no database."""
from .data import IndicatorProgress, PeriodProgress, ProgressReport, YearProgress
from .pdf import progress_pdf
from .svg import progress_chart
from .xlsx import progress_xlsx

__all__ = ["IndicatorProgress", "PeriodProgress", "ProgressReport", "YearProgress", "progress_chart", "progress_pdf",
           "progress_xlsx"]
