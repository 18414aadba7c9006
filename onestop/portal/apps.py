from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onestop.portal"
    label = "portal"

    def ready(self) -> None:
        from . import page_cache

        page_cache.connect()  # cached catalog pages follow catalog changes
