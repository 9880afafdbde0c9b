from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "newsdesk.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from newsdesk.newsroom.models import Story

        from .signals import content_changed

        # A story created, published or edited changes Related; a live entry
        # does not trigger a recomputation by itself (they come by the hundred).
        post_save.connect(content_changed, sender=Story, dispatch_uid="discovery-story")
