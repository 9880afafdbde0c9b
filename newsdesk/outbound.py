"""Outbound HTTP to addresses a stranger chose (oEmbed endpoints, thumbnails, wire feeds, push).

The one place that opens connections to the internet on a user's say-so, so that
the rules against server-side request forgery live once
(https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html):

- http and https only, no user name or password in the URL;
- the host name is resolved once, **every** address it resolves to must be public
  (no loopback, private, link-local, shared, multicast or reserved range, also
  when wrapped in IPv6: IPv4-mapped, 6to4, Teredo, NAT64), and the connection
  goes to the address that was checked, so a second DNS answer cannot swap in
  another one; TLS still verifies the certificate for the host name (SNI), and
  the ``Host`` header names it;
- connect, read and total time are bounded, and so is the body;
- redirects are not followed unless asked for, and then each hop is checked
  again like the first request.

An origin the operator configured (``trusted_origins``) may be private: a local
stand-in server in tests, an internal wire service.

Built on httpcore (the transport under httpx) and its documented network-backend
hook (https://www.encode.io/httpcore/network-backends/). No Django import.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = "Newsdesk (+https://github.com/newsdesk)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# IPv6 prefixes that carry an IPv4 address inside them (RFC 6052 NAT64, RFC 3056 6to4,
# RFC 4380 Teredo): the wrapped address is checked as well.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
# Ranges Python's ``is_global`` has called global in some 3.11 releases.
_NOT_PUBLIC = (
    ipaddress.IPv4Network("0.0.0.0/8"),
    ipaddress.IPv4Network("100.64.0.0/10"),
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv4Network("192.88.99.0/24"),
    ipaddress.IPv4Network("198.18.0.0/15"),
    ipaddress.IPv6Network("100::/64"),
    ipaddress.IPv6Network("2001:db8::/32"),
    ipaddress.IPv6Network("fc00::/7"),
    ipaddress.IPv6Network("fec0::/10"),
)


class OutboundError(Exception):
    """The request was not made or did not complete; ``str()`` is a sentence for people."""


class AddressRefused(OutboundError):
    """The URL points at an address this server may not reach for a stranger."""


class TooLarge(OutboundError):
    """The answer is bigger than the caller allows."""


class TimedOut(OutboundError):
    """The other side did not answer in time."""


@dataclass(frozen=True)
class Response:
    """A complete answer: status, headers (lower-case names) and the whole body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type alone, lower case: ``application/json``."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Limits:
    """How long and how much one fetch may take."""

    total_seconds: float = 5.0
    connect_seconds: float = 3.0
    read_seconds: float = 3.0
    max_bytes: int = 1_000_000
    redirects: int = 0
    trusted_origins: frozenset[str] = field(default_factory=frozenset)


def address_is_public(address: IPAddress) -> bool:
    """True when ``address`` is a public unicast address on the internet."""
    if isinstance(address, ipaddress.IPv6Address):
        wrapped = _wrapped_ipv4(address)
        if wrapped is not None:
            return address_is_public(wrapped)
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    ):
        return False
    return not any(address in network for network in _NOT_PUBLIC)


def _wrapped_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or address in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _TEREDO and address.teredo is not None:
        return address.teredo[1]
    return None


def host_resolve(host: str, port: int, *, timeout: float) -> list[IPAddress]:
    """Every address ``host`` resolves to (literal addresses in any spelling included).

    ``getaddrinfo`` runs in a thread of its own so that a slow resolver costs at
    most ``timeout``; it reads ``2130706433`` and ``0177.0.0.1`` as 127.0.0.1,
    as a browser or curl would, so the check sees what the connection would use.
    """
    result: list[Any] = []
    failure: list[BaseException] = []

    def resolve() -> None:
        try:
            result.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            failure.append(error)

    worker = threading.Thread(target=resolve, name="outbound-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimedOut(f"Looking up {host} took longer than {timeout:g} seconds.")
    if failure or not result:
        raise OutboundError(f"{host} could not be found.") from (failure[0] if failure else None)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in result:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def host_check(host: str, port: int, *, timeout: float) -> list[IPAddress]:
    """The addresses of ``host``, or AddressRefused if any one of them is not public."""
    addresses = host_resolve(host, port, timeout=timeout)
    refused = [a for a in addresses if not address_is_public(a)]
    if refused:
        raise AddressRefused(
            f"{host} points at a private or reserved address ({refused[0]}), "
            "which this server does not fetch from."
        )
    return addresses


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower case, default ports left out."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _timeout(self, timeout: float | None, error: type[Exception]) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise error("The total time allowed for the request ran out.")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname, self._timeout(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, connecting only to checked addresses, by a deadline."""

    def __init__(self, *, trusted: bool, deadline: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._trusted = trusted
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        remaining = self._deadline - time.monotonic()
        budget = remaining if timeout is None else min(timeout, remaining)
        if budget <= 0:
            raise httpcore.ConnectTimeout("The total time allowed for the request ran out.")
        if self._trusted:
            addresses = host_resolve(host, port, timeout=budget)
        else:
            addresses = host_check(host, port, timeout=budget)
        last: Exception | None = None
        for address in addresses:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("The total time allowed for the request ran out.")
            try:
                stream = self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=remaining if timeout is None else min(timeout, remaining),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
                continue
            return _DeadlineStream(stream, self._deadline)
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused("Unix sockets are not reachable from outbound requests.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def url_check(url: str) -> str:
    """Refuse what is not a plain http(s) URL with a host; return the URL."""
    if not isinstance(url, str) or not url or len(url) > 4096:
        raise AddressRefused("The address is empty or too long.")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise AddressRefused("The address contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused("The address is not a valid URL.") from error
    if parts.scheme.lower() not in {"http", "https"}:
        raise AddressRefused("Only http and https addresses are fetched.")
    if not parts.hostname:
        raise AddressRefused("The address has no host name.")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("Addresses with a user name or password are not fetched.")
    if port == 0:
        raise AddressRefused("The address has no usable port.")
    return url


def fetch(
    url: str,
    *,
    limits: Limits,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """GET ``url`` under ``limits``; raise OutboundError (with a sentence) on any failure.

    Any status is returned as it is, except redirects: followed (each hop checked
    again) while ``limits.redirects`` allows, else an error.
    """
    deadline = time.monotonic() + limits.total_seconds
    for _hop in range(limits.redirects + 1):
        response = _fetch_once(url, limits=limits, headers=headers or {}, deadline=deadline)
        if response.status not in REDIRECT_STATUSES:
            return response
        location = response.headers.get("location", "")
        if not location:
            raise OutboundError(f"{origin_of(url)} answered a redirect without a Location.")
        url = urljoin(url, location)
    raise OutboundError(f"{origin_of(url)} redirected more often than allowed.")


def _fetch_once(
    url: str, *, limits: Limits, headers: Mapping[str, str], deadline: float
) -> Response:
    url_check(url)
    origin = origin_of(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimedOut(f"{origin} did not answer within {limits.total_seconds:g} seconds.")
    backend = _GuardedBackend(trusted=origin in limits.trusted_origins, deadline=deadline)
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        # No compressed bodies: the size limit is on what is read, never on a bomb's unpacking.
        "Accept-Encoding": "identity",
        **headers,
    }
    timeouts = {
        "connect": min(limits.connect_seconds, remaining),
        "read": min(limits.read_seconds, remaining),
        "write": min(limits.read_seconds, remaining),
        "pool": min(limits.connect_seconds, remaining),
    }
    try:
        with (
            httpcore.ConnectionPool(network_backend=backend, retries=0, max_connections=1) as pool,
            pool.stream(
                "GET", url, headers=list(request_headers.items()), extensions={"timeout": timeouts}
            ) as answer,
        ):
            response_headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in answer.headers
            }
            declared = response_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise TooLarge(f"{origin} sent more than {limits.max_bytes:,} bytes.")
            body = bytearray()
            if answer.status not in REDIRECT_STATUSES:
                for chunk in answer.iter_stream():
                    body += chunk
                    if len(body) > limits.max_bytes:
                        raise TooLarge(f"{origin} sent more than {limits.max_bytes:,} bytes.")
            return Response(
                url=url, status=answer.status, headers=response_headers, body=bytes(body)
            )
    except httpcore.TimeoutException as error:
        raise TimedOut(
            f"{origin} did not answer within {limits.total_seconds:g} seconds."
        ) from error
    except httpcore.NetworkError as error:
        raise OutboundError(f"{origin} could not be reached.") from error
    except httpcore.LocalProtocolError as error:
        raise OutboundError("The address could not be requested.") from error
    except (httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise OutboundError(f"{origin} answered with something that is not HTTP.") from error
    except (ValueError, UnicodeError) as error:
        raise OutboundError("The address could not be requested.") from error
