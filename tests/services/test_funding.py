"""A project's own funding sources: who sets them, the rules they follow, the audit event, and certification
with the project's own sources and rates (LES's EFRO figures unchanged)."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import DomainError, NotFound, PermissionDenied
from app.extensions import db
from app.models import (
    AuditEvent,
    Claim,
    ClaimCategoryTotal,
    ClaimFundingShare,
    ClaimLine,
    FundingKind,
    FundingSource,
    Partner,
    ProjectFundingSource,
    Role,
)
from app.services import claims, expenditures
from app.services.accounts import grant_membership
from app.services.audit import verify_chain
from app.services.funding.sources import SourceData, certified_by_source, set_sources, sources_of
from tests.factories import actor, data, partner, period, project, user

ADMIN, FIN = "admin@example.org", "finance@example.org"
PUBLIC = FundingKind.OTHER_PUBLIC


def rows_of(code):
    return [SourceData(s.name, s.kind, s.rate, s.ceiling, id=s.id) for s in sources_of(project(code))]


def test_demo_projects_have_their_own_sources(app):
    names = {code: [(s.name, s.rate, s.ceiling) for s in sources_of(project(code))]
             for code in ("LES", "LLL", "ICT", "OOST")}
    assert names["LES"] == [("EFRO", Decimal("50.00"), Decimal("1381582.00"))]
    assert names["LLL"] == [("Provincie West-Vlaanderen", Decimal("100.00"), Decimal("640000.00"))]
    assert names["ICT"] == [("Ministerie van OCW", Decimal("50.00"), Decimal("400000.00")),
                            ("Provincie Zeeland", Decimal("25.00"), Decimal("200000.00"))]
    assert [n for n, _r, _c in names["OOST"]] == ["Regionale aanpak lerarentekort (OCW)", "Provincie Overijssel"]
    for code in names:  # the project's rate and approved support are the sums of its sources'
        p = project(code)
        assert p.cofinancing_rate == sum(r for _n, r, _c in names[code])
        assert p.efro_ceiling == sum(c for _n, _r, c in names[code])
    # LES keeps its public figures
    les_budget = db.session.scalar(select(func.sum(FundingSource.amount)).join(Partner).where(
        Partner.project_id == project().id, FundingSource.kind == FundingKind.EFRO))
    assert (project().efro_ceiling, les_budget) == (Decimal("1381582.00"), Decimal("1381582.00"))


@pytest.mark.parametrize("email", [FIN, "auditor@example.org", "partner.pom@example.org"])
def test_only_an_admin_sets_sources(app, email):
    u = user(email)
    with pytest.raises(PermissionDenied):
        set_sources(actor(u), u, project("LLL"), rows_of("LLL"))


def test_admin_changes_sources_audited_with_before_and_after(app):
    admin, lll = user(ADMIN), project("LLL")
    old = rows_of("LLL")[0]
    set_sources(actor(admin), admin, lll, [
        SourceData("Provincie West-Vlaanderen", PUBLIC, Decimal("80.00"), Decimal("512000.00"), id=old.id),
        SourceData("Stad Brugge", PUBLIC, Decimal("20.00"), Decimal("128000.00"))])
    db.session.commit()
    assert [(s.name, s.rate) for s in sources_of(lll)] == [("Provincie West-Vlaanderen", Decimal("80.00")),
                                                           ("Stad Brugge", Decimal("20.00"))]
    assert sources_of(lll)[0].id == old.id  # changed in place: certified shares keep pointing at it
    assert (lll.cofinancing_rate, lll.efro_ceiling) == (Decimal("100.00"), Decimal("640000.00"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "project.funding_set")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.user_id == admin.id and event.project_id == lll.id and event.role == "admin"
    assert '"rate":"100.00"' in event.before and '"Stad Brugge"' in event.after and "Stad Brugge" not in event.before
    assert verify_chain().ok


@pytest.mark.parametrize("rows, message", [
    ([], "minstens één"),
    ([("A", "60.00", "1.00"), ("B", "40.01", "1.00")], "ten hoogste 100%"),
    ([("A", "0.00", "1.00")], "boven 0"),
    ([("A", "101.00", "1.00")], "boven 0"),
    ([("Provincie", "50.00", "1.00"), ("provincie", "10.00", "1.00")], "Twee financieringsbronnen"),
    ([(" ", "50.00", "1.00")], "naam van 1 tot 200"),
    ([("A" * 201, "50.00", "1.00")], "naam van 1 tot 200"),
    ([("A", "50.00", "-1.00")], "negatief"),
    ([("A", "100.00", "639999.99")], "budgetten van de partners bevatten al"),
])
def test_source_rules(app, rows, message):
    admin = user(ADMIN)
    with pytest.raises(DomainError, match=message):
        set_sources(actor(admin), admin, project("LLL"),
                    [SourceData(n, PUBLIC, Decimal(r), Decimal(c)) for n, r, c in rows])


def test_a_source_of_another_project_is_not_found(app):
    admin, les_source = user(ADMIN), sources_of(project("LES"))[0]
    with pytest.raises(NotFound):
        set_sources(actor(admin), admin, project("LLL"), [
            SourceData("X", PUBLIC, Decimal("100"), Decimal("640000.00"), id=les_source.id)])


def _certify_ict_claim(amount="1000.01"):
    """A claim of Scalda in ICT (two sources: OCW 50%, Provincie Zeeland 25%), certified."""
    fin, scalda = user(FIN), partner("Scalda", "ICT")
    exp = expenditures.create(actor(fin), fin, scalda, data(amount=amount, code="ICT", payment_date=date(2021, 3, 1)))
    claim = claims.create_claim(actor(fin), fin, scalda, period(1, "ICT").id)
    claims.add_lines(actor(fin), fin, claim, [exp.id])
    claims.submit(actor(fin), fin, claim)
    admin = user(ADMIN)  # four eyes: another finance officer verifies what this one registered
    other = user("auditor@example.org")
    grant_membership(actor(admin), other, project("ICT"), Role.FINANCE)
    db.session.commit()
    claims.start_verification(actor(other), other, claim)
    for line in db.session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)):
        claims.verify_line(actor(other), other, claim, line.id)
    claims.certify(actor(other), other, claim)
    db.session.commit()
    return claim


def test_certification_splits_over_the_projects_own_sources(app):
    claim = _certify_ict_claim("1000.01")  # Scalda claims office costs at 15% of staff: external costs only
    assert claim.certified_total == Decimal("1000.01")
    # 75% of 1,000.01 = 750.0075 -> 750.00; OCW : Zeeland = 2 : 1 -> 500.00 + 250.00; Scalda pays 250.01
    assert (claim.efro_total, claim.contribution_total) == (Decimal("750.00"), Decimal("250.01"))
    shares = {s.name: a for s, a in db.session.execute(
        select(ProjectFundingSource, ClaimFundingShare.amount).join(ClaimFundingShare).where(
            ClaimFundingShare.claim_id == claim.id))}
    assert shares == {"Ministerie van OCW": Decimal("500.00"), "Provincie Zeeland": Decimal("250.00")}
    categories = db.session.scalars(select(ClaimCategoryTotal).where(ClaimCategoryTotal.claim_id == claim.id)).all()
    assert sum(c.efro for c in categories) == claim.efro_total
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.certified")
                               .order_by(AuditEvent.seq.desc())).first()
    assert '"Provincie Zeeland":"250.00"' in event.after


def test_a_source_with_certified_shares_cannot_be_removed_nor_its_ceiling_cut(app):
    _certify_ict_claim()
    admin, ict = user(ADMIN), project("ICT")
    ocw, zeeland = rows_of("ICT")
    with pytest.raises(DomainError, match="aandelen in gecertificeerde declaraties"):
        set_sources(actor(admin), admin, ict, [ocw])
    with pytest.raises(DomainError, match="niet lager zijn dan wat ervan gecertificeerd is"):
        set_sources(actor(admin), admin, ict, [ocw, SourceData(zeeland.name, PUBLIC, zeeland.rate, Decimal("249.99"),
                                                                 id=zeeland.id)])
    assert certified_by_source(ict)[zeeland.id] == Decimal("250.00")


def test_certification_refused_beyond_a_sources_ceiling(app):
    admin, ict = user(ADMIN), project("ICT")
    ocw, zeeland = rows_of("ICT")
    # Zeeland approved only 100.00 more; OCW's ceiling takes the rest so the project's total stays
    set_sources(actor(admin), admin, ict, [
        SourceData(ocw.name, PUBLIC, ocw.rate, Decimal("599900.00"), id=ocw.id),
        SourceData(zeeland.name, PUBLIC, zeeland.rate, Decimal("100.00"), id=zeeland.id)])
    db.session.commit()
    with pytest.raises(DomainError, match="Provincie Zeeland zou .{1,2}250,00 worden"):
        _certify_ict_claim("1000.01")


@pytest.mark.demo_history
def test_les_history_keeps_its_efro_figures(app):
    """The migration and certification give LES's certified claims one EFRO share each, equal to their EFRO."""
    les = project()
    for claim in db.session.scalars(select(Claim).where(Claim.project_id == les.id, Claim.efro_total.is_not(None))):
        shares = db.session.scalars(select(ClaimFundingShare).where(ClaimFundingShare.claim_id == claim.id)).all()
        assert [s.amount for s in shares] == [claim.efro_total]
    assert sum(certified_by_source(les).values()) == db.session.scalar(
        select(func.sum(Claim.efro_total)).where(Claim.project_id == les.id))


@pytest.mark.demo_history
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_statements_name_the_projects_sources_and_their_shares_add_up(app, lang):
    import io

    from openpyxl import load_workbook

    from app.services.statements.produce import Spec, make
    ict = project("ICT")
    claim = db.session.scalar(select(Claim).where(Claim.project_id == ict.id, Claim.efro_total.is_not(None))
                              .order_by(Claim.id))
    _name, content = make(None, ict, Spec.parse("claim-statement", "xlsx", lang, claim=claim.id), "test")
    facts = {r[0]: r[1] for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True) if r[0]}
    ocw, zeeland = (Decimal(str(facts[f"{name} ({rate})"])).quantize(Decimal("0.01"))
                    for name, rate in (("Ministerie van OCW", "50%"), ("Provincie Zeeland", "25%")))
    assert ocw + zeeland == claim.efro_total and ocw + zeeland + claim.contribution_total == claim.certified_total
    share = "Aandeel Ministerie van OCW + Provincie Zeeland" if lang == "nl" else \
        "Share of Ministerie van OCW + Provincie Zeeland"
    assert Decimal(str(facts[share])).quantize(Decimal("0.01")) == claim.efro_total
    assert not any("EFRO" in str(k) or "ERDF" in str(k) for k in facts)
    _name, content = make(None, ict, Spec.parse("financial-report", "xlsx", lang, at="2030-01-01"), "test")
    header = [c.value for c in next(load_workbook(io.BytesIO(content)).worksheets[1].iter_rows())]
    assert not any("EFRO" in str(h) or "ERDF" in str(h) for h in header)
    assert any("Ministerie van OCW + Provincie Zeeland" in str(h) for h in header)


@pytest.mark.parametrize("lang, fund", [("nl", "EFRO + Provincie Limburg"), ("en", "ERDF + Provincie Limburg")])
def test_statements_name_the_programmes_fund_in_their_language_beside_other_sources(app, lang, fund):
    """A project funded by EFRO and a province: its statements name the programme's fund as each language does
    (ERDF in English, EFRO in Dutch), beside the province's name as entered."""
    import io

    from openpyxl import load_workbook

    from app.services.statements.produce import Spec, make
    admin, les = user(ADMIN), project("LES")
    efro = rows_of("LES")[0]
    set_sources(actor(admin), admin, les, [
        SourceData(efro.name, efro.kind, Decimal("40.00"), efro.ceiling, id=efro.id),
        SourceData("Provincie Limburg", PUBLIC, Decimal("10.00"), Decimal("1.00"))])
    db.session.commit()
    _name, content = make(None, les, Spec.parse("financial-report", "xlsx", lang, at="2030-01-01"), "test")
    header = [str(c.value) for c in next(load_workbook(io.BytesIO(content)).worksheets[1].iter_rows())]
    assert any(fund in h for h in header), header
    assert not any(("EFRO" if lang == "en" else "ERDF") in h for h in header), header
