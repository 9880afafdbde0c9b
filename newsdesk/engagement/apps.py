from django.apps import AppConfig
from django.core import checks


class EngagementConfig(AppConfig):
    name = "newsdesk.engagement"
    label = "engagement"
    verbose_name = "Reader engagement"

    def ready(self) -> None:
        checks.register(reactions_check, "newsdesk")


def reactions_check(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """``NEWSDESK_REACTIONS`` must parse (checked at start-up)."""
    from newsdesk import conf

    from .reactions import reaction_kinds_parse

    try:
        reaction_kinds_parse(conf.get("REACTIONS"))
    except ValueError as error:
        return [
            checks.Error(
                f"NEWSDESK_REACTIONS is not valid: {error}",
                hint='Example: NEWSDESK_REACTIONS="very-good:Very good,sad:Sad".',
                id="newsdesk.E101",
            )
        ]
    return []
