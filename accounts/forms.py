"""The one field every step of two-factor sign-in asks for: a code."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app or, where the page says so, a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        strip=True,
        error_messages={"required": _("Enter the code the app shows, or one of your recovery codes.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
