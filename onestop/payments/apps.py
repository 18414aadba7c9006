from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "onestop.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # The built-in providers register themselves in the registry on import.
        from . import providers  # noqa: F401
