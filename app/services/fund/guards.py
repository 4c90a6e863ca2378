"""Guards that the expenditure register (app/services/expenditures) calls before it changes a line that
pays for an action of the fund: the action's payments stay within what was approved (plus recorded overrun
decisions), stay in the small-grants category, and are fixed once the action is closed."""
from __future__ import annotations

from decimal import Decimal

from ... import formatting
from ...errors import DomainError
from ...extensions import db
from ...i18n import gettext as _
from ...models import ActionStatus, Expenditure, FundAction
from .common import commitment_of, paid_for


def require_room(action: FundAction, extra: Decimal) -> None:
    """Paid plus ``extra`` stays within the commitment (approved plus overrun decisions)."""
    commitment, paid = commitment_of(action), paid_for(action)
    if paid + extra > commitment:
        raise DomainError(_("Paying %(amount)s would bring action %(ref)s to %(total)s, above what is approved "
                            "(%(approved)s). Record a decision to pay more first.", amount=formatting.money(extra),
                            ref=action.reference, total=formatting.money(paid + extra),
                            approved=formatting.money(commitment)))


def _linked_action(exp: Expenditure) -> FundAction | None:
    original = exp.corrects if exp.corrects_id else exp
    return db.session.get(FundAction, original.fund_action_id) if original.fund_action_id else None


def _require_open(action: FundAction) -> None:
    if action.status is ActionStatus.CLOSED:
        raise DomainError(_("This expenditure pays for action %(ref)s of the fund, which is closed: what it "
                            "released is fixed.", ref=action.reference))


def guard_update(exp: Expenditure, category_id: int, declared_amount: Decimal) -> None:
    action = _linked_action(exp)
    if action is None:
        return
    _require_open(action)
    if category_id != exp.category_id:
        raise DomainError(_("This expenditure pays for action %(ref)s of the fund: it stays in the small-grants "
                            "category.", ref=action.reference))
    if declared_amount > exp.declared_amount:
        require_room(action, declared_amount - exp.declared_amount)


def guard_correction(original: Expenditure, amount: Decimal) -> None:
    action = _linked_action(original)
    if action is None:
        return
    _require_open(action)
    if amount > 0:
        require_room(action, amount)


def guard_withdrawal(exp: Expenditure) -> None:
    action = _linked_action(exp)
    if action is not None:
        _require_open(action)
