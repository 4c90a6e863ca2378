from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import MoneyField


class ExpenditureForm(FlaskForm):
    partner_id = SelectField("Partner", coerce=int, validators=[InputRequired("Kies een partner.")])
    category_id = SelectField("Kostencategorie", coerce=int, validators=[InputRequired("Kies een kostencategorie.")])
    period_id = SelectField("Rapportageperiode", coerce=int, validators=[InputRequired("Kies een periode.")])
    internal_ref = StringField("Interne referentie", validators=[Optional(), Length(max=60)])
    supplier = StringField("Leverancier", validators=[DataRequired("Vul de leverancier in."), Length(max=200)])
    invoice_number = StringField("Factuurnummer", validators=[DataRequired("Vul het factuurnummer in."),
                                                              Length(max=60)])
    invoice_date = DateField("Factuurdatum", validators=[InputRequired("Vul de factuurdatum in.")])
    payment_date = DateField("Betaaldatum", validators=[InputRequired("Vul de betaaldatum in.")])
    description = TextAreaField("Omschrijving", validators=[DataRequired("Vul een omschrijving in."),
                                                            Length(max=2000)])
    gross_amount = MoneyField("Brutobedrag (incl. btw)", validators=[InputRequired("Vul het brutobedrag in.")])
    vat_amount = MoneyField("Btw", validators=[InputRequired("Vul de btw in (0 als er geen is).")])
    vat_recoverable = BooleanField("Btw terugvorderbaar")
    declared_amount = MoneyField("Gedeclareerd bedrag", validators=[InputRequired("Vul het gedeclareerde bedrag in.")])
    submit = SubmitField("Opslaan")


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Reden", validators=[DataRequired("Geef een reden."), Length(max=1000)])
    submit = SubmitField("Intrekken")


class CorrectionForm(FlaskForm):
    amount = MoneyField("Correctiebedrag (negatief verlaagt)", allow_negative=True,
                        validators=[InputRequired("Vul het correctiebedrag in.")])
    period_id = SelectField("Periode van de correctie", coerce=int, validators=[InputRequired()])
    reason = TextAreaField("Reden", validators=[DataRequired("Geef de reden van de correctie."), Length(max=1000)])
    submit = SubmitField("Correctie registreren")
