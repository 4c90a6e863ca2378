"""Forms of project ideas: the public registration as candidate, and the office's forms. Fields check only
their type; the rules (with their messages) live in app/services/ideas."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import Optional

from ..forms import MoneyField
from ..fund.forms import PlainDateField, WholeNumberField, country_choices
from ..i18n import lazy_gettext as _l


def role_choices():
    return [("lead", _l("You want to take the lead: candidate lead partner")),
            ("participant", _l("You want to think along: candidate participating partner"))]


class WithdrawForm(FlaskForm):
    """The candidate's buttons on its status page: only the CSRF token."""


class CandidateForm(FlaskForm):
    role = SelectField(_l("Your role"), choices=role_choices, validate_choice=False)
    org_name = StringField(_l("Organisation"))
    org_country = SelectField(_l("Country"), choices=country_choices, validate_choice=False)
    org_city = StringField(_l("Municipality"))
    description = TextAreaField(_l("What your organisation brings (a few sentences)"))
    contact_name = StringField(_l("Contact person"))
    contact_email = StringField(_l("E-mail address"))
    contact_phone = StringField(_l("Telephone (optional)"))
    consent_publish = BooleanField(_l("Publish my organisation's name, country, role and description on this "
                                      "page once the office has accepted my candidacy"))
    submit = SubmitField(_l("Put my organisation forward"))


class IdeaForm(FlaskForm):
    title = StringField(_l("Title"))
    region = StringField(_l("Region"))
    challenge = TextAreaField(_l("The challenge"))
    text = TextAreaField(_l("The idea"))
    submit = SubmitField(_l("Publish the idea"))


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note (the candidate reads it)"), validators=[Optional()])


class ConvertForm(FlaskForm):
    programme_id = SelectField(_l("Programme"), coerce=str, validate_choice=False)
    code = StringField(_l("Project code"))
    name = StringField(_l("Project name"))
    start_date = PlainDateField(_l("Start"), validators=[Optional()])
    end_date = PlainDateField(_l("End"), validators=[Optional()])
    cofinancing_rate = StringField(_l("ERDF co-financing rate (%)"), default="50")
    efro_ceiling = MoneyField(_l("Approved ERDF support"), validators=[Optional()])
    period_months = WholeNumberField(_l("Months per reporting period"), default=6, validators=[Optional()])
    candidates = SelectMultipleField(_l("Candidates that become partners"), coerce=str, validate_choice=False,
                                     widget=widgets.ListWidget(prefix_label=False),
                                     option_widget=widgets.CheckboxInput())
    lead = SelectField(_l("Lead partner"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Turn the idea into a project"))

