from django.apps import AppConfig
from django.core import checks


class NewsroomConfig(AppConfig):
    name = "newsdesk.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        checks.register(settings_check, "newsdesk")


def settings_check(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """Every ``NEWSDESK_*`` value is one its setting allows (``newsdesk.conf``)."""
    from newsdesk import conf

    return [
        checks.Error(
            sentence,
            hint="Change it in the environment, or unset it for the default "
            "(docs/configuration.md lists every setting).",
            id="newsdesk.E001",
        )
        for sentence in conf.problems()
    ]
