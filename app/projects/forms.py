from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from ..forms import MoneyField
from ..i18n import lazy_gettext as _l


class BudgetLineForm(FlaskForm):
    category_id = SelectField(_l("Cost category"), coerce=int, validators=[InputRequired()])
    period_id = SelectField(_l("Period"), coerce=int, validators=[InputRequired()])
    amount = MoneyField(_l("Amount (EUR)"), validators=[InputRequired(_l("Enter an amount."))])
    submit = SubmitField(_l("Save budget"))
