from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "onestop.backoffice"
    label = "backoffice"
