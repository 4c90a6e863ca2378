"""Every statement, in XLSX and PDF, in each language without a word of the other: the claim statement and the
verification certificate (a partner's statements of one claim), the project financial report, the audit-trail
extract, the fund register, the register of corrections, the portfolio and the indicators' progress report.

Each is asked for in the other language than the user's pages (so a label read in the page's language would
show), from the demo with its whole history. What the demo's users typed is cut out first, as the crawl of the
pages does (tests/web/crawl.py); what is left is the statements' own words. In English none of the Dutch
catalogue's own phrases may be left; in Dutch none of the English message ids that Dutch translates."""
from __future__ import annotations

import io
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Claim, ClaimLine
from app.models.claim import FINAL_STATES
from app.services.statements.produce import Spec, make
from tests.conftest import login
from tests.factories import project, user
from tests.reports.test_statement_builders import needs_fonts, needs_tool
from tests.web.crawl import data_strings, without_data
from tests.web.test_language_crawl import DUTCH_WORDS, choose_language, english_phrases

ROOT = Path(__file__).resolve().parents[2]
AUDITOR = "auditor@example.org"
JOB_KINDS = ("financial-report", "audit-extract", "corrections-register")  # made by a background job: make()
# The Dutch words of the pages' check, EFRO among them: in English the statements name the fund ERDF, as the
# English pages do (EFRO is the Dutch acronym).
DUTCH = re.compile(r"\b(" + "|".join(re.escape(w) for w in DUTCH_WORDS) + r")\b", re.IGNORECASE)


@cache
def dutch_phrases() -> re.Pattern:
    """The Dutch catalogue's own phrases: the literal parts of each translation that differs from its id, of
    at least four letters, that no English message id holds too ('Status', 'Partner' are both)."""
    with open(ROOT / "translations/nl/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = [m for m in read_po(fh, locale="nl") if m.id and m.string]
    english = "\n".join(i for m in catalog for i in (m.id if isinstance(m.id, tuple) else (m.id,)))
    phrases = set()
    for message in catalog:
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>", text):
                part = part.strip(" .,:;()–-'“”?!#/€")
                if len(re.sub(r"[^A-Za-zÀ-ÿ]", "", part)) >= 4 and part not in english:
                    phrases.add(part)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
                      + r")(?![\w-])")


def xlsx_text(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    chunks = []
    for sheet in book.worksheets:
        chunks.append(sheet.title)
        chunks += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    book.close()
    return chunks


def pdf_text(content: bytes, tmp_path: Path) -> list[str]:
    """The text of each page as one line: a text the data holds may wrap over lines in a cell or paragraph."""
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def downloads(client, lang: str) -> dict[str, bytes]:
    """Every statement in both formats, in ``lang``, as the auditor (who may have every one)."""
    claim = db.session.scalar(  # a certified claim, one with a deduction if there is one
        select(Claim.id).join(ClaimLine).where(Claim.status.in_(FINAL_STATES))
        .group_by(Claim.id).order_by(func.max(ClaimLine.deduction).desc(), Claim.id).limit(1))
    files = {}
    for fmt in ("xlsx", "pdf"):
        urls = {"claim-statement": f"/projects/LES/claims/{claim}/claim-statement.{fmt}",
                "certificate": f"/projects/LES/claims/{claim}/certificate.{fmt}",
                "fund-register": f"/projects/LES/fund/register.{fmt}",
                "portfolio": f"/portfolio/portfolio.{fmt}",
                "indicators-progress": f"/projects/LES/indicators/progress.{fmt}"}
        for kind, url in urls.items():
            response = client.get(url, query_string={"lang": lang})
            assert response.status_code == 200, (url, response.status_code)
            files[f"{kind}.{fmt}"] = response.data
        for kind in JOB_KINDS:
            files[f"{kind}.{fmt}"] = make(user(AUDITOR), project(), Spec.parse(kind, fmt, lang), "Aude Auditor")[1]
    db.session.commit()
    return files


@pytest.mark.demo_history
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_statement_speaks_only_its_language(client, lang, tmp_path):
    needs_fonts()
    needs_tool("pdftotext", "poppler-utils")
    login(client, AUDITOR)
    choose_language(client, "nl" if lang == "en" else "en", "/projects")  # the pages in the other language
    files = downloads(client, lang)
    assert {name.split(".")[0] for name in files} >= {"claim-statement", "certificate", "financial-report",
                                                       "audit-extract", "fund-register", "corrections-register",
                                                       "portfolio", "indicators-progress"}
    patterns = [DUTCH, dutch_phrases()] if lang == "en" else [english_phrases()]
    data, problems = data_strings(), []
    for name, content in files.items():
        chunks = xlsx_text(content) if name.endswith(".xlsx") else pdf_text(content, tmp_path)
        for chunk in without_data([" ".join(c.split()) for c in chunks], data):
            problems += [f"{name}: {m.group(0)!r} in {chunk[max(0, m.start() - 60):m.end() + 60]!r}"
                         for p in patterns for m in p.finditer(chunk)]
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_dutch_phrases_are_the_catalogues_own():
    pattern = dutch_phrases()
    assert pattern.search("Uitgavenstaat") and pattern.search("Verificatiecertificaat")
    assert not pattern.search("Statement of expenditure. Status: certified. Partner ERDF share")


def test_efro_is_dutch_in_an_english_statement():
    """The English statements say ERDF, as the English pages do: EFRO (the Dutch acronym) is caught."""
    assert DUTCH.search("Partner EFRO share") and DUTCH.search("EFRO net (€)")
    assert dutch_phrases().search("Partner EFRO share")
    assert not DUTCH.search("ERDF net (€)") and not dutch_phrases().search("Approved ERDF: ERDF net")

