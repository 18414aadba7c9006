from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "onestop.dossiers"
    label = "dossiers"
