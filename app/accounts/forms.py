from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_gettext as _l


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password.")),
                                                                Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password.")), Length(max=1024)])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(_l("Enter the new password again.")),
                                                                 Length(max=1024)])
    submit = SubmitField(_l("Change password"))


class ConfirmCodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=64)])
    submit = SubmitField(_l("Confirm"))


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")),
                                                         Length(max=254)])
    full_name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    project_id = SelectField(_l("Project"), coerce=str, validate_choice=False,
                             validators=[DataRequired(_l("Choose a project."))])
    role = SelectField(_l("Role"), coerce=str, validate_choice=False, validators=[DataRequired(_l("Choose a role."))])
    partner_id = SelectField(_l("Partner (partner users only)"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Create user"))


class ActionForm(FlaskForm):
    """A button (deactivate, reactivate, reset password): only its CSRF token."""
