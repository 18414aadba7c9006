from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "onestop.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job

        from .tasks import deadline_sweep_task

        # Due-soon and overdue flags, apology drafts (docs/operations.md §5).
        register_periodic_job("deadline_sweep", every="ONESTOP_SWEEP_INTERVAL",
                              task=deadline_sweep_task)
