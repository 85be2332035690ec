"""The visitor's address, the one answer every part of the portal uses: the
proposal rate limit, django-axes (AXES_CLIENT_IP_CALLABLE), consent records
and the gunicorn access log.

Without a proxy (``DJANGO_BEHIND_PROXY=0``) it is the socket's address,
``REMOTE_ADDR``. Behind one, the proxy appends the address it saw to
``X-Forwarded-For``; everything to the left of that was written by the client
and may be forged. So the hops are read from the right, skipping our own
proxies (``DJANGO_TRUSTED_PROXIES``), and the first one that is not ours is
the visitor. A request that did not come from a trusted proxy keeps its socket
address whatever headers it carries."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in proxies if item.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.5:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def resolve(remote_addr: str, forwarded_for: str, trusted: Iterable[str]) -> str | None:
    """The right-most address in ``remote_addr`` + ``forwarded_for`` that is
    not a trusted proxy (all trusted: the left-most)."""
    networks = _networks(tuple(trusted))
    peer = _parse(remote_addr or "")
    if peer is None:
        return None
    if not any(peer in net for net in networks):
        return str(peer)  # not from our proxy: its headers mean nothing
    client = peer
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage left of a trusted hop: keep the last good one
        client = address
        if not any(address in net for net in networks):
            break
    return str(client)


def client_ip(request) -> str | None:
    """The visitor's address for ``request`` (a Django request or a WSGI environ)."""
    meta = getattr(request, "META", request)
    remote = meta.get("REMOTE_ADDR", "")
    if not getattr(settings, "BEHIND_PROXY", False):
        peer = _parse(remote)
        return str(peer) if peer else None
    return resolve(remote, meta.get("HTTP_X_FORWARDED_FOR", ""), settings.TRUSTED_PROXIES)
