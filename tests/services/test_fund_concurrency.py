"""Decisions taken at the same moment never over-commit the fund: 20 approvals of EUR 100 race for EUR 1,000
(on PostgreSQL with TEST_DATABASE_URL, where they really run in parallel until the lock; on SQLite the
write lock queues them at BEGIN IMMEDIATE)."""
import threading
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.errors import DomainError
from app.extensions import db
from app.models import ActionStatus, FundAction, User
from app.models.types import clock_at
from app.services.audit import verify_chain
from app.services.fund import assessment
from app.services.fund.common import fund_figures
from tests.factories import actor
from tests.fund_factories import NOW, assess, make_fund, second_finance_officer, submit

APPROVALS = 20


@pytest.fixture(autouse=True)
def demo_clock(app):
    """On a day call 2021-1 is open; the rules' messages by their English ids (tests/web checks the Dutch)."""
    with clock_at(NOW), force_locale("en"):
        yield


def test_twenty_concurrent_approvals_of_100_on_1000_available_commit_exactly_ten(app):
    fund, call = make_fund(ceiling="1000.00", max_per_action="500.00")
    fin2 = second_finance_officer()
    ids = []
    for n in range(APPROVALS):
        action, _ = submit(call, title=f"Uitwisseling {n + 1}", estimates={"bus_hire": Decimal("100.00")})
        assess(action)
        assessment.declare(actor(fin2), fin2, action, "Provincie Oost-Vlaanderen")
        ids.append(action.id)
    db.session.commit()
    fin2_id, fund_id = fin2.id, fund.id
    db.session.remove()
    barrier, outcomes, lock = threading.Barrier(APPROVALS), [], threading.Lock()

    def approve(action_id):
        with app.app_context(), clock_at(NOW), force_locale("en"):
            try:
                barrier.wait(timeout=60)  # all start together; the lock decides the order
                u = db.session.get(User, fin2_id)  # (SQLite: the first read takes the write lock)
                action = db.session.get(FundAction, action_id)
                assessment.decide(actor(u), u, action, True, date(2021, 2, 1), Decimal("100.00"))
                db.session.commit()
                result = "approved"
            except DomainError as error:
                db.session.rollback()
                result = str(error)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == APPROVALS
    assert outcomes.count("approved") == 10, outcomes
    refusals = [o for o in outcomes if o != "approved"]
    assert all(o.startswith("The fund has €0.00 available") for o in refusals), refusals
    approved = db.session.scalar(select(func.sum(FundAction.approved_amount))
                                 .where(FundAction.status == ActionStatus.APPROVED))
    assert approved == Decimal("1000.00")
    figures = fund_figures(db.session.get(type(fund), fund_id))
    assert (figures.committed, figures.available) == (Decimal("1000.00"), Decimal("0.00"))
    assert verify_chain().chain_ok
