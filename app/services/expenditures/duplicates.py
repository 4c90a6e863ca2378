"""Possible double financing: the same supplier and invoice number on more than one expenditure."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Expenditure, ExpenditureStatus, Organisation, Partner


@dataclass(frozen=True)
class Duplicate:
    """Another active expenditure of the project with the same supplier and invoice number."""

    expenditure_id: int
    partner_id: int
    partner_label: str


def duplicates_of(project_id: int, expenditure_ids, partner_ids: set[int] | None = None,
                  owner_id: int | None = None) -> dict[int, list[Duplicate]]:
    """For each given active expenditure (ids, or a select of ids), the other active lines of the project
    with the same supplier and invoice number (corrections excepted). ``partner_ids``: look only among
    these partners' expenditures, as for a partner user, who may not learn that another partner has the
    same invoice; None: among all. ``owner_id``: the partner whose expenditures are given, when known (a claim's),
so that the database reads only theirs. One query, whatever the number of lines."""
    if isinstance(expenditure_ids, list | tuple | set) and not expenditure_ids:
        return {}
    mine, other = aliased(Expenditure), aliased(Expenditure)
    query = (select(mine.id, other.id, other.partner_id, Partner.number, Organisation.name)
             .join(other, (other.project_id == mine.project_id) & (other.dup_key == mine.dup_key)
                   & (other.id != mine.id))
             .join(Partner, other.partner_id == Partner.id)
             .join(Organisation, Partner.organisation_id == Organisation.id)
             .where(mine.id.in_(expenditure_ids), mine.project_id == project_id, mine.dup_key != "",
                    mine.status == ExpenditureStatus.ACTIVE, other.status == ExpenditureStatus.ACTIVE,
                    other.corrects_id.is_(None))
             .order_by(mine.id, other.id))
    if partner_ids is not None:
        query = query.where(mine.partner_id.in_(partner_ids), other.partner_id.in_(partner_ids))
    if owner_id is not None:
        query = query.where(mine.partner_id == owner_id)
    found: dict[int, list[Duplicate]] = {}
    for mine_id, other_id, partner_id, number, name in db.session.execute(query):
        found.setdefault(mine_id, []).append(Duplicate(other_id, partner_id, f"PP{number} {name}"))
    return found


def has_duplicate(mine, partner_ids: set[int] | None = None):
    """An SQL condition on the expenditure ``mine`` (a model or an alias): it is active and another active
    line of the project (not a correction; among ``partner_ids`` when given) has its supplier and invoice
    number. The same rule as :func:`duplicates_of`, as a filter."""
    other = aliased(Expenditure)
    found = (select(other.id).where(other.project_id == mine.project_id, other.dup_key == mine.dup_key,
                                    other.id != mine.id, other.status == ExpenditureStatus.ACTIVE,
                                    other.corrects_id.is_(None)))
    if partner_ids is not None:
        found = found.where(other.partner_id.in_(partner_ids))
    return (mine.dup_key != "") & (mine.status == ExpenditureStatus.ACTIVE) & found.exists()
