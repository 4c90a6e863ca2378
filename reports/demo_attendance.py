"""A one-page demo attendance list (PDF) for the final report of a small-grants action."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from . import formatting


def attendance_pdf(title: str, day: date, organisation: str, participants: int) -> bytes:
    """The same bytes for the same list (invariant mode); fictitious participants, numbered."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(f"Aanwezigheidslijst {title}")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, 780, f"Aanwezigheidslijst - {title}")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(60, 760, f"{organisation}, {formatting.day(day, 'nl')}: {participants} deelnemers")
    for i in range(min(participants, 30)):
        pdf.drawString(60 + 250 * (i % 2), 730 - 18 * (i // 2), f"{i + 1}. deelnemer {i + 1}  ______________")
    pdf.drawString(60, 440, "DEMO - fictief document (Cofund demodata)")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
