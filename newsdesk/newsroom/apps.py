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
    import os

    from newsdesk import conf
    from newsdesk.proxies import proxies_problem

    found: list[checks.CheckMessage] = [
        checks.Error(
            sentence,
            hint="Change it in the environment, or unset it for the default "
            "(docs/configuration.md lists every setting).",
            id="newsdesk.E001",
        )
        for sentence in conf.problems()
    ]
    if found:
        return found
    problem = proxies_problem()
    if problem:
        found.append(checks.Error(problem, id="newsdesk.E002"))
    if os.environ.get("FORWARDED_ALLOW_IPS"):
        found.append(
            checks.Warning(
                "FORWARDED_ALLOW_IPS is ignored: newsdesk serve believes X-Forwarded-For "
                "only as NEWSDESK_PROXY_HOPS and NEWSDESK_TRUSTED_PROXIES say.",
                hint="Set those instead (README, Operations) and unset FORWARDED_ALLOW_IPS.",
                id="newsdesk.W001",
            )
        )
    return found
