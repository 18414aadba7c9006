from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "onestop.exchange"
    label = "exchange"
    verbose_name = _("Document exchange")

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job

        from .tasks import deliver_task

        # Deliveries due for a (re)try after their back-off (docs/exchange.md).
        register_periodic_job("exchange_deliver", every="ONESTOP_EXCHANGE_INTERVAL",
                              task=deliver_task)
