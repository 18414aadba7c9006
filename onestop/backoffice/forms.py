"""Input parsing for the staff pages. Forms check shape only; the services own the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.agencies.models import AdministrativeUnit, Agency
from onestop.catalog.models import ProcedureVersion, RequiredDocument
from onestop.dossiers.models import ApplicantKind, Channel, ResultDelivery, Status
from onestop.dossiers.routing import competent_routing
from onestop.dossiers.selectors import QUEUE_TAB_LABELS, QueueFilters, QueueTab
from onestop.dossiers.services import Applicant, Filing, SubmittedDocument

# ---- queue --------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    tab = forms.TypedChoiceField(
        label=_("Tab"), choices=[(t.value, label) for t, label in QUEUE_TAB_LABELS.items()],
        required=False, empty_value=QueueTab.MINE.value,
    )
    status = forms.TypedChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], coerce=int,
        required=False, empty_value=None,
    )
    procedure = forms.TypedChoiceField(
        label=_("Procedure"), choices=(), coerce=int, required=False, empty_value=None
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], coerce=int,
        required=False, empty_value=None,
    )
    q = forms.CharField(label=_("Code or applicant"), required=False, max_length=100)

    def __init__(self, *args: Any, procedures: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["procedure"])
        field.choices = [("", _("Any procedure")), *procedures]

    def tab_value(self) -> QueueTab:
        if self.is_valid():
            return QueueTab(self.cleaned_data["tab"] or QueueTab.MINE)
        return QueueTab.MINE

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(status=data["status"], procedure_id=data["procedure"],
                            channel=data["channel"], text=data["q"] or "")


# ---- counter intake -----------------------------------------------------------------------


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.procedure.code} – {obj.name}"


class IntakeStartForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Receiving centre"), queryset=Agency.objects.none(),
                                    empty_label=None)
    version = VersionChoiceField(label=_("Procedure"), queryset=ProcedureVersion.objects.none(),
                                 empty_label=_("Choose a procedure…"))

    def __init__(self, *args: Any, centres: list[Agency],
                 versions: QuerySet[ProcedureVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        centre = cast(forms.ModelChoiceField, self.fields["centre"])
        centre.queryset = Agency.objects.filter(pk__in=[c.pk for c in centres])
        if len(centres) == 1:
            self.initial.setdefault("centre", centres[0].pk)
            self.initial["centre"] = self.initial["centre"] or centres[0].pk
        cast(forms.ModelChoiceField, self.fields["version"]).queryset = versions


INTAKE_CHANNELS = [(Channel.COUNTER.value, Channel.COUNTER.label),
                   (Channel.POST.value, Channel.POST.label)]


class IntakeForm(forms.Form):
    """The applicant, the competent agency and the checklist of required documents.

    One row per required document: a 'received' tick, originals and copies (prefilled from
    the catalog) and an optional scan. Unticked rows are not submitted; the intake service
    decides whether the dossier is complete.
    """

    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Personal identification number"), max_length=12, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    applicant_unit = forms.ChoiceField(
        label=_("Commune or ward of the address"), required=False,
        help_text=_("Decides the competent commune of a commune-level procedure when the "
                    "applicant does not choose one."))
    applicant_kind = forms.ChoiceField(label=_("The applicant is"), required=False,
                                       choices=ApplicantKind.choices,
                                       initial=ApplicantKind.INDIVIDUAL,
                                       widget=forms.RadioSelect)
    applicant_tax_code = forms.CharField(
        label=_("Enterprise (tax) code"), max_length=16, required=False,
        help_text=_("10 digits; a branch adds “-” and 3 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    applicant_representative = forms.CharField(label=_("Legal representative"),
                                               max_length=200, required=False)
    filer_name = forms.CharField(label=_("Person filing for the organisation"),
                                 max_length=200, required=False)
    authorisation = forms.CharField(
        label=_("Authorisation document"), max_length=300, required=False,
        help_text=_("Number and date, when the person filing is not the legal "
                    "representative."))
    handling_agency = forms.ModelChoiceField(label=_("Competent agency"),
                                             queryset=Agency.objects.none(), required=False)
    result_delivery = forms.ChoiceField(label=_("The applicant receives the result"),
                                        required=False, choices=ResultDelivery.choices,
                                        initial=ResultDelivery.COUNTER,
                                        widget=forms.RadioSelect)
    channel = forms.TypedChoiceField(label=_("Channel"), choices=INTAKE_CHANNELS, coerce=int,
                                     initial=Channel.COUNTER.value)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    refuse_reason = forms.CharField(
        label=_("Reason for refusing to receive"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to refuse the dossier: form 03 is printed with this reason."))

    def __init__(self, *args: Any, version: ProcedureVersion, centre: Agency,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.centre = centre
        # Routing (onestop.dossiers.routing): preselect the counter's own commune or the only
        # competent agency; otherwise the officer must choose (never the first in the list).
        routing = competent_routing(version=version, receiving_agency=centre,
                                    applicant_unit_code=str(self.data.get("applicant_unit")
                                                            or ""))
        choice = cast(forms.ModelChoiceField, self.fields["handling_agency"])
        choice.queryset = version.competent_agencies.filter(is_active=True).order_by("name")
        choice.empty_label = str(_("— Choose the competent agency —"))
        if routing.default is not None:
            choice.initial = routing.default.pk
        self.routing = routing
        cast(forms.ChoiceField, self.fields["applicant_unit"]).choices = [("", "—")] + [
            (u.code, u.name) for u in AdministrativeUnit.objects.filter(
                province_code=settings.ONESTOP_PROVINCE_CODE).order_by("name")]
        self.required_documents: list[RequiredDocument] = list(version.documents.all())
        for doc in self.required_documents:
            self.fields[f"doc_{doc.pk}_present"] = forms.BooleanField(
                label=pgettext_lazy("document handed in", "Received"), required=False)
            self.fields[f"doc_{doc.pk}_originals"] = forms.IntegerField(
                label=_("Originals"), min_value=0, max_value=99, initial=doc.originals)
            self.fields[f"doc_{doc.pk}_copies"] = forms.IntegerField(
                label=_("Copies"), min_value=0, max_value=99, initial=doc.copies)
            self.fields[f"doc_{doc.pk}_file"] = forms.FileField(
                label=_("Scan (optional)"), required=False)

    def document_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "doc": doc,
                "present": self[f"doc_{doc.pk}_present"],
                "originals": self[f"doc_{doc.pk}_originals"],
                "copies": self[f"doc_{doc.pk}_copies"],
                "file": self[f"doc_{doc.pk}_file"],
            }
            for doc in self.required_documents
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for doc in self.required_documents:
            if not data.get(f"doc_{doc.pk}_present"):
                continue
            if not (data.get(f"doc_{doc.pk}_originals") or data.get(f"doc_{doc.pk}_copies")
                    or data.get(f"doc_{doc.pk}_file")):
                self.add_error(f"doc_{doc.pk}_originals",
                               _("Give the number of originals or copies, or attach a scan."))
        return data

    def filing(self) -> Filing:
        data = self.cleaned_data
        documents = [
            SubmittedDocument(
                required_document_id=doc.pk, name=doc.name,
                originals=data.get(f"doc_{doc.pk}_originals") or 0,
                copies=data.get(f"doc_{doc.pk}_copies") or 0,
                file=data.get(f"doc_{doc.pk}_file"),
            )
            for doc in self.required_documents
            if data.get(f"doc_{doc.pk}_present")
        ]
        organisation = data.get("applicant_kind") == ApplicantKind.ORGANISATION
        return Filing(
            procedure_version=self.version, receiving_agency=self.centre,
            handling_agency=data.get("handling_agency"),
            applicant=Applicant(
                name=data["applicant_name"].strip(),
                id_number=data["applicant_id_number"].strip(),
                phone=data["applicant_phone"].strip(),
                email=data["applicant_email"].strip(),
                address=data["applicant_address"].strip(),
                unit_code=data.get("applicant_unit") or "",
                kind=data.get("applicant_kind") or ApplicantKind.INDIVIDUAL,
                tax_code=data.get("applicant_tax_code", "").strip() if organisation else "",
                representative=(data.get("applicant_representative", "").strip()
                                if organisation else ""),
                filer_name=data.get("filer_name", "").strip() if organisation else "",
                authorisation=data.get("authorisation", "").strip() if organisation else "",
            ),
            documents=documents, note=data["note"].strip(),
            result_delivery=data.get("result_delivery") or ResultDelivery.COUNTER,
        )


# ---- actions on a dossier -----------------------------------------------------------------


class ActionForm(forms.Form):
    """Every action carries the dossier version the page showed (a stale page → Conflict)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _reason(label: Any = None, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label or _("Reason"), required=required, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReceiveForm(ActionForm):
    pass


class RefuseForm(ActionForm):
    reason = _reason(_("Reason for refusing"))


class HandOverForm(ActionForm):
    note = _reason(_("Note"), required=False)
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Assign the next step to"), required=False, queryset=None,
        empty_label=_("Anyone with the role"),
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = people


class AssignForm(ActionForm):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Assign the current step to"), queryset=None,
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = people


class ApproveForm(ActionForm):
    note = _reason(_("Note"), required=False)


class DraftResultForm(ActionForm):
    result_file = forms.FileField(
        label=_("Draft result (PDF)"),
        help_text=_("The certificate, licence or decision as it will be issued: the leader "
                    "reviews it and signs this file on approval. A new draft replaces the "
                    "earlier one."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))
    note = _reason(_("Note for the leader"), required=False)


class RequestSupplementForm(ActionForm):
    reason = _reason(_("Why the documents are needed"))
    documents: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Documents of the procedure to supplement"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)
    items = _reason(_("Other documents, or what to correct"), required=False)

    def __init__(self, *args: Any, documents: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["documents"]).queryset = documents

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("documents") and not (data.get("items") or "").strip():
            raise forms.ValidationError(_("Tick the documents to supplement or describe "
                                          "them."))
        return data


class SupplementReceivedForm(ActionForm):
    note = _reason(_("Note"), required=False)
    name = forms.CharField(label=_("Name of the document received"), required=False,
                           max_length=500)
    file = forms.FileField(label=_("Scan (optional)"), required=False)

    def documents(self) -> list[SubmittedDocument]:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return []
        return [SubmittedDocument(required_document_id=None,
                                  name=self.cleaned_data["name"].strip() or upload.name,
                                  file=upload)]


class RequestPaymentForm(ActionForm):
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric",
                                                                "step": "1"}))
    reason = _reason(_("What the payment is for"), required=False)


class PaymentReceivedForm(ActionForm):
    reference = forms.CharField(label=_("Receipt or transaction reference"), required=False,
                                max_length=100)


class StopForm(ActionForm):
    reason = _reason(_("Reason for stopping"))


class WithdrawForm(ActionForm):
    reason = _reason(_("Reason given by the applicant"))


class ReturnResultForm(ActionForm):
    note = _reason(_("Note"), required=False)
    result_file = forms.FileField(label=_("Electronic result (optional)"), required=False)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApologySignForm(ActionForm):
    reason = _reason(_("Reason for the delay"))
    new_appointment = forms.DateTimeField(
        label=_("New appointment"), widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ApologyDismissForm(ActionForm):
    reason = _reason(_("Why no extension is needed"), required=False)
