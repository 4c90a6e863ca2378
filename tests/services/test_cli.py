"""The command line: flask create-user and flask seed-demo."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Membership, Role, User


def test_create_user_with_a_partner_role(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Nieuw@Howest.be", "--name", "Nele Nieuw", "--password", "lang-genoeg-wachtwoord",
        "--project", "LES", "--role", "partner", "--partner", "3"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nieuw@howest.be"))
    [membership] = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    assert membership.role is Role.PARTNER and membership.partner_id is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "create-user")
                                 .order_by(AuditEvent.seq)).all()
    assert actions == ["user.created", "membership.granted"]


def test_create_user_refuses_bad_input_and_changes_nothing(app):
    runner = app.test_cli_runner()
    before = db.session.scalar(select(db.func.count()).select_from(User))
    for args, message in [
        (["--email", "kort@x.be", "--name", "K", "--password", "kort"], "minstens 12 tekens"),
        (["--email", "finance@example.org", "--name", "F", "--password", "lang-genoeg-wachtwoord"], "bestaat al"),
        (["--email", "p@x.be", "--name", "P", "--password", "lang-genoeg-wachtwoord", "--project", "LES",
          "--role", "partner"], "precies één partner"),
        (["--email", "q@x.be", "--name", "Q", "--password", "lang-genoeg-wachtwoord", "--project", "NOPE",
          "--role", "auditor"], "bestaat niet"),
    ]:
        result = runner.invoke(args=["create-user", *args])
        assert result.exit_code == 1 and message in result.output, (args, result.output)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == before
