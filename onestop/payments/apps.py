from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "onestop.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # The built-in providers register themselves in the registry on import.
        from onestop.core.scheduler import register_periodic_job

        from . import checks, providers  # noqa: F401  (checks: the deploy checks)
        from .tasks import forged_purge_task, payments_sweep_task

        # Pending gateway payments queried, old pending ones expired, unsent receipts resent.
        register_periodic_job("payments_sweep", every="ONESTOP_PAYMENT_SWEEP_INTERVAL",
                              task=payments_sweep_task)
        # Forged notifications are kept a bounded time (services.retention), purged hourly.
        register_periodic_job("payments_forged_purge", every=3600, task=forged_purge_task)
