"""Forms of the public portal: status lookup, catalog filters, online filing, dossier actions.

Forms check shape only; the services own the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from onestop.accounts.models import Business
from onestop.accounts.services import normalise_phone
from onestop.agencies.models import Agency
from onestop.catalog.models import Field, ProcedureVersion
from onestop.core.errors import ValidationFailed
from onestop.core.identifiers import normalise_tax_code, validate_cccd


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"), max_length=40,
        help_text=_("As printed on your receipt, e.g. 000.00.00.H99-260302-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    factor = forms.RegexField(
        label=_("Last 4 digits of the applicant's phone or personal identification number"),
        regex=r"^\d{4}$", max_length=4, min_length=4,
        error_messages={"invalid": _("Enter exactly four digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                      "pattern": "[0-9]{4}"}),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code or receipt number"), max_length=80,
        help_text=_("As printed on the document, e.g. 000.00.00.H99-260302-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("Signed PDF file"),
                           help_text=_("The document stays on this page: it is checked and "
                                       "not kept."))

    def clean_file(self) -> Any:
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.ONESTOP_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB."),
                params={"mb": settings.ONESTOP_UPLOAD_MAX_BYTES // (1024 * 1024)})
        return upload


# ---- the citizen's catalog, filing and dossier pages -----------------------------------------

class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search procedures"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "enterkeyhint": "search"}))
    field = forms.ChoiceField(label=_("Field"), required=False, choices=())
    agency = forms.TypedChoiceField(label=_("Agency"), required=False, choices=(), coerce=int,
                                    empty_value=None)
    level = forms.ChoiceField(
        label=_("Online level"), required=False,
        choices=[("", _("Any")), *ProcedureVersion.OnlineLevel.choices],
    )

    def __init__(self, *args: Any, fields: list[Field], agencies: list[Agency],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Suggestions as one types (portal/suggest.js reads this URL).
        self.fields["q"].widget.attrs.update({
            "data-suggest": reverse("portal:suggest"),
            "data-suggest-label": str(_("Suggested procedures"))})
        cast(forms.ChoiceField, self.fields["field"]).choices = [
            ("", _("All fields")), *((f.code, f.name) for f in fields)]
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", _("All agencies")), *((a.pk, a.name) for a in agencies)]

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"query": "", "field_code": "", "agency_id": None, "online_level": ""}
        d = self.cleaned_data
        return {"query": d["q"] or "", "field_code": d["field"] or "",
                "agency_id": d["agency"], "online_level": d["level"] or ""}


class ApplicantForm(forms.Form):
    """Step 1 of the online filing: who files, and at which centre."""

    name = forms.CharField(label=_("Full name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(
        label=_("Personal identification number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel",
                                                          "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Address"), max_length=300,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    centre = forms.TypedChoiceField(
        label=_("Receiving centre"), coerce=int, choices=(),
        help_text=_("Any public administration service centre of the city accepts your "
                    "dossier, whatever your commune (Decree 118/2025/NĐ-CP)."))

    def __init__(self, *args: Any, centres: list[Agency],
                 competent: Sequence[Agency] = (), businesses: Sequence[Any] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if businesses:
            # A business files through the person signed in (its representative, or the
            # holder of its authorisation): the fields below are then that person's.
            self.fields["business"] = forms.TypedChoiceField(
                label=_("Filing for"), coerce=int, required=False, empty_value=None,
                choices=[("", _("Myself (a person)")),
                         *((b.pk, f"{b.name} – {b.tax_code}") for b in businesses)],
                help_text=_("When you file for a business, the name and ID below are those "
                            "of the person filing; the dossier carries the business's head "
                            "office."))
            self.order_fields(["business"])
        cast(forms.ChoiceField, self.fields["centre"]).choices = [
            (a.pk, a.name) for a in centres]
        if len(competent) > 1:
            # Several agencies are competent (a commune-level procedure): the applicant says
            # which; the platform never guesses (dossiers/routing.py).
            self.fields["competent"] = forms.TypedChoiceField(
                label=_("Competent agency"), coerce=int,
                choices=[("", _("Choose…")), *((a.pk, a.name) for a in competent)],
                help_text=_("For a commune-level procedure, the People's Committee of the "
                            "commune the matter belongs to (for a birth: where it is "
                            "registered). Any centre receives it."))

    def clean_id_number(self) -> str:
        try:
            return validate_cccd(self.cleaned_data["id_number"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw the dossier?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class SupplementNoteForm(forms.Form):
    note = forms.CharField(label=_("Message to the officer (optional)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


def _in_language(vi: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if en and (get_language() or "vi").startswith("en") else vi


class DeclarationForm(forms.Form):
    """The procedure's electronic form (tờ khai điện tử), built from the version's fields.

    Only the shape is built here; every value is checked by
    onestop.dossiers.declaration.declaration_check, the rule the filing service applies too.
    """

    def __init__(self, *args: Any, fields: Sequence[Any], today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from onestop.catalog.models import DeclarationField

        Kind = DeclarationField.Kind
        self.declaration_fields = list(fields)
        self.today = today
        for f in self.declaration_fields:
            attrs: dict[str, str] = {"autocomplete": "off"}
            widget: forms.Widget
            if f.kind == Kind.TEXTAREA:
                widget = forms.Textarea(attrs={"rows": 3})
            elif f.kind in (Kind.DATE, Kind.PAST_DATE):
                widget = forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d")
            elif f.kind in (Kind.ID_NUMBER, Kind.NUMBER):
                widget = forms.TextInput(attrs={**attrs, "inputmode": "numeric"})
            elif f.kind == Kind.CHOICE:
                widget = forms.Select(choices=[("", "—"), *((c, c) for c in f.choice_list())])
            else:
                widget = forms.TextInput(attrs=attrs)
            field = forms.CharField(label=_in_language(f.label, f.label_en), required=f.required,
                                    widget=widget, max_length=2000,
                                    help_text=_in_language(f.help_text, f.help_text_en))
            field.section = _in_language(f.section, f.section_en)  # type: ignore[attr-defined]
            self.fields[f.key] = field

    def sections(self) -> list[tuple[str, list[Any]]]:
        """[(heading, [bound fields])] in order, for the template's fieldsets."""
        out: list[tuple[str, list[Any]]] = []
        for name in self.fields:
            bound = self[name]
            heading = cast(Any, self.fields[name]).section
            if out and out[-1][0] == heading:
                out[-1][1].append(bound)
            else:
                out.append((heading, [bound]))
        return out

    def clean(self) -> dict[str, Any]:
        from onestop.dossiers.declaration import declaration_check

        data = {f.key: self.data.get(self.add_prefix(f.key), "") for f in self.declaration_fields}
        checked = declaration_check(self.declaration_fields, data, today=self.today)
        for key, message in checked.errors.items():
            if key not in self.errors:
                self.add_error(key, message)
        self.declaration = checked.values
        return self.cleaned_data


class BusinessForm(forms.Form):
    """A business the signed-in person files for (accounts.businesses)."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=300,
                           help_text=_("As on its registration certificate."),
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    tax_code = forms.CharField(
        label=_("Enterprise (tax) code"), max_length=20,
        help_text=_("10 digits; a branch adds “-” and 3 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    head_office = forms.CharField(label=_("Head office address"), max_length=300)
    representative = forms.CharField(label=_("Legal representative"), max_length=200,
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))
    holder = forms.ChoiceField(label=_("You are"), choices=(), widget=forms.RadioSelect)
    authorisation = forms.CharField(
        label=_("Authorisation document"), max_length=300, required=False,
        help_text=_("Only if you are not the legal representative: the number and date of the "
                    "authorisation, e.g. “Giấy ủy quyền số 12/2026/UQ ngày 05/01/2026”. Bring "
                    "it to the centre when you collect a result."))
    phone = forms.CharField(label=_("Phone of the business"), max_length=20, required=False,
                            help_text=_("Empty: your own."),
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail of the business"), required=False,
                             help_text=_("Empty: your own."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["holder"]).choices = Business.Holder.choices
        self.fields["holder"].initial = Business.Holder.REPRESENTATIVE

    def clean_tax_code(self) -> str:
        try:
            return normalise_tax_code(self.cleaned_data["tax_code"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "")
        try:
            return normalise_phone(value) if value.strip() else ""
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("holder") == Business.Holder.AUTHORISED
                and not (data.get("authorisation") or "").strip()):
            self.add_error("authorisation", _("Name the authorisation document (number and "
                                              "date) the legal representative gave you."))
        return data
