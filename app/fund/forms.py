"""Forms of the fund: the public application and the status link's forms, and the finance officers' forms.
Fields check only their type; the rules (with their messages) live in app/services/fund."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Optional

from ..forms import MoneyField
from ..guards import db_id_or_none
from ..i18n import lazy_gettext as _l
from ..models import OrgType


class PlainDateField(DateField):
    """A date as the calendar sends it (yyyy-mm-dd) or as people write it where there is no calendar, as the
    message asks: dd-mm-yyyy (also dd/mm/yyyy, the English way). An unreadable one gets our message, not
    WTForms'; a readable one is shown again as yyyy-mm-dd, the only value a date input displays."""

    FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=list(self.FORMATS), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [" ".join(valuelist).strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Not a date: use the calendar or write dd-mm-yyyy."))) from None

    def _value(self):
        return self.data.isoformat() if self.data else super()._value()


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Write a whole number."))) from None


def org_type_choices():
    return [("", _l("– choose –"))] + [(t.value, t.label) for t in OrgType]


def country_choices():
    return [("", _l("– choose –")), ("BE", _l("Belgium")), ("NL", _l("the Netherlands"))]


class CounterpartForm(Form):
    name = StringField(_l("Organisation"), validators=[Optional()])
    country = SelectField(_l("Country"), choices=country_choices, validate_choice=False)
    org_type = SelectField(_l("Type"), choices=org_type_choices, validate_choice=False)


class ApplicationForm(FlaskForm):
    org_name = StringField(_l("Name of your organisation"))
    org_type = SelectField(_l("Type of organisation"), choices=org_type_choices, validate_choice=False)
    org_country = SelectField(_l("Country"), choices=country_choices, validate_choice=False)
    org_city = StringField(_l("Municipality"))
    contact_name = StringField(_l("Contact person"))
    contact_email = StringField(_l("E-mail address"))
    contact_phone = StringField(_l("Telephone (optional)"))
    counterparts = FieldList(FormField(CounterpartForm), min_entries=3, max_entries=3)
    title = StringField(_l("Title of the action"))
    description = TextAreaField(_l("Description"))
    start_date = PlainDateField(_l("First day"), validators=[Optional()])
    end_date = PlainDateField(_l("Last day"), validators=[Optional()])
    expected_participants = WholeNumberField(_l("Expected participants"), validators=[Optional()])
    submit = SubmitField(_l("Submit the proposal"))


def application_form(cost_types):
    """The application form with one estimate field per eligible cost type of the fund."""
    class Form_(ApplicationForm):
        pass
    for kind in cost_types:
        label = kind.label[:1].upper() + kind.label[1:]
        setattr(Form_, f"cost_{kind.value}", MoneyField(label, validators=[Optional()]))
    return Form_()


class AnswerForm(FlaskForm):
    question_id = HiddenField()
    text = TextAreaField(_l("Your answer"))
    submit = SubmitField(_l("Send the answer"))


class ReportForm(FlaskForm):
    participants = WholeNumberField(_l("Participants reached"), validators=[Optional()])
    summary = TextAreaField(_l("Result in a few sentences"))
    attendance = MultipleFileField(_l("Attendance list"))
    photos = MultipleFileField(_l("Photos"))
    submit = SubmitField(_l("Send the final report"))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class FundForm(FlaskForm):
    name = StringField(_l("Name of the fund"))
    managing_partner_id = SelectField(_l("Managing partner"), coerce=db_id_or_none, validate_choice=False)
    ceiling = MoneyField(_l("Ceiling"))
    max_per_action = MoneyField(_l("Maximum per action"))
    cost_types = MultiCheckboxField(_l("Eligible cost types"), validate_choice=False)
    submit = SubmitField(_l("Save"))


class CriterionForm(Form):
    name = StringField(_l("Criterion"), validators=[Optional()])
    weight = WholeNumberField(_l("Weight"), validators=[Optional()])


class CallForm(FlaskForm):
    code = StringField(_l("Code"))
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description for applicants"))
    opens_on = PlainDateField(_l("Opens on"), validators=[Optional()])
    closes_on = PlainDateField(_l("Closes on"), validators=[Optional()])
    actions_from = PlainDateField(_l("Actions from"), validators=[Optional()])
    actions_until = PlainDateField(_l("Actions until"), validators=[Optional()])
    criteria = FieldList(FormField(CriterionForm), min_entries=5, max_entries=5)
    submit = SubmitField(_l("Publish the call"))


class DeclarationForm(FlaskForm):
    organisation = StringField(_l("The organisation you work for"))
    affiliations = TextAreaField(_l("Other organisations you are involved in (one a line: board, membership)"))
    conflict = BooleanField(_l("I have a personal or professional interest in this application"))
    statement = TextAreaField(_l("What is that interest?"))
    submit = SubmitField(_l("Declare"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("approve")),
                                                    SelectChoice("reject", _l("reject"))],
                           validate_choice=False)
    amount = MoneyField(_l("Approved amount"), validators=[Optional()])
    meeting_date = PlainDateField(_l("Date of the selection meeting"), validators=[Optional()])
    reason = TextAreaField(_l("Reason (required for a rejection; the applicant reads it)"))
    submit = SubmitField(_l("Record the decision"))


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Question to the applicant"))
    submit = SubmitField(_l("Ask"))


class InvoiceForm(FlaskForm):
    supplier = StringField(_l("Supplier"))
    invoice_number = StringField(_l("Invoice number"))
    invoice_date = PlainDateField(_l("Invoice date"), validators=[Optional()])
    payment_date = PlainDateField(_l("Payment date"), validators=[Optional()])
    description = TextAreaField(_l("Description"))
    gross_amount = MoneyField(_l("Gross amount (VAT included)"), validators=[Optional()])
    vat_amount = MoneyField(_l("VAT"), validators=[Optional()])
    vat_recoverable = BooleanField(_l("VAT recoverable"))
    declared_amount = MoneyField(_l("Declared amount"), validators=[Optional()])
    internal_ref = StringField(_l("Internal reference"))
    submit = SubmitField(_l("Register the invoice"))


class ExecutedForm(FlaskForm):
    executed_on = PlainDateField(_l("Took place on"), validators=[Optional()])
    submit = SubmitField(_l("Record as carried out"))


class OverrunForm(FlaskForm):
    amount = MoneyField(_l("Amount that may be paid in addition"), validators=[Optional()])
    meeting_date = PlainDateField(_l("Date of the decision"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"))
    submit = SubmitField(_l("Record the decision to pay more"))


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Note (required without a final report)"))
    submit = SubmitField(_l("Close the action"))


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (revoke or renew the status link)."""
