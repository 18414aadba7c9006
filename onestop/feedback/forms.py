"""Forms of the rating and feedback pages: they parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.agencies.models import Agency

from .models import SCORE_MAX, SCORE_MIN, RatingCriterion
from .services import COMMENT_MAX, CONTENT_MAX

SCORE_CHOICES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class RatingForm(forms.Form):
    """One 1–5 radio group per active criterion (field `score_<code>`) and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, criteria: list[RatingCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = forms.TypedChoiceField(
                label=criterion.label, choices=SCORE_CHOICES, coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a score from 1 to 5."),
                    "invalid_choice": _("Choose a score from 1 to 5."),
                },
            )
        self.order_fields([*(f"score_{c.code}" for c in criteria), "comment"])

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{c.code}"] for c in self.criteria]

    def scores(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"score_{c.code}"] for c in self.criteria}


class FeedbackForm(forms.Form):
    sender_name = forms.CharField(label=_("Your name"), max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact = forms.CharField(
        label=_("Phone or e-mail"), max_length=254,
        help_text=_("Used only to answer you and to look up your feedback; never published."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Your feedback"), max_length=CONTENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 6}))
    procedure_code = forms.CharField(
        label=_("Procedure code (optional)"), required=False, max_length=32,
        help_text=_("As shown on the procedure's page, e.g. 1.001193."),
    )
    dossier_code = forms.CharField(
        label=_("Dossier code (optional)"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    dossier_factor = forms.RegexField(
        label=_("Last 4 digits of the applicant's phone or personal identification number"),
        required=False,
        regex=r"^\d{4}$", max_length=4,
        help_text=_("Needed for the dossier code to be taken into account."),
        error_messages={"invalid": _("Enter exactly four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "pattern": "[0-9]{4}"}),
    )
    consent_publish = forms.BooleanField(
        label=_("Publish my feedback and its answer on the portal (without my name or contact "
                "details)"), required=False,
    )


class FeedbackLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Feedback code"), max_length=20,
        help_text=_("As shown when you sent it, e.g. PAKN-260302-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact = forms.CharField(label=_("Phone or e-mail you gave"), max_length=254)


# ---- back office ---------------------------------------------------------------------------

class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DraftForm(VersionedForm):
    answer = forms.CharField(label=_("Answer"), max_length=CONTENT_MAX,
                             widget=forms.Textarea(attrs={"rows": 8}))


class AnswerForm(DraftForm):
    publish = forms.BooleanField(label=_("Publish on the portal as well"), required=False)


class PublishForm(VersionedForm):
    pass


class CloseForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ForwardForm(VersionedForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
