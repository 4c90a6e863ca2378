from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..i18n import SESSION_KEY
from ..i18n import gettext as _
from ..services import accounts
from ..services.audit import Actor
from .forms import LanguageForm, LoginForm, LogoutForm

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
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        except accounts.LoginError as error:
            db.session.commit()  # the failed attempt is part of the audit trail
            flash(str(error), "error")
            return render_template("auth/login.html", form=form), 401
        chosen = session.pop(SESSION_KEY, None)  # chosen before signing in: the user's language from now on
        if chosen and chosen != user.language:
            accounts.set_language(Actor(user.id, user.email, request.remote_addr), user, chosen)
        db.session.commit()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("index"))
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


@bp.post("/language")
def language():
    """Switch the pages to Dutch or English: kept on the user when signed in; for an anonymous visitor in the
    session, and on the user once they sign in. (A choice on a shared computer ends with the session of the
    one who made it: signing out does not pass it on to whoever signs in next.)"""
    form = LanguageForm()
    back = safe_next(request.form.get("next")) or url_for("index")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    if current_user.is_authenticated:
        accounts.set_language(current_actor(), current_user, form.language.data)
        db.session.commit()
    else:
        session[SESSION_KEY] = form.language.data
    return redirect(back)
