from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "onestop.national"
    label = "national"
    verbose_name = _("National public service portal")

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job
        from onestop.dossiers.hooks import register_record_hook

        from . import signin
        from .services import record_change
        from .tasks import sync_run_task

        # An outbox row in every dossier service's transaction (nothing while sync is off).
        register_record_hook(record_change)
        # Rows due after their back-off (docs/national.md); a no-op while sync is off.
        register_periodic_job("national_sync", every="ONESTOP_NATIONAL_INTERVAL",
                              task=sync_run_task)
        # The national account as one more identity provider (off unless configured).
        signin.register()
