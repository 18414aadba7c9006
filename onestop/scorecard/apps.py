from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "onestop.scorecard"
    label = "scorecard"
    verbose_name = _("Scorecard: service index, DTI, targets")

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job

        from .tasks import scorecard_refresh_task, scorecard_targets_task

        # Roll-ups follow the audit log; targets falling behind are flagged hourly.
        register_periodic_job("scorecard_refresh", every="ONESTOP_SCORECARD_INTERVAL",
                              task=scorecard_refresh_task)
        register_periodic_job("scorecard_targets", every=3600, task=scorecard_targets_task)
