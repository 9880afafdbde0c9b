"""Outbound HTTP to addresses a stranger chose: only public addresses, bounded in time and size."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from newsdesk import outbound
from newsdesk.embeds.tests.standin import (
    StandIn,
    body_route,
    chunked_route,
    json_route,
    redirect_route,
    slow_route,
    trickle_route,
)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn().start()
    try:
        yield server
    finally:
        server.close()


def trusting(server: StandIn, **limits: Any) -> outbound.Limits:
    """Limits under which the stand-in's origin is trusted, as an operator's setting would be."""
    return outbound.Limits(trusted_origins=frozenset({server.url}), **limits)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.0.9",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:db8::1",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not outbound.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_internet_addresses_are_public(address: str) -> None:
    assert outbound.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",  # decimal 127.0.0.1
        "0177.0.0.1",  # octal
        "0x7f.0.0.1",  # hexadecimal
        "127.1",  # short form
        "017700000001",  # octal, whole
        "::1",
        "::ffff:127.0.0.1",
        "localhost",
    ],
)
def test_every_spelling_of_a_loopback_address_is_refused(host: str) -> None:
    with pytest.raises(outbound.AddressRefused):
        outbound.host_check(host, 80, timeout=2)


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer these names from a table (as a DNS server would); returns the names asked."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            asked.append(host)
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dns(monkeypatch, {"intranet.example.com": ["10.1.2.3"]})

    with pytest.raises(outbound.AddressRefused, match="10.1.2.3"):
        outbound.host_check("intranet.example.com", 443, timeout=2)


def test_one_private_address_among_public_ones_is_enough_to_refuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_dns(monkeypatch, {"mixed.example.com": ["93.184.216.34", "169.254.169.254"]})

    with pytest.raises(outbound.AddressRefused, match="169.254.169.254"):
        outbound.host_check("mixed.example.com", 443, timeout=2)


def test_a_private_address_is_never_connected_to(standin: StandIn) -> None:
    standin.routes["/secret"] = body_route(b"internal", "text/plain")

    with pytest.raises(outbound.AddressRefused):
        outbound.fetch(f"{standin.url}/secret", limits=outbound.Limits())

    assert standin.requests == []


def test_a_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    monkeypatch: pytest.MonkeyPatch, standin: StandIn
) -> None:
    asked = _fake_dns(monkeypatch, {"standin.test": ["127.0.0.1"]})
    standin.routes["/ok"] = json_route({"ok": True})
    origin = f"http://standin.test:{standin.port}"

    answer = outbound.fetch(
        f"{origin}/ok", limits=outbound.Limits(trusted_origins=frozenset({origin}))
    )

    assert answer.status == 200 and answer.body == b'{"ok": true}'
    assert asked == ["standin.test"]
    # The connection went to the address, the request still names the host.
    assert standin.requests[0].headers["Host"] == f"standin.test:{standin.port}"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x",
        "gopher://example.com/",
        "http://user:secret@example.com/",
        "http:///no-host",
        "http://example.com:0/",
        "http://exa mple.com/",
        "http://example.com\\@127.0.0.1/",
        "",
    ],
)
def test_only_plain_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(outbound.AddressRefused):
        outbound.fetch(url, limits=outbound.Limits())


def test_a_redirect_is_not_followed_unless_allowed(standin: StandIn) -> None:
    standin.routes["/moved"] = redirect_route("/here")
    standin.routes["/here"] = json_route({})

    with pytest.raises(outbound.OutboundError, match="redirected"):
        outbound.fetch(f"{standin.url}/moved", limits=trusting(standin))

    assert standin.paths() == ["/moved"]


def test_each_redirect_hop_is_checked_again(standin: StandIn) -> None:
    other = StandIn().start()
    try:
        other.routes["/internal"] = json_route({"secret": 1})
        standin.routes["/moved"] = redirect_route(f"{other.url}/internal")

        with pytest.raises(outbound.AddressRefused):
            outbound.fetch(f"{standin.url}/moved", limits=trusting(standin, redirects=2))

        assert other.requests == []
    finally:
        other.close()


def test_an_allowed_redirect_on_a_trusted_origin_is_followed(standin: StandIn) -> None:
    standin.routes["/moved"] = redirect_route("/here")
    standin.routes["/here"] = json_route({"here": True})

    answer = outbound.fetch(f"{standin.url}/moved", limits=trusting(standin, redirects=1))

    assert answer.body == b'{"here": true}' and standin.paths() == ["/moved", "/here"]


def test_a_body_declared_too_big_is_refused_before_it_is_read(standin: StandIn) -> None:
    standin.routes["/big"] = body_route(b"x" * 2_000_000, "application/json")

    with pytest.raises(outbound.TooLarge):
        outbound.fetch(f"{standin.url}/big", limits=trusting(standin, max_bytes=100_000))


def test_a_body_that_does_not_say_its_size_is_cut_off_at_the_limit(standin: StandIn) -> None:
    standin.routes["/endless"] = chunked_route(50_000_000)

    with pytest.raises(outbound.TooLarge):
        outbound.fetch(f"{standin.url}/endless", limits=trusting(standin, max_bytes=100_000))


def test_a_server_that_does_not_answer_times_out(standin: StandIn) -> None:
    standin.routes["/slow"] = slow_route(60)

    with pytest.raises(outbound.TimedOut):
        outbound.fetch(
            f"{standin.url}/slow",
            limits=trusting(standin, total_seconds=0.5, read_seconds=5),
        )


def test_a_server_sending_a_byte_at_a_time_is_stopped_by_the_total_time(standin: StandIn) -> None:
    standin.routes["/trickle"] = trickle_route()

    # Each byte comes well within the read timeout; only the total limit ends it.
    with pytest.raises(outbound.TimedOut):
        outbound.fetch(
            f"{standin.url}/trickle",
            limits=trusting(standin, total_seconds=0.5, read_seconds=5, max_bytes=10_000_000),
        )


def test_the_answer_carries_status_headers_and_body(standin: StandIn) -> None:
    standin.routes["/gone"] = json_route({"error": "gone"}, status=404)

    answer = outbound.fetch(f"{standin.url}/gone", limits=trusting(standin))

    assert answer.status == 404
    assert answer.content_type == "application/json"
    assert answer.body == b'{"error": "gone"}'
    assert standin.requests[0].headers["Accept-Encoding"] == "identity"


def test_nothing_listening_is_an_error_with_a_sentence(standin: StandIn) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    limits = outbound.Limits(trusted_origins=frozenset({closed}))

    with pytest.raises(outbound.OutboundError, match="could not be reached"):
        outbound.fetch(f"{closed}/x", limits=limits)
