"""Where renditions are public: URL parts for the storage and origins for the CSP. No Django.

Settings call these before Django is set up, so they take plain values.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def custom_domain(media_url: str) -> str | None:
    """``cdn.example/media`` from an absolute MEDIA_URL, for S3 URLs under it; else None."""
    if "://" not in media_url:
        return None
    return media_url.split("://", 1)[1].rstrip("/") or None


def url_protocol(media_url: str) -> str:
    """``https:`` (django-storages' form) for an absolute MEDIA_URL; https: otherwise."""
    return media_url.split("://", 1)[0] + ":" if "://" in media_url else "https:"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def image_origins(*, media_url: str, bucket: str, endpoint_url: str, region: str) -> list[str]:
    """Origins other than the site's own that serve renditions, for ``img-src``.

    An absolute MEDIA_URL (a CDN) is where every rendition's URL points. Without
    one, an S3 bucket's URLs point at its endpoint (path-style) or, on Amazon
    S3, at the bucket's own host (virtual-hosted style, with or without the
    region). Files on this machine are the site's own origin: nothing to add.
    """
    absolute = _origin(media_url)
    if absolute:
        return [absolute]
    if not bucket:
        return []
    if endpoint_url:
        endpoint = _origin(endpoint_url)
        return [endpoint] if endpoint else []
    hosts = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        hosts.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return hosts
