"""``flask export statement``: statements for batch runs, with the same selectors as the pages."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from reports.statements import FORMATS, KINDS

from ..errors import DomainError
from ..extensions import db
from ..models import Project, User
from ..services.audit import Actor
from ..services.statements.produce import Spec, make, record_download, rows_to_write

export_group = AppGroup("export", help="Statements for batch runs.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@export_group.command("statement")
@click.option("--project", "project_code", required=True, help="Project code, e.g. LES")
@click.option("--kind", required=True, type=click.Choice(KINDS))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS))
@click.option("--lang", default="nl", show_default=True, type=click.Choice(["nl", "en"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write")
@click.option("--claim", "claim_id", help="Claim number (claim-statement, certificate)")
@click.option("--date", "at", help="Figures at this date, YYYY-MM-DD (financial-report; default today)")
@click.option("--from", "date_from", help="Events from this local date, YYYY-MM-DD (audit-extract)")
@click.option("--to", "date_to", help="Events up to this local date (audit-extract)")
@click.option("--user", "user_email", help="Events of this user, by e-mail address (audit-extract)")
@click.option("--action", help="Events of this action, e.g. claim.certified (audit-extract)")
@click.option("--object", "object_ref", help="Events of one object, TYPE:ID, e.g. claim:4 (audit-extract)")
@click.option("--status", help="Actions in this state, e.g. approved (fund-register)")
@click.option("--call", "call_id", help="Actions of this call, by its number (fund-register)")
@click.option("--country", help="Actions of organisations in BE or NL (fund-register)")
@click.option("--org-type", help="Actions of this type of organisation, e.g. school (fund-register)")
@click.option("--without-personal-data", is_flag=True,
              help="Leave out the applicants' contact persons, e.g. to publish the register (fund-register)")
def export_statement(project_code, kind, fmt, lang, out, claim_id, at, date_from, date_to, user_email, action,
                     object_ref, status, call_id, country, org_type, without_personal_data):
    """Write one statement to a file; the export is recorded in the audit trail."""
    project = db.session.scalar(select(Project).where(Project.code == project_code))
    if project is None:
        _fail(f"project {project_code} does not exist.")
    events = {}
    for name, value in (("from", date_from), ("to", date_to), ("action", action)):
        if value:
            events[name] = value
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.strip().lower()))
        if user is None:
            _fail(f"no user with the e-mail address {user_email}.")
        events["user"] = str(user.id)
    if object_ref:
        object_type, _, object_id = object_ref.partition(":")
        if not object_id:
            _fail(f"--object takes TYPE:ID, e.g. claim:4, not {object_ref}.")
        events.update(object_type=object_type, object_id=object_id)
    target = Path(out)
    if not target.parent.exists():
        _fail(f"the folder {target.parent} does not exist.")
    try:
        register = {"status": status, "call": call_id, "country": country, "type": org_type}
        register = {k: v for k, v in register.items() if v}
        spec = Spec.parse(kind, fmt, lang, claim=claim_id, at=at, events=events or None, fund_filters=register or None,
                          personal=not without_personal_data)
        total = rows_to_write(project, spec)
        if sys.stderr.isatty() and total:
            with click.progressbar(length=total, label=f"{kind} ({fmt})", file=sys.stderr) as bar:
                last = [0]

                def progress(done):
                    bar.update(done - last[0])
                    last[0] = done
                name, content = make(None, project, spec, "flask export statement", progress)
                bar.update(total - last[0])
        else:
            name, content = make(None, project, spec, "flask export statement")
    except DomainError as error:  # NotFound included: an unknown claim, a claim of another project
        _fail(str(error))
    target.write_bytes(content)
    record_download(Actor.system("flask export statement"), None, project, spec, target.name, content)
    db.session.commit()
    click.echo(f"{target} written ({len(content):,} bytes; statement {name}).")
