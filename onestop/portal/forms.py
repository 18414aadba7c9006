"""The public status lookup form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"), max_length=40,
        help_text=_("As printed on your receipt, e.g. 000.00.00.H99-260302-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    factor = forms.RegexField(
        label=_("Last 4 digits of the applicant's phone or citizen ID (CCCD)"),
        regex=r"^\d{4}$", max_length=4, min_length=4,
        error_messages={"invalid": _("Enter exactly four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "pattern": "[0-9]{4}"}),
    )
