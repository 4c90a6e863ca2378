from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..i18n import gettext as _
from ..services import accounts
from ..services.audit import Actor
from .forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def current_actor() -> Actor:
    return Actor(current_user.id, current_user.email, request.remote_addr)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative '//' or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")) \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("projects.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        except accounts.LoginError as error:
            db.session.commit()  # the failed attempt is part of the audit trail
            flash(str(error), "error")
            return render_template("auth/login.html", form=form), 401
        db.session.commit()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("projects.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.logout(current_actor())
        db.session.commit()
        logout_user()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))

