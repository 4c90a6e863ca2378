"""One's own account (password, second factor) and the admin's users pages (/admin/users)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from .. import sessions
from ..auth.routes import current_actor
from ..errors import DomainError
from ..extensions import db
from ..guards import db_id
from ..i18n import gettext as _
from ..models import Role
from ..permissions import can_manage_users, require
from ..services import accounts, two_factor, user_admin
from ..views import commit_or_explain
from .forms import ActionForm, ConfirmCodeForm, NewUserForm, PasswordChangeForm

bp = Blueprint("accounts", __name__)
_ENROL_SECRET = "cofund_enrol_secret"  # nosec B105  # a session key, not a password
# Reachable while a new password or the second factor is due (everything else redirects there first).
OPEN_ENDPOINTS = {"static", "auth.logout", "auth.language", "auth.login", "auth.second_factor", "auth.enrol",
                  "accounts.password", "accounts.two_factor"}


def gates():
    """Before every request of a signed-in user: a password reset by an admin is replaced first; a finance
    officer, admin or auditor without a second factor (a role granted after signing in) sets one up first."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return redirect(url_for("accounts.password"))
    if current_user.needs_second_factor and not current_user.has_second_factor:
        return redirect(url_for("accounts.two_factor"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            form.repeat.errors = [_("The two new passwords differ.")]
        else:
            user = current_user._get_current_object()
            done, _r = commit_or_explain(lambda: accounts.change_password(
                current_actor(), user, form.current.data, form.new.data),
                _("Your password has been changed. You were signed out everywhere else."))
            if done:
                sessions.renew(user)
                return redirect(url_for("accounts.index"))
    elif current_user.must_change_password and request.method == "GET":
        flash(_("An admin has reset your password. Choose a new one to continue."), "info")
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200


@bp.get("/account")
@login_required
def index():
    return render_template("accounts/index.html", codes_left=two_factor.unused_codes(current_user),
                           code_form=ConfirmCodeForm())


@bp.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@login_required
def two_factor_page():
    """Set up (or set up anew) the second factor: required for finance officers, admins and auditors."""
    form = ConfirmCodeForm()
    secret = session.get(_ENROL_SECRET)
    if not two_factor.valid_secret(secret):
        secret = session[_ENROL_SECRET] = two_factor.new_secret()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            codes = two_factor.enrol(current_actor(), user, secret, form.code.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            session.pop(_ENROL_SECRET, None)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("accounts.index"))
    required = current_user.needs_second_factor and not current_user.has_second_factor
    if required and request.method == "GET":
        flash(_("Your role requires a second factor. Set it up to continue."), "info")
    uri = two_factor.provisioning_uri(current_user.email, secret)
    return render_template("accounts/two_factor.html", form=form, qr=two_factor.qr_svg(uri),
                           secret=two_factor.grouped(secret), required=required)


@bp.post("/account/recovery-codes")
@login_required
def recovery_codes():
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            codes = two_factor.new_recovery_codes(current_actor(), user, form.code.data)
        except DomainError as error:
            db.session.commit()  # the wrong code is audited
            flash(str(error), "error")
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("accounts.index"))
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("accounts.index"))


# The admin's pages: users of the projects they administer.

@bp.get("/admin/users")
@login_required
def users():
    require(can_manage_users(current_user))
    return render_template("accounts/users.html", users=user_admin.managed_users(current_user),
                           project_codes=user_admin.project_codes(), action_form=ActionForm())


def _choices(form: NewUserForm) -> None:
    projects = user_admin.administered_projects(current_user)
    form.project_id.choices = [(str(p.id), f"{p.code} – {p.name}") for p in projects]
    form.role.choices = [(r.value, r.label) for r in Role]
    form.partner_id.choices = [("", "—"), *((str(p.id), f"{p.project.code}: {p.organisation.name}")
                                             for p in user_admin.partners_of(projects))]


def _id_or_none(value: str | None) -> int | None:
    try:
        return db_id(value) if value else None
    except ValueError:
        raise DomainError(_("Choose from the list.")) from None


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    require(can_manage_users(current_user))
    form = NewUserForm()
    _choices(form)
    if form.validate_on_submit():
        def create():
            project_id = _id_or_none(form.project_id.data)
            if project_id is None:
                raise DomainError(_("Choose a project."))
            return user_admin.create(current_actor(), current_user, form.email.data, form.full_name.data,
                                     project_id, form.role.data, _id_or_none(form.partner_id.data))
        done, result = commit_or_explain(create, _("The user has been created."))
        if done:
            user, temporary = result
            return render_template("accounts/temporary_password.html", user=user, password=temporary)
    return render_template("accounts/new_user.html", form=form), 400 if form.errors else 200


@bp.post("/admin/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    user = user_admin.account_or_404(current_user, user_id)
    if ActionForm().validate_on_submit():
        commit_or_explain(lambda: user_admin.deactivate(current_actor(), current_user, user),
                          _("The account has been deactivated; its sessions have ended."))
    return redirect(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    user = user_admin.account_or_404(current_user, user_id)
    if ActionForm().validate_on_submit():
        commit_or_explain(lambda: user_admin.reactivate(current_actor(), current_user, user),
                          _("The account has been reactivated."))
    return redirect(url_for("accounts.users"))


@bp.post("/admin/users/<int:user_id>/reset-password")
@login_required
def reset_password(user_id: int):
    user = user_admin.account_or_404(current_user, user_id)
    if ActionForm().validate_on_submit():
        done, temporary = commit_or_explain(lambda: user_admin.reset_password(current_actor(), current_user, user),
                                            _("The password has been reset; the user's sessions have ended."))
        if done:
            return render_template("accounts/temporary_password.html", user=user, password=temporary)
    return redirect(url_for("accounts.users"))

