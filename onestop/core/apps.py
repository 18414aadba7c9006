from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"

    def ready(self) -> None:
        from . import (
            calendars,  # noqa: F401  (connects the override-cache signal)
            checks,  # noqa: F401  (registers the deploy checks)
        )
        from .scheduler import register_periodic_job
        from .tasks import audit_checkpoint_task

        # The audit chain's head, signed and kept outside the table (core.checkpoints).
        register_periodic_job("audit_checkpoint", every="ONESTOP_AUDIT_CHECKPOINT_INTERVAL",
                              task=audit_checkpoint_task)
