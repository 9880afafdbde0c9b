from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "newsdesk.engagement"
    label = "engagement"
    verbose_name = "Reader engagement"
