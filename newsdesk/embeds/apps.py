from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    name = "newsdesk.embeds"
    label = "embeds"
    verbose_name = "Embeds"
