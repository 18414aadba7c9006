from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "onestop.catalog"
    label = "catalog"

    def ready(self) -> None:
        from . import search

        search.connect()
