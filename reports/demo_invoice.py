"""A one-page demo invoice (PDF), so that every demo expenditure has real evidence to open."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from . import formatting


@dataclass(frozen=True)
class Invoice:
    supplier: str
    number: str
    invoice_date: date
    payment_date: date
    customer: str
    description: str
    gross: Decimal
    vat: Decimal


def invoice_pdf(invoice: Invoice) -> bytes:
    """The same bytes for the same invoice (reportlab's invariant mode), so demo evidence is reproducible."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(f"Factuur {invoice.number}")
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(60, 780, invoice.supplier)
    pdf.setFont("Helvetica", 11)

    def eur(value):
        return "EUR " + formatting.money(value, "nl", sign=False)
    for i, text in enumerate([
            f"Factuur {invoice.number}  -  factuurdatum {formatting.day(invoice.invoice_date, 'nl')}",
            f"Aan: {invoice.customer}", f"Omschrijving: {invoice.description}",
            f"Bedrag excl. btw: {eur(invoice.gross - invoice.vat)}", f"Btw: {eur(invoice.vat)}",
            f"Totaal: {eur(invoice.gross)}", f"Betaald op {formatting.day(invoice.payment_date, 'nl')}", "",
            "DEMO - fictief document (Cofund demodata)"]):
        pdf.drawString(60, 740 - 18 * i, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
