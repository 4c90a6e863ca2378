"""Certification of a verified claim: the certified amounts per category fixed (flat rates included), the
fund share split on the claim's certified total over the project's own funding sources at their rates, and
allocated over the categories."""
from __future__ import annotations

from sqlalchemy import select

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...i18n import ngettext
from ...models import (
    Claim,
    ClaimCategoryTotal,
    ClaimFundingShare,
    ClaimLine,
    Expenditure,
    ExpenditureStatus,
    LineStatus,
    RecoveryMeasure,
    User,
)
from ...models.types import utcnow
from ...money import ZERO
from .. import audit
from ..audit import Actor
from ..corrections import ceiling
from ..corrections.recoveries import open_recovery
from ..corrections.split import allocate_signed, split_signed
from ..funding.sources import certified_by_source, sources_of
from .figures import figures
from .lines import duplicates_in
from .verification import require_verifier
from .workflow import record, require_state, transition


def certify(actor: Actor, user: User, claim: Claim) -> Claim:
    """Fix the certified amounts per category (flat rates included). The EFRO share is cut off to the cent
    on the claim's certified total, as the programmes' own system (Jems) computes a report's fund share, and
    the own contribution is the remainder; the EFRO figure per category is an allocation of the claim's
    EFRO that adds up to it exactly. Refused beyond the flexibility limit, the partner's total budget or
    the project's approved EFRO amount."""
    audit.serialise(claim)
    require_verifier(user, claim)
    require_state(claim, "certify")
    fig = figures(claim)
    if fig.pending:
        raise DomainError(ngettext("%(num)d more line to verify before certification.",
                                   "%(num)d more lines to verify before certification.", fig.pending))
    withdrawn = db.session.scalars(select(ClaimLine.expenditure_id).join(Expenditure).where(
        ClaimLine.claim_id == claim.id, ClaimLine.status != LineStatus.PARKED,
        Expenditure.status != ExpenditureStatus.ACTIVE)).all()
    if withdrawn:
        raise DomainError(_("Withdrawn expenditures in the claim: %(ids)s.", ids=", ".join(f"#{i}" for i in withdrawn)))
    unconfirmed = db.session.scalars(select(ClaimLine.expenditure_id).where(
        ClaimLine.claim_id == claim.id, ClaimLine.status != LineStatus.PARKED,
        ClaimLine.duplicate_confirmed_by_id.is_(None), ClaimLine.expenditure_id.in_(list(duplicates_in(claim))))).all()
    if unconfirmed:
        raise DomainError(ngettext(
            "Possible double financing not confirmed for expenditure %(ids)s: confirm for each line that you "
            "checked it.", "Possible double financing not confirmed for expenditures %(ids)s: confirm for each "
            "line that you checked it.", len(unconfirmed), ids=", ".join(f"#{i}" for i in unconfirmed)))
    if fig.certified == 0:
        raise DomainError(_("There is nothing to certify: every line is parked or fully deducted."))
    if fig.certified > 0:  # a negative claim (corrections larger than new costs) is recovered, not budgeted
        _warnings, refusals = fig.warnings("certified")
        if refusals:
            raise DomainError(_("Certification refused: %(reasons)s", reasons=" ".join(refusals)))
    project = claim.partner.project
    rows = [row for row in fig.rows if row.certified or row.declared]
    certified_total = sum((row.certified for row in rows), ZERO)
    sources = sources_of(project)
    rates = [s.rate for s in sources]
    # the fund share by the claim rule at the sources' rates together, capped at the approved EFRO, then
    # allocated over the sources in proportion to their rates (with one source: the rule itself)
    efro_total, contribution_total = split_signed(certified_total, sum(rates, ZERO))
    efro_total, contribution_total, capped = ceiling.cap(project, claim.partner, certified_total, efro_total)
    shares = allocate_signed(efro_total, rates)
    if efro_total > 0:
        used = certified_by_source(project)
        for source, share in zip(sources, shares, strict=True):
            if used.get(source.id, ZERO) + share > source.ceiling:
                raise DomainError(_("Certification refused: the certified share of %(source)s would become "
                                    "%(total)s, more than the approved %(ceiling)s.", source=source.label,
                                    total=formatting.money(used.get(source.id, ZERO) + share),
                                    ceiling=formatting.money(source.ceiling)))
    totals = [ClaimCategoryTotal(claim_id=claim.id, category_id=row.category_id, flat_rate=row.flat_rate is not None,
                                 declared=row.declared, certified=row.certified, efro=efro,
                                 contribution=row.certified - efro)
              for row, efro in zip(rows, allocate_signed(efro_total, [r.certified for r in rows]), strict=True)]
    before, _after = transition(claim, "certify")
    db.session.add_all(totals)
    db.session.add_all(ClaimFundingShare(claim_id=claim.id, source_id=source.id, amount=share)
                       for source, share in zip(sources, shares, strict=True))
    claim.certified_total, claim.efro_total, claim.contribution_total = (certified_total, efro_total,
                                                                         contribution_total)
    claim.efro_capped = capped
    claim.certified_by_id, claim.certified_at = user.id, utcnow()
    db.session.flush()
    record(actor, user, claim, "claim.certified", before={"status": before}, after={
        "status": claim.status, "certified": claim.certified_total, "efro": claim.efro_total,
        "contribution": claim.contribution_total, "efro_capped": capped,
        "sources": {source.name: share for source, share in zip(sources, shares, strict=True)},
        "categories": {t.category_id: {"declared": t.declared, "certified": t.certified, "efro": t.efro,
                                       "contribution": t.contribution, "flat_rate": t.flat_rate}
                       for t in totals}})
    if efro_total < 0:  # the partner gives the EFRO back: offset against its next transfer by default
        open_recovery(actor, user, project, claim.partner_id, -efro_total, RecoveryMeasure.OFFSET, claim_id=claim.id)
    return claim


