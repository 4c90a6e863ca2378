from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..i18n import LANGUAGE_NAMES
from ..i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address.")),
                                                         Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=1024)])
    submit = SubmitField(_l("Sign in"))


class CodeForm(FlaskForm):
    """Six digits from the authenticator app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), Length(max=64)])
    submit = SubmitField(_l("Confirm"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))


class LanguageForm(FlaskForm):
    """The language switcher in the page header (its buttons post ``language``; ``next`` is where to return)."""

    language = RadioField(choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
                          validators=[DataRequired(_l("Choose Dutch or English."))])
