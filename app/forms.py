"""Form fields shared by the areas."""
from decimal import Decimal

from wtforms import StringField

from . import formatting
from .money import MoneyError, parse_money


class MoneyField(StringField):
    """An amount in Dutch or English notation, parsed by app.money into a Decimal (``.data``)."""

    def __init__(self, label=None, validators=None, allow_negative=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.allow_negative = allow_negative

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            self.raw_data = []  # only spaces is nothing entered: InputRequired then asks for the amount
            return
        try:
            self.data = parse_money(self.raw, allow_negative=self.allow_negative)
        except MoneyError as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return formatting.money(self.data, sign=False)
        return ""
