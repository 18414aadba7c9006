from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"

    def ready(self) -> None:
        from . import calendars  # noqa: F401  (connects the override-cache signal)
