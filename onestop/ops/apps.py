from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Process commands (`demo`, `seed_demo`, `serve`, `worker`): the only app that knows
    every other one. It has no models and no rules; it starts the processes that run them."""

    name = "onestop.ops"
    label = "ops"
    verbose_name = _("Processes")
