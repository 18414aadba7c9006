from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency

from .indicators import REGISTRY


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        start = datetime.date(today.year, 1, 1)
        end = today
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        if end < start:
            start, end = end, start
        # Bounded: at most ten years on one page.
        start = max(start, end - datetime.timedelta(days=3660))
        return start, end


def _manual_choices() -> list[tuple[str, Any]]:
    return [(code, ind.name) for code, ind in REGISTRY.items() if ind.measure is None]


def _unit_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=Agency.objects.filter(is_active=True),
                                  required=False, label=_("Unit"),
                                  empty_label=_("The whole city"))


class ManualValueForm(forms.Form):
    indicator_code = forms.ChoiceField(label=_("Indicator"), choices=_manual_choices)
    agency = _unit_field()
    period_start = forms.DateField(label=_("Period from"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period to"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    numerator = forms.DecimalField(label=_("Numerator"), min_value=0)
    denominator = forms.DecimalField(label=_("Denominator"), min_value=0)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_file = forms.FileField(label=_("Evidence file (optional)"), required=False)


class TargetForm(forms.Form):
    agency = _unit_field()
    indicator_code = forms.ChoiceField(
        label=_("Indicator"), choices=lambda: [(c, i.name) for c, i in REGISTRY.items()])
    baseline = forms.DecimalField(label=_("Value at the start"),
                                  help_text=_("Rates as fractions (0.95 = 95 %); processing "
                                              "time in working days."))
    target = forms.DecimalField(label=_("Target value"))
    start_date = forms.DateField(label=_("Start date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(label=_("Due date"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False)


class DtiImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Header: unit,year,awareness,institutions,"
                                       "infrastructure,human_resources,cyber_security,"
                                       "digital_government,digital_economy,digital_society"))
