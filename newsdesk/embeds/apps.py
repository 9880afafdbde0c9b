from django.apps import AppConfig
from django.core import checks


class EmbedsConfig(AppConfig):
    name = "newsdesk.embeds"
    label = "embeds"
    verbose_name = "Embeds"

    def ready(self) -> None:
        checks.register(embeds_settings_check, "newsdesk")


def embeds_settings_check(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The embed settings must parse (checked at start-up)."""
    from newsdesk import conf

    from .oembed import endpoints_parse
    from .providers import mastodon_hosts_parse

    errors = []
    try:
        mastodon_hosts_parse(conf.get("EMBED_MASTODON_HOSTS"))
    except ValueError as error:
        errors.append(
            checks.Error(
                f"NEWSDESK_EMBED_MASTODON_HOSTS is not valid: {error}.",
                hint='Example: NEWSDESK_EMBED_MASTODON_HOSTS="mastodon.social,journa.host".',
                id="newsdesk.E201",
            )
        )
    try:
        endpoints_parse(conf.get("OEMBED_ENDPOINTS"))
    except ValueError as error:
        errors.append(
            checks.Error(
                f"NEWSDESK_OEMBED_ENDPOINTS is not valid: {error}.",
                hint='Example: NEWSDESK_OEMBED_ENDPOINTS="youtube=https://oembed.internal/youtube".',
                id="newsdesk.E202",
            )
        )
    for name, minimum in [
        ("EMBED_BUDGET_SECONDS", 0.1),
        ("OEMBED_TIMEOUT_SECONDS", 0.1),
        ("OEMBED_MAX_BYTES", 1024),
        ("EMBED_THUMBNAIL_MAX_BYTES", 1024),
    ]:
        value = conf.get(name)
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        whole = not name.endswith("_BYTES") or value.strip().isdigit()
        if not (number >= minimum and whole):
            errors.append(
                checks.Error(
                    f"NEWSDESK_{name} is {value!r}; it must be a number of at least {minimum:g}"
                    + (" (whole bytes)." if name.endswith("_BYTES") else "."),
                    id="newsdesk.E203",
                )
            )
    return errors
