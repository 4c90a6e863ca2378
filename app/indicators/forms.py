"""Forms of the indicators. Fields check only their type; the rules live in app/services/indicators."""
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from ..forms import MoneyField
from ..i18n import lazy_gettext as _l


class QuantityField(MoneyField):
    """A number in Dutch or English notation with at most two decimals (parsed as amounts are)."""


def kind_choices():
    return [("output", _l("output indicator")), ("result", _l("result indicator"))]


def source_choices():
    return [("reported", _l("reported by partners")),
            ("fund_participants", _l("automatic: participants reached in the small-grants fund"))]


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Indicator"))
    kind = SelectField(_l("Type"), choices=kind_choices, validate_choice=False)
    unit = StringField(_l("Unit"))
    baseline = QuantityField(_l("Baseline"), validators=[Optional()])
    target = QuantityField(_l("Target"), validators=[Optional()])
    source = SelectField(_l("Values"), choices=source_choices, validate_choice=False)
    submit = SubmitField(_l("Add the indicator"))


class IndicatorEditForm(FlaskForm):
    name = StringField(_l("Indicator"))
    unit = StringField(_l("Unit"))
    baseline = QuantityField(_l("Baseline"), validators=[Optional()])
    target = QuantityField(_l("Target"), validators=[Optional()])
    submit = SubmitField(_l("Save the changes"))


class TargetForm(FlaskForm):
    period_id = SelectField(_l("Period or year"), coerce=str, validate_choice=False)
    value = QuantityField(_l("Target"), validators=[Optional()])
    submit = SubmitField(_l("Set the target"))


class AssignForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Assign"))


class ReportForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=str, validate_choice=False)
    period_id = SelectField(_l("Reporting period"), coerce=str, validate_choice=False)
    value = QuantityField(_l("Achieved in the period"), validators=[Optional()])
    explanation = TextAreaField(_l("Explanation"))
    files = MultipleFileField(_l("Evidence (optional)"))
    submit = SubmitField(_l("Send the report"))


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional()])

