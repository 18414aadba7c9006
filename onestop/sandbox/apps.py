from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    """SANDBOX: the pages of the local bank and gateway simulator (development and demos)."""

    name = "onestop.sandbox"
    label = "sandbox"
    verbose_name = _("Payment sandbox")
