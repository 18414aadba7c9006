from django.contrib import admin

from .models import SignedDocument, Signer


@admin.register(Signer)
class SignerAdmin(admin.ModelAdmin):
    """Signers are registered through `onestop signatures register` (the key is checked
    there); the admin shows them and can retire one."""

    list_display = ("label", "kind", "agency", "user", "name", "not_after", "is_active")
    list_filter = ("kind", "is_active", "agency")
    search_fields = ("label", "name", "subject")
    readonly_fields = ("label", "kind", "agency", "user", "key_ref", "secret_ref", "certificate",
                       "chain", "subject", "issuer", "serial", "not_before", "not_after",
                       "created_at")
    fields = ("is_active", "name", "position", *readonly_fields)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(SignedDocument)
class SignedDocumentAdmin(admin.ModelAdmin):
    list_display = ("reference", "kind", "signer_name", "signed_at", "sha256")
    list_filter = ("kind",)
    search_fields = ("reference", "sha256", "signer_name")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
