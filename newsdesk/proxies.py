"""Whom the server trusts for a client's address: one rule for every part that needs it.

By default nobody: the client is the connection's peer, and ``X-Forwarded-For``
is ignored, whoever sends it. Behind reverse proxies (nginx, a load balancer, a
CDN), ``NEWSDESK_PROXY_HOPS`` says how many of them stand in front, each adding
the address it saw to ``X-Forwarded-For``, and ``NEWSDESK_TRUSTED_PROXIES``
(optional) which addresses those proxies may have. Walking back from the peer,
each trusted proxy's word is taken for the address before it, at most
``PROXY_HOPS`` times; the first address that is not a trusted proxy is the
client. What a client writes into the header itself is always further left,
so it is never reached.

Engagement's rate limits and read counting, the sign-in lockout (django-axes'
``AXES_CLIENT_IP_CALLABLE``, through :func:`client_ip_or_none`), the search
rate limit and the request log all call :func:`client_ip`. The server never lets uvicorn rewrite the peer
(``proxy_headers`` off), so ``REMOTE_ADDR`` is always the socket's own peer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from newsdesk import conf

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HasMeta(Protocol):
    """A Django (WSGI) request, or anything else with its ``META``."""

    META: Mapping[str, Any]


def address_parse(text: str) -> Address | None:
    """An IP address as proxies write it (``203.0.113.7``, ``[2001:db8::1]:443``, ``1.2.3.4:80``)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port, as some load balancers send it
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(
    *, peer: str, forwarded_for: str, hops: int, trusted: Sequence[Network] = ()
) -> str:
    """The client's address, given the connection's ``peer`` and its ``X-Forwarded-For``.

    ``hops`` proxies at most are believed, and only those whose address is in
    ``trusted`` when that is not empty. A proxy that passed on something that
    is not an address stops the walk at that proxy.
    """
    chain = [part for part in forwarded_for.split(",") if part.strip()]
    current = address_parse(peer)
    if current is None:
        return peer or "unknown"
    for _ in range(hops):
        if trusted and not any(current in network for network in trusted):
            break
        if not chain:
            break
        before = address_parse(chain.pop())
        if before is None:
            break
        current = before
    return str(current)


def client_ip(request: HasMeta) -> str:
    """The client's address for a request, by the rule above and the settings."""
    meta = request.META
    return client_address(
        peer=str(meta.get("REMOTE_ADDR") or ""),
        forwarded_for=str(meta.get("HTTP_X_FORWARDED_FOR") or ""),
        hops=conf.get_int("PROXY_HOPS"),
        trusted=conf.value("TRUSTED_PROXIES"),
    )


def client_ip_or_none(request: HasMeta) -> str | None:
    """:func:`client_ip`, or None when the peer has no IP address (a Unix socket, a test
    client): for django-axes, which stores the address in an IP address column."""
    address = client_ip(request)
    return address if address_parse(address) is not None else None


def proxies_problem() -> str | None:
    """A sentence when the proxy settings contradict each other, else None."""
    if conf.value("TRUSTED_PROXIES") and conf.get_int("PROXY_HOPS") == 0:
        return (
            "NEWSDESK_TRUSTED_PROXIES is set but NEWSDESK_PROXY_HOPS is 0, so no proxy is "
            "trusted: set NEWSDESK_PROXY_HOPS to the number of proxies in front of the site, "
            "or unset NEWSDESK_TRUSTED_PROXIES."
        )
    return None
