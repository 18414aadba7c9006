"""Agency admins edit the catalog here: versions with their documents, fees and steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.agencies.selectors import agencies_with_role
from onestop.core.errors import DomainError, ValidationFailed
from onestop.core.uploads import FORMS, accept_upload

from .models import (
    ChannelFee,
    DeclarationField,
    Fee,
    Field,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from .services import procedure_version_copy, procedure_version_publish, process_problems


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "name", "state", "valid_from", "valid_to")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    search_fields = ("code", "versions__name")
    inlines = [VersionInline]


class RequiredDocumentForm(forms.ModelForm):
    class Meta:
        model = RequiredDocument
        fields = "__all__"  # noqa: DJ007 - the admin shows every field, as before

    def clean_template(self) -> Any:
        """The blank form goes through the one upload check (core.uploads), like any upload."""
        template = self.cleaned_data.get("template")
        if isinstance(template, UploadedFile):  # a new upload, not the file already stored
            try:
                return accept_upload(template, kinds=FORMS)
            except ValidationFailed as exc:
                raise forms.ValidationError(str(exc)) from exc
        return template


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    form = RequiredDocumentForm
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0
    fields = ("name", "amount", "kind", "charge", "note")


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


class ProcedureChannelInline(admin.TabularInline):
    model = ProcedureChannel
    fields = ("kind", "order", "processing_time", "time_unit", "description")
    extra = 0
    show_change_link = True  # its fees are edited on the channel's own page


class ChannelFeeInline(admin.TabularInline):
    model = ChannelFee
    extra = 0


@admin.register(ProcedureChannel)
class ProcedureChannelAdmin(admin.ModelAdmin):
    list_display = ("version", "kind", "processing_time", "time_unit")
    search_fields = ("version__procedure__code", "version__name")
    inlines = [ChannelFeeInline]


class DeclarationFieldInline(admin.StackedInline):
    """The electronic form (tờ khai điện tử): its fields, in order, edited with the version."""

    model = DeclarationField
    extra = 0
    fields = (("order", "key", "kind", "required"), ("section", "section_en"),
              ("label", "label_en"), ("help_text", "help_text_en"), "choices", "prefill")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "name", "field", "state", "valid_from", "valid_to",
                    "processing_days", "online_level")
    list_filter = ("state", "online_level", "field")
    search_fields = ("procedure__code", "name", "name_en")
    filter_horizontal = ("competent_agencies",)
    readonly_fields = ("state", "valid_from", "valid_to", "problems")
    inlines = [RequiredDocumentInline, FeeInline, ProcedureChannelInline, ProcessStepInline,
               DeclarationFieldInline]
    actions = ["publish_from_today", "new_draft_from"]

    @admin.display(description=_("Process check"))
    def problems(self, obj: ProcedureVersion) -> str:
        if obj.pk is None:
            return "—"
        found = process_problems(version=obj)
        return " ".join(found) if found else str(_("Ready to publish."))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        qs = super().get_queryset(request).select_related("procedure", "field")
        if request.user.is_superuser:
            return qs
        # An agency admin manages the procedures their agency is competent for.
        return qs.filter(
            competent_agencies__in=agencies_with_role(user=request.user, role="admin")
        ).distinct()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Published versions are frozen: dossiers were filed under them. Make a new draft.
        if obj is not None and obj.state != ProcedureVersion.State.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Publish the selected drafts from today"))
    def publish_from_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        for version in queryset:
            try:
                procedure_version_publish(version=version, valid_from=timezone.localdate(),
                                          actor=request.user)
                self.message_user(request, _("Published %(v)s.") % {"v": version})
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc}", messages.ERROR)

    @admin.action(description=_("Start a new draft from the selected versions"))
    def new_draft_from(self, request: HttpRequest, queryset: QuerySet) -> None:
        for version in queryset:
            draft = procedure_version_copy(version=version, actor=request.user)
            self.message_user(request, _("Created draft %(v)s.") % {"v": draft})
