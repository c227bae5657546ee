"""Form fields that read numbers the Italian way."""

from decimal import Decimal

from django import forms


class HoursField(forms.DecimalField):
    """Hours typed the Italian way: "1,5" as well as "1.5", shown back as "1,5". A text input,
    not a number input: Chromium drops the comma of "1,5" in an ``<input type="number">`` and
    sends "15"."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update(inputmode="decimal", autocomplete="off")
        return attrs

    def prepare_value(self, value):
        value = super().prepare_value(value)
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace(",", ".")
        return super().to_python(value)
