from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from ..forms import MoneyField


class BudgetLineForm(FlaskForm):
    category_id = SelectField("Kostencategorie", coerce=int, validators=[InputRequired()])
    period_id = SelectField("Periode", coerce=int, validators=[InputRequired()])
    amount = MoneyField("Bedrag (EUR)", validators=[InputRequired("Vul een bedrag in.")])
    submit = SubmitField("Budget opslaan")
