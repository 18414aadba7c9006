from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("E-mail"), required=False)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    in_app = forms.BooleanField(label=_("In the app and on the portal"), required=False)
    push = forms.BooleanField(label=_("Push notifications on installed apps"), required=False)
    language = forms.ChoiceField(label=_("Language of the messages"), choices=settings.LANGUAGES)
