"""Whom the server believes about a client's address (newsdesk.proxies)."""

from __future__ import annotations

import ipaddress
from types import SimpleNamespace

import pytest

from newsdesk.proxies import (
    address_parse,
    client_address,
    client_ip,
    client_ip_or_none,
    proxies_problem,
)

LB = ipaddress.ip_network("10.0.0.0/8")
CDN = ipaddress.ip_network("192.0.2.0/24")


def test_nobody_is_believed_by_default():
    assert client_address(peer="127.0.0.1", forwarded_for="203.0.113.9", hops=0) == "127.0.0.1"


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # What the client wrote itself stands to the left of what nginx added.
        ("6.6.6.6, 203.0.113.9", "203.0.113.9"),
        ("", "10.0.0.2"),
        ("not-an-address", "10.0.0.2"),
        ("[2001:db8::7]:4711", "2001:db8::7"),
        ("203.0.113.9:4711", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_one_proxy_is_believed_for_the_address_it_saw(forwarded_for, client):
    assert client_address(peer="10.0.0.2", forwarded_for=forwarded_for, hops=1) == client


def test_a_cdn_and_a_load_balancer_are_two_hops():
    chain = "6.6.6.6, 203.0.113.9, 192.0.2.40"
    assert client_address(peer="10.0.0.2", forwarded_for=chain, hops=2) == "203.0.113.9"
    assert (
        client_address(peer="10.0.0.2", forwarded_for=chain, hops=2, trusted=[LB, CDN])
        == "203.0.113.9"
    )


def test_a_hop_from_an_untrusted_address_is_the_client():
    # Someone reaching the load balancer directly, not through the CDN, and forging the header.
    forged = "203.0.113.9, 6.6.6.6"
    assert client_address(peer="10.0.0.2", forwarded_for=forged, hops=2, trusted=[LB, CDN]) == (
        "6.6.6.6"
    )
    # Someone reaching the server itself, past the load balancer.
    assert client_address(peer="6.6.6.6", forwarded_for="1.1.1.1", hops=1, trusted=[LB]) == (
        "6.6.6.6"
    )


def test_fewer_entries_than_hops_gives_the_first_a_trusted_proxy_wrote():
    assert client_address(peer="10.0.0.2", forwarded_for="203.0.113.9", hops=2) == "203.0.113.9"


@pytest.mark.parametrize("peer", ["", "unix-socket"])
def test_a_peer_that_is_not_an_address_is_kept_as_it_is(peer):
    assert client_address(peer=peer, forwarded_for="203.0.113.9", hops=1) == (peer or "unknown")


def test_address_parse_refuses_what_is_not_an_address():
    assert address_parse("999.1.1.1") is None
    assert address_parse("") is None
    assert str(address_parse(" 2001:DB8::1 ")) == "2001:db8::1"


def test_client_ip_reads_the_settings(monkeypatch):
    request = SimpleNamespace(
        META={"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    )
    monkeypatch.delenv("NEWSDESK_PROXY_HOPS", raising=False)
    assert client_ip(request) == "127.0.0.1"
    monkeypatch.setenv("NEWSDESK_PROXY_HOPS", "1")
    assert client_ip(request) == "203.0.113.9"
    monkeypatch.setenv("NEWSDESK_TRUSTED_PROXIES", "10.0.0.0/8")
    assert client_ip(request) == "127.0.0.1"


def test_a_trusted_list_without_hops_is_a_start_up_error(monkeypatch):
    monkeypatch.setenv("NEWSDESK_TRUSTED_PROXIES", "10.0.0.0/8")
    monkeypatch.setenv("NEWSDESK_PROXY_HOPS", "0")
    assert "NEWSDESK_PROXY_HOPS is 0" in (proxies_problem() or "")


def test_a_peer_without_an_address_is_none_for_the_sign_in_lockout():
    assert client_ip_or_none(SimpleNamespace(META={})) is None
    assert client_ip_or_none(SimpleNamespace(META={"REMOTE_ADDR": "::1"})) == "::1"
