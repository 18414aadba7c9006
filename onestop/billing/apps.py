from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "onestop.billing"
    label = "billing"
    verbose_name = _("Bills hub")

    def ready(self) -> None:
        # The biller's callback row is written inside the payments core's settle transaction.
        from onestop.payments.services import register_settle_hook

        from .services import on_payment_settled

        register_settle_hook(on_payment_settled)
