from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onestop.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import sessions

        sessions.connect()
