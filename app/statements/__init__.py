"""Statements and the auditor's workspace: downloads, background exports, the CLI, the audit trail page."""
from __future__ import annotations

from flask import Flask

from reports.formatting import local_time

from ..models.types import utcnow
from ..services.statements import title


def init_app(app: Flask) -> None:
    from ..audit.routes import bp as audit_bp
    from ..services.statements import jobs
    from .cli import export_group
    from .routes import bp as statements_bp

    jobs.init_app(app)
    app.register_blueprint(statements_bp)
    app.register_blueprint(audit_bp)
    app.cli.add_command(export_group)
    app.jinja_env.globals.update(statement_title=title,
                                 local_today=lambda: local_time(utcnow()).date().isoformat())
