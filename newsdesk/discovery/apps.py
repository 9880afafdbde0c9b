from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "newsdesk.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from newsdesk.newsroom.models import Entry, Story

        from .signals import content_changed

        post_save.connect(content_changed, sender=Story, dispatch_uid="discovery-story")
        post_save.connect(content_changed, sender=Entry, dispatch_uid="discovery-entry")
