from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "onestop.dossiers"
    label = "dossiers"

    def ready(self) -> None:
        from onestop.core.scheduler import register_periodic_job
        from onestop.payments import hooks

        from .services import fees
        from .tasks import deadline_sweep_task, reminders_task

        # A client of the payments core, like billing: the dossier is locked before its
        # payment (docs/lock-order.md), moves on when its fees are paid, names itself on the
        # receipt, and its competent agency's leaders decide its refunds.
        hooks.register_lock_hook(fees.lock_for_payment)
        hooks.register_settle_hook(fees.on_payment_settled)
        hooks.register_subject_hook(fees.subject_of_payment)
        hooks.register_refund_agencies_hook(fees.refund_agencies_of)

        # Due-soon and overdue flags, apology drafts (docs/operations.md §5).
        register_periodic_job("deadline_sweep", every="ONESTOP_SWEEP_INTERVAL",
                              task=deadline_sweep_task)
        # Reminders of results to collect and fees owed (services/reminders.py).
        register_periodic_job("dossier_reminders", every="ONESTOP_REMINDER_INTERVAL",
                              task=reminders_task)
