"""The administration's forms: fields check only their type; the rules live in app/services/admin/."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import MoneyField
from ..fund.forms import PlainDateField
from ..i18n import lazy_gettext as _l

REQUIRED = _l("Fill in this field.")


class ProjectForm(FlaskForm):
    code = StringField(_l("Project code"), validators=[InputRequired(REQUIRED), Length(max=20)])
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    programme_code = StringField(_l("Programme code"), validators=[InputRequired(REQUIRED), Length(max=40)])
    programme_name = StringField(_l("Programme"), validators=[InputRequired(REQUIRED), Length(max=200)])
    start_date = PlainDateField(_l("Start"), validators=[InputRequired(REQUIRED)])
    end_date = PlainDateField(_l("End"), validators=[InputRequired(REQUIRED)])
    eligibility_start = PlainDateField(_l("Eligible from"), validators=[InputRequired(REQUIRED)])
    eligibility_end = PlainDateField(_l("Eligible until"), validators=[InputRequired(REQUIRED)])
    efro_per_partner = BooleanField(_l("Cap each partner's funding at its share in the budget"))
    submit = SubmitField(_l("Save project"))


class NewProjectForm(ProjectForm):
    cofinancing_rate = MoneyField(_l("Co-financing rate (%)"), validators=[InputRequired(REQUIRED)])
    efro_ceiling = MoneyField(_l("Approved support (EUR)"), validators=[InputRequired(REQUIRED)])
    flexibility_rate = MoneyField(_l("Flexibility per cost category (%)"), default="10")


class PeriodForm(FlaskForm):
    start_date = PlainDateField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = PlainDateField(_l("To"), validators=[InputRequired(REQUIRED)])
    submit = SubmitField(_l("Save period"))


class PartnerForm(FlaskForm):
    organisation = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    country = SelectField(_l("Country"), choices=[SelectChoice("BE", _l("Belgium")),
                                                  SelectChoice("NL", _l("Netherlands"))])
    city = StringField(_l("Place"), validators=[Optional(), Length(max=100)])
    org_type = SelectField(_l("Type of organisation"))
    lead = BooleanField(_l("Lead partner"))
    vat_recoverable = BooleanField(_l("VAT is recoverable"))
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    submit = SubmitField(_l("Save partner"))


class FlatRateForm(FlaskForm):
    office = MoneyField(_l("Office and administration: percentage of staff costs"), validators=[Optional()])
    travel = MoneyField(_l("Travel and accommodation: percentage of staff costs"), validators=[Optional()])
    staff = MoneyField(_l("Staff costs: percentage of the other direct costs"), validators=[Optional()])
    submit = SubmitField(_l("Save flat rates"))


class ModificationFields(FlaskForm):
    reason = TextAreaField(_l("Reason of the modification"), validators=[Optional(), Length(max=2000)])
    approved_on = PlainDateField(_l("Date of approval"), validators=[Optional()])


class BudgetForm(ModificationFields):
    submit = SubmitField(_l("Save budget"))


class BudgetUploadForm(ModificationFields):
    file = FileField(_l("Budget table (.xlsx)"))
    upload = SubmitField(_l("Upload budget table"))


class RoleForm(FlaskForm):
    email = StringField(_l("E-mail address of the user"), validators=[InputRequired(REQUIRED), Length(max=254)])
    role = SelectField(_l("Role"))
    partner_id = SelectField(_l("Partner (for a partner user)"), coerce=str)
    submit = SubmitField(_l("Give role"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Remove role"))
