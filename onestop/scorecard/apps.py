from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "onestop.scorecard"
    label = "scorecard"
    verbose_name = _("Scorecard: service index, DTI, targets")
