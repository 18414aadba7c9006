from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "onestop.postal"
    label = "postal"
    verbose_name = _("Postal delivery of results")

    def ready(self) -> None:
        from onestop.dossiers.selectors.timeline import EXTRA_LABELS

        from . import providers  # noqa: F401  (the built-in providers register themselves)
        from .labels import TIMELINE_LABELS

        # The postal events appear on the dossier timeline under their own labels.
        EXTRA_LABELS.update(TIMELINE_LABELS)
