from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "onestop.agencies"
    label = "agencies"
