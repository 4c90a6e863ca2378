"""Command-line interface: flask seed-demo, flask create-user, flask audit verify | head | public-key."""
from __future__ import annotations

import sys
import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from .errors import DomainError
from .extensions import db
from .i18n import gettext as _
from .models import Partner, Project, Role


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo projects (LES; LLL, ICT and OOST with their own funding), users and history (idempotent)."""
        from .demo import DEMO_PASSWORD, seed_demo
        result = seed_demo()
        db.session.commit()
        click.echo(_("Demo data present (%(projects)s); %(users)s users created. Demo password: %(password)s "
                     "(demo only).", projects="LES, LLL, ICT, OOST", users=result["users_created"],
                     password=DEMO_PASSWORD))

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--project", "project_code", help="Project code, e.g. LES")
    @click.option("--role", type=click.Choice([r.value for r in Role]))
    @click.option("--partner", "partner_number", type=int, help="Partner number (PPn) for a partner user")
    def create_user_command(email, full_name, password, project_code, role, partner_number):
        """Create a user, and optionally give it a role in a project."""
        from .services.accounts import create_user, grant_membership
        from .services.audit import Actor
        actor = Actor.system("create-user")
        try:
            user = create_user(actor, email, full_name, password)
            if project_code or role:
                if not (project_code and role):
                    raise DomainError(_("Give --project and --role together."))
                project = db.session.scalar(select(Project).where(Project.code == project_code))
                if project is None:
                    raise DomainError(_("Project %(code)s does not exist.", code=project_code))
                partner = None
                if partner_number is not None:
                    partner = db.session.scalar(select(Partner).where(
                        Partner.project_id == project.id, Partner.number == partner_number))
                    if partner is None:
                        raise DomainError(_("Partner PP%(number)s does not exist in %(code)s.", number=partner_number,
                                            code=project_code))
                grant_membership(actor, user, project, Role(role), partner)
        except DomainError as error:
            db.session.rollback()
            click.echo(_("Error: %(error)s", error=error), err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(_("User %(email)s created.", email=user.email))

    audit_group = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(audit_group)

    @audit_group.command("verify")
    @click.option("--full", is_flag=True, help="Check the whole chain (every core), not only what follows the "
                                               "newest verified checkpoint.")
    @click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Processes for --full (default: all "
                                                                            "cores).")
    def audit_verify(full, jobs):
        """Check the hash chain and compare it with the newest signed checkpoint.

        By default only what follows the newest verified checkpoint (a mark next to the checkpoint log, signed,
        written by every run that finds all in order); the first run, and --full, check the whole chain on
        every core with a progress bar. Exit 0 when the chain is intact and matches the newest checkpoint, or
        when there is no checkpoint log yet (a fresh install: a warning says so). Exit 1 when a link is broken,
        when events the checkpoint covers are missing or differ, or when the checkpoint log cannot be trusted
        (a line that does not parse or whose signature does not verify, a log cut short)."""
        from .models import AuditEvent
        from .services.audit import NOT_COMPARED
        from .services.chain import verify_full, verify_since_mark
        started = time.perf_counter()
        total = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
        with click.progressbar(length=total, label="Verifying the audit chain", file=sys.stderr,
                               show_pos=True) as bar:
            report = verify_full(jobs, progress=bar.update) if full else verify_since_mark(jobs, progress=bar.update)
        check = report.checkpoint
        since = getattr(report, "since", None)
        if getattr(report, "mark_problem", ""):
            click.echo(f"WARNING: {report.mark_problem}; the whole chain was checked", err=True)
        if not report.chain_ok:
            click.echo(f"BROKEN: audit event {report.broken_seq}: {report.reason} "
                       f"({report.count} events before it are intact)", err=True)
        elif check.ok:
            click.echo(f"OK: audit chain intact, {report.count} events, head {report.head}")
        else:
            click.echo(f"The chain in the database links up: {report.count} events, head {report.head}")
        if since is not None:
            first = since.checkpoint.count
            click.echo(f"Checked event {first} of the checkpoint verified at {since.time} and the "
                       f"{report.checked - 1} events after it; flask audit verify --full checks all events again")
        if check.ok:
            click.echo(f"{'WARNING' if check.warning else 'OK'}: {check.message}")
        else:
            label = "NOT COMPARED" if check.status == NOT_COMPARED else "BROKEN"
            click.echo(f"{label}: {check.message}", err=True)
        for problem in check.problems:
            click.echo(f"UNTRUSTED: checkpoint log {check.log_path}, {problem}", err=True)
        click.echo(f"Verified in {time.perf_counter() - started:.2f} s (after the command's start-up).")
        if not report.ok:
            sys.exit(1)

    @audit_group.command("head")
    def audit_head():
        """Print the head of the chain and the newest signed checkpoint (its log line), to publish."""
        from flask import current_app

        from .services import checkpoints
        from .services.audit import chain_head
        count, head = chain_head()
        click.echo(f"head: {count} events, hash {head}")
        path = current_app.config["AUDIT_CHECKPOINT_LOG"]
        reading = checkpoints.read_log(path, checkpoints.signer_for(current_app))
        if reading.newest is not None:
            click.echo(f"checkpoint: {reading.newest.to_line()}")
        elif reading.exists:
            click.echo(f"checkpoint: none valid in {path}")
        else:
            click.echo(f"checkpoint: none (no checkpoint log at {path})")
        for problem in reading.problems:
            click.echo(f"UNTRUSTED: checkpoint log {path}, {problem}", err=True)

    @audit_group.command("public-key")
    def audit_public_key():
        """Print the key id and the public key (PEM) that verifies the checkpoints, for auditors."""
        from flask import current_app

        from .services import checkpoints
        signer = checkpoints.signer_for(current_app)
        click.echo(f"key id: {signer.key_id}")
        click.echo(signer.public_pem(), nl=False)
