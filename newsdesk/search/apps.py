from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Site search"

    def ready(self) -> None:
        from .services import search_index_after_migrate

        post_migrate.connect(search_index_after_migrate, sender=self)
