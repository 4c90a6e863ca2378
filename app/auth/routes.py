from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from .. import sessions
from ..errors import DomainError
from ..extensions import db
from ..i18n import SESSION_KEY
from ..i18n import gettext as _
from ..limiter import count_request, too_many
from ..services import accounts, two_factor
from ..services.audit import Actor
from .forms import CodeForm, LanguageForm, LoginForm, LogoutForm

bp = Blueprint("auth", __name__)
MAX_CODE_TRIES = 5  # wrong second-factor codes before the password must be given again


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


def _finish(user, second_factor: str | None, next_url: str | None):
    """The sign-in is complete: audit it, take over the language chosen before, start the session."""
    chosen = session.pop(SESSION_KEY, None)  # chosen before signing in: the user's language from now on
    if chosen and chosen != user.language:
        accounts.set_language(Actor(user.id, user.email, request.remote_addr), user, chosen)
    accounts.record_login(user, request.remote_addr, second_factor)
    db.session.commit()
    sessions.start(user)
    return redirect(safe_next(next_url) or url_for("index"))


def _flooded():
    """Every sign-in request (password or code) counts against RATELIMIT_LOGIN per address (app/limiter.py)."""
    wait = count_request("RATELIMIT_LOGIN", "login") if request.method == "POST" else 0
    return too_many(wait) if wait else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    if flooded := _flooded():
        return flooded
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        except accounts.LoginThrottled as error:
            db.session.rollback()
            return too_many(error.retry_after, str(error))
        except accounts.LoginError as error:
            db.session.commit()  # the failed attempt is part of the audit trail
            flash(str(error), "error")
            return render_template("auth/login.html", form=form), 401
        next_url = safe_next(request.args.get("next"))
        if user.has_second_factor or user.needs_second_factor:
            db.session.commit()  # a rehashed password
            sessions.begin_pending(user, next_url)
            return redirect(url_for("auth.second_factor" if user.has_second_factor else "auth.enrol"))
        return _finish(user, None, next_url)
    return render_template("auth/login.html", form=form)


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor():
    if flooded := _flooded():
        return flooded
    user, state = sessions.pending_user()
    if user is None or not user.has_second_factor:
        flash(_("Sign in with your e-mail address and password first."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = accounts.login_limits.address_wait(request.remote_addr)
        if wait:
            return too_many(wait, _("Too many failed sign-in attempts from your address. Nothing was checked. "
                                    "Try again later."))
        used = two_factor.check(Actor(user.id, user.email, request.remote_addr), user, form.code.data)
        if used:
            return _finish(user, used, state.get("next"))
        db.session.commit()  # the wrong code is part of the audit trail
        if sessions.count_pending_try() >= MAX_CODE_TRIES:
            sessions.forget()
            flash(_("Too many wrong codes. Sign in again."), "error")
            return redirect(url_for("auth.login"))
        flash(_("That code is not correct, or it was used already. Enter the six digits your app shows now, or "
                "one of your recovery codes."), "error")
        return render_template("auth/second_factor.html", form=form), 401
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """A finance officer, admin or auditor without a second factor sets one up before their first use."""
    user, state = sessions.pending_user()
    if user is None or user.has_second_factor:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    secret = state.get("secret")
    if not two_factor.valid_secret(secret):
        secret = two_factor.new_secret()
        session[sessions.PENDING] = {**state, "secret": secret}
    if form.validate_on_submit():
        actor = Actor(user.id, user.email, request.remote_addr)
        try:
            codes = two_factor.enrol(actor, user, secret, form.code.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            _finish(user, "totp", None)
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=safe_next(state.get("next")) or url_for("index"))
    uri = two_factor.provisioning_uri(user.email, secret)
    return render_template("auth/enrol.html", form=form, qr=two_factor.qr_svg(uri),
                           secret=two_factor.grouped(secret), required=True), 401 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        accounts.logout(current_actor(), current_user)
        db.session.commit()
        logout_user()
        sessions.forget()
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
