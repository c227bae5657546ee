"""The second-factor forms: code, password, set-up."""

from django import forms
from django.utils.translation import gettext_lazy


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Codice a 6 cifre"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password attuale"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetupForm(PasswordForm, TokenForm):
    name = forms.CharField(
        label=gettext_lazy("Nome del dispositivo"),
        max_length=64,
        initial=gettext_lazy("Telefono"),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Codice di recupero"),
        help_text=gettext_lazy("Uno dei codici del foglio, per esempio 4821-7730."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
