from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import MoneyField
from ..i18n import lazy_gettext as _l
from ..services.expenditures.rules import TEXT_LIMITS


class ExpenditureForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=int, validators=[InputRequired(_l("Choose a partner."))])
    category_id = SelectField(_l("Cost category"), coerce=int,
                              validators=[InputRequired(_l("Choose a cost category."))])
    period_id = SelectField(_l("Reporting period"), coerce=int, validators=[InputRequired(_l("Choose a period."))])
    internal_ref = StringField(_l("Internal reference"),
                               validators=[Optional(), Length(max=TEXT_LIMITS["internal_ref"])])
    supplier = StringField(_l("Supplier"), validators=[DataRequired(_l("Enter the supplier.")),
                                                       Length(max=TEXT_LIMITS["supplier"])])
    invoice_number = StringField(_l("Invoice number"), validators=[DataRequired(_l("Enter the invoice number.")),
                                                                   Length(max=TEXT_LIMITS["invoice_number"])])
    invoice_date = DateField(_l("Invoice date"), validators=[InputRequired(_l("Enter the invoice date."))])
    payment_date = DateField(_l("Payment date"), validators=[InputRequired(_l("Enter the payment date."))])
    description = TextAreaField(_l("Description"), validators=[DataRequired(_l("Enter a description.")),
                                                               Length(max=TEXT_LIMITS["description"])])
    gross_amount = MoneyField(_l("Gross amount (incl. VAT)"),
                              validators=[InputRequired(_l("Enter the gross amount."))])
    vat_amount = MoneyField(_l("VAT amount"), validators=[InputRequired(_l("Enter the VAT (0 if there is none)."))])
    vat_recoverable = BooleanField(_l("VAT is recoverable"))
    declared_amount = MoneyField(_l("Declared amount"),
                                 validators=[InputRequired(_l("Enter the declared amount."))])
    submit = SubmitField(_l("Save"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=1000)])
    submit = SubmitField(_l("Withdraw"))


class CorrectionForm(FlaskForm):
    amount = MoneyField(_l("Correction amount (negative lowers it)"), allow_negative=True,
                        validators=[InputRequired(_l("Enter the correction amount."))])
    period_id = SelectField(_l("Period of the correction"), coerce=int, validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give the reason for the correction.")),
                                                     Length(max=1000)])
    submit = SubmitField(_l("Register correction"))
