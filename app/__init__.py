"""Cofund: grant and subsidy administration for EFRO co-financed projects."""
from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import formatting, guards, i18n, limiter
from .config import Config
from .errors import DomainError, NotFound, OutOfScope, PermissionDenied
from .extensions import csrf, db, login_manager, migrate
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .services import access
from .statements import init_app as init_statements
from .templating import register_template_helpers


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config(app.instance_path, overrides))
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir(app)))
    csrf.init_app(app)
    limiter.init_app(app)
    guards.init_app(app)  # before the blueprints: their <int:...> ids are bounded
    i18n.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.localize_callback = str  # the message in the language of the request that shows it
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)

    from . import models  # noqa: F401  (register the tables)
    from .accounts.routes import bp as accounts_bp
    from .accounts.routes import gates as account_gates
    from .admin import budget_routes  # noqa: F401  (its routes join the admin blueprint)
    from .admin.routes import bp as admin_bp
    from .audits.routes import bp as audits_bp
    from .auth.routes import bp as auth_bp
    from .claims.routes import bp as claims_bp
    from .cli import register_cli
    from .cli_operations import register_operations_cli
    from .corrections.routes import bp as corrections_bp
    from .dashboard.routes import bp as dashboard_bp
    from .dashboard.routes import page as dashboard_page
    from .documents.routes import bp as documents_bp
    from .expenditures.routes import bp as expenditures_bp
    from .fund.public import bp as fund_public_bp
    from .fund.public import start_page
    from .fund.routes import bp as fund_bp
    from .ideas.office import bp as ideas_bp
    from .ideas.public import bp as ideas_public_bp
    from .imports.routes import bp as imports_bp
    from .indicators.routes import bp as indicators_bp
    from .payments.routes import bp as payments_bp
    from .portfolio.routes import bp as portfolio_bp
    from .projects.routes import bp as projects_bp

    for blueprint in (auth_bp, accounts_bp, projects_bp, expenditures_bp, documents_bp, imports_bp, claims_bp,
                      payments_bp, fund_bp, fund_public_bp, audits_bp, corrections_bp,
                      ideas_bp, ideas_public_bp, indicators_bp, admin_bp, dashboard_bp, portfolio_bp):
        app.register_blueprint(blueprint)
    register_cli(app)
    register_operations_cli(app)
    init_statements(app)

    from . import sessions
    login_manager.user_loader(sessions.load)  # checks the session's version, idle and absolute time

    register_template_helpers(app)

    @app.get("/")
    def index():
        # signed in: the dashboard of what waits for you; anyone else: the public start page (Cofund, sign in,
        # the open calls)
        return dashboard_page() if current_user.is_authenticated else start_page()

    app.before_request(account_gates)  # a new password or a second factor first, where one is due

    @app.before_request
    def https_only():
        if app.config["FORCE_HTTPS"] and not request.is_secure and not app.testing:
            return redirect(request.url.replace("http://", "https://", 1), code=301)

    @app.after_request
    def security_headers(response):
        if current_user.is_authenticated or sessions.PENDING in session:
            response.headers["Cache-Control"] = "private, no-store"  # signed-in pages stay out of every cache
        if app.config["PREFERRED_URL_SCHEME"] == "https":
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        return response

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(error):
        db.session.rollback()
        if isinstance(error, OutOfScope):
            access.record_denied(404, error)
        return render_template("error.html", code=404, message=_("This page does not exist, or you have no "
                                                                 "access to it.")), 404

    @app.errorhandler(PermissionDenied)
    @app.errorhandler(403)
    def forbidden(error):
        db.session.rollback()
        access.record_denied(403, error)
        message = str(error) if isinstance(error, PermissionDenied) else _("You are not allowed to do this.")
        return render_template("error.html", code=403, message=message), 403

    @app.errorhandler(DomainError)
    def domain_error(error):
        """A refused action that a view did not catch: nothing changed; say why and go back."""
        db.session.rollback()
        flash(str(error), "error")
        return redirect(same_site_referrer() or url_for("index"))

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return render_template("error.html", code=413, message=_(
            "The request is too large (more than %(limit)s MB together). Upload fewer or smaller files at a time; "
            "one file may be at most %(file_limit)s MB.", limit=formatting.number(limit),
            file_limit=formatting.megabytes(app.config["MAX_UPLOAD_MB"]))), 413

    return app


def same_site_referrer() -> str | None:
    """The page the user came from, as a path on this site; None for anything else."""
    from urllib.parse import urlsplit

    from .auth.routes import safe_next
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _migrations_dir(app: Flask):
    from pathlib import Path
    return Path(app.root_path).parent / "migrations"


def _configure_sqlite(engine) -> None:
    """Foreign keys on; real transactions that take the write lock at BEGIN (IMMEDIATE), so writers are
    serialised and SAVEPOINTs work (SQLAlchemy's documented pysqlite recipe)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
