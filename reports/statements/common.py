"""What the XLSX and PDF versions of a statement share: titles, names of things, the audit anchor."""
from __future__ import annotations

from .. import formatting, labels
from ..i18n import translator
from .data import Anchor, AuditExtract, Category, ClaimInfo, Header


def titles(lang: str) -> dict[str, str]:
    _ = translator(lang)
    return {"claim-statement": _("Statement of expenditure"), "certificate": _("Verification certificate"),
            "financial-report": _("Project financial report"), "audit-extract": _("Audit-trail extract"),
            "fund-register": _("Fund register"),
            "corrections-register": _("Register of corrections and recoveries")}


def category_name(category: Category, lang: str) -> str:
    return category.name or labels.category(category.kind, lang)


def flat_rate_text(category: Category, lang: str) -> str:
    if category.flat_rate is None:
        return ""
    return f"{formatting.percent(category.flat_rate, lang)} {labels.flat_rate_basis(category.flat_basis, lang)}"


def partner_label(number: int, name: str) -> str:
    return f"PP{number} {name}"


def period_text(claim: ClaimInfo, lang: str) -> str:
    _ = translator(lang)
    return _("Period %(number)s: %(dates)s", number=claim.period_number,
             dates=formatting.date_range(claim.period_start, claim.period_end, lang))


def by_whom(moment, who: str | None, lang: str) -> str:
    """'22-11-2026 14:05, Fien Financiën', or '–'."""
    if moment is None:
        return "–"
    return formatting.moment(moment, lang) + (f", {who}" if who else "")


def anchor_lines(anchor: Anchor, lang: str) -> list[str]:
    """The audit chain's head and the newest signed checkpoint, in words."""
    _ = translator(lang)
    lines = [_("Audit chain head: %(count)s events, hash %(hash)s", count=formatting.number(anchor.events, lang),
               hash=anchor.head)]
    cp = anchor.checkpoint
    if cp is None:
        lines.append(_("Signed checkpoint: none yet (no checkpoint log)."))
        return lines
    lines.append(_("Newest signed checkpoint: %(count)s events, head %(hash)s, signed %(time)s with key "
                   "%(key)s", count=formatting.number(cp.count, lang), hash=cp.head, time=cp.time, key=cp.key_id))
    lines.append(_("Signature (Ed25519, base64): %(signature)s", signature=cp.signature))
    if cp.count == anchor.events and cp.head == anchor.head:
        lines.append(_("The checkpoint covers the whole chain at the time of this statement."))
    elif cp.count < anchor.events:
        lines.append(_("The checkpoint covers the first %(count)s events; the later ones follow it.",
                       count=formatting.number(cp.count, lang)))
    return lines


def generated_line(header: Header, lang: str) -> str:
    _ = translator(lang)
    return _("Generated on %(moment)s by %(who)s with Cofund.",
             moment=formatting.moment(header.generated_at, lang, seconds=True), who=header.generated_by)


def scope_lines(data: AuditExtract, lang: str) -> list[tuple[str, str]]:
    """Which events the extract holds and the signed checkpoint that covers them, as (label, text)."""
    _ = translator(lang)
    scope = data.scope
    rows = []
    if scope.date_from or scope.date_to:
        rows.append((_("Period"), formatting.date_range(scope.date_from, scope.date_to, lang)))
    if scope.user:
        rows.append((_("User"), scope.user))
    if scope.action:
        rows.append((_("Action"), scope.action))
    if scope.object_type:
        rows.append((_("Object"), f"{labels.object_type(scope.object_type, lang)} #{scope.object_id or ''}".strip()))
    if not rows:
        rows.append((_("Selection"), _("all events of the project")))
    rows.append((_("Events"), formatting.number(data.count, lang)))
    if data.first_seq is not None:
        rows.append((_("Event numbers"), _("%(first)s to %(last)s", first=formatting.number(data.first_seq, lang),
                                          last=formatting.number(data.last_seq, lang))))
    cp = data.covering
    if cp is not None:
        rows.append((_("Covered by"), _("the signed checkpoint of %(time)s: %(count)s events, head %(hash)s, key "
                                        "%(key)s, signature %(signature)s", time=cp.time,
                                        count=formatting.number(cp.count, lang), hash=cp.head, key=cp.key_id,
                                        signature=cp.signature)))
    elif data.count:
        rows.append((_("Covered by"), _("no signed checkpoint yet covers the last event of this extract")))
    return rows


def efro_label(message: str, fund: str | None, lang: str) -> str:
    """A label that names the programme's fund (ERDF; EFRO in the Dutch catalogue), as it reads for the
    statement's project: as it is where the project is funded by EFRO alone (``fund`` None), else with the
    names of the project's own funding sources."""
    _ = translator(lang)
    f = fund or ""
    variants = {
        "ERDF co-financing rate": (_("ERDF co-financing rate"), _("Co-financing rate (%(fund)s)", fund=f)),
        "ERDF share": (_("ERDF share"), _("Share of %(fund)s", fund=f)),
        "ERDF, allocated (€)": (_("ERDF, allocated (€)"), _("%(fund)s, allocated (€)", fund=f)),
        "ERDF (allocated)": (_("ERDF (allocated)"), _("%(fund)s (allocated)", fund=f)),
        "Approved ERDF": (_("Approved ERDF"), _("Approved %(fund)s", fund=f)),
        "ERDF in the budget": (_("ERDF in the budget"), _("%(fund)s in the budget", fund=f)),
        "ERDF certified (€)": (_("ERDF certified (€)"), _("%(fund)s certified (€)", fund=f)),
        "ERDF certified": (_("ERDF certified"), _("%(fund)s certified", fund=f)),
        "Paid, ERDF (€)": (_("Paid, ERDF (€)"), _("Paid, %(fund)s (€)", fund=f)),
        "Paid (ERDF)": (_("Paid (ERDF)"), _("Paid (%(fund)s)", fund=f)),
        "ERDF budget (€)": (_("ERDF budget (€)"), _("%(fund)s budget (€)", fund=f)),
        "ERDF budget": (_("ERDF budget"), _("%(fund)s budget", fund=f)),
        "ERDF corrected": (_("ERDF corrected"), _("%(fund)s corrected", fund=f)),
        "ERDF net": (_("ERDF net"), _("%(fund)s net", fund=f)),
        "ERDF corrected (€)": (_("ERDF corrected (€)"), _("%(fund)s corrected (€)", fund=f)),
        "ERDF net (€)": (_("ERDF net (€)"), _("%(fund)s net (€)", fund=f)),
        "provisional": (_("Provisional: the claim is not certified; certified and ERDF figures follow from the lines "
                          "verified so far."),
                        _("Provisional: the claim is not certified; certified figures and the shares of %(fund)s "
                          "follow from the lines verified so far.", fund=f)),
        "claim-note": (_("Flat-rate amounts are computed on the claim's category totals and rounded down to the cent. "
                         "The ERDF share is the certified total times the co-financing rate, rounded down to the "
                         "cent; per category it is an allocation of that share. Parked lines are not in these "
                         "figures."),
                       _("Flat-rate amounts are computed on the claim's category totals and rounded down to the "
                         "cent. The share of %(fund)s is the certified total times the sum of the sources' rates, "
                         "rounded down to the cent, divided over the sources by their rates; per category it is an "
                         "allocation of that share. Parked lines are not in these figures.", fund=f)),
        "financial-note": (_("Declared: claims submitted by the date. Certified, ERDF and contribution: claims "
                             "certified by the date. Paid: ERDF of claims paid by the date, passed on to the partner "
                             "or offset against a recovery from it. Corrected: financial corrections booked by the "
                             "date. Remaining: budget minus net certified (certified less corrections). Absorption: "
                             "net certified as a share of the budget."),
                           _("Declared: claims submitted by the date. Certified, %(fund)s and contribution: claims "
                             "certified by the date. Paid: the share of %(fund)s of claims paid by the date, passed "
                             "on to the partner or offset against a recovery from it. Corrected: financial "
                             "corrections booked by the date. Remaining: budget minus net certified (certified less "
                             "corrections). Absorption: net certified as a share of the budget.", fund=f)),
    }
    plain, named = variants[message]
    return plain if fund is None else named
