"""Decide whether a base URL may be published, or is a local preview."""

from __future__ import annotations

import ipaddress
import re
import socket
from enum import Enum
from urllib.parse import urlsplit

from generator.errors import InputError
from generator.hosting import is_loopback_host


class BaseUrlKind(Enum):
    """Kind of base URL: a public site or a local preview."""

    PUBLIC = "public"
    PREVIEW = "preview"


class BaseUrlRejected(InputError):
    """Raised with a message and a fix when a base URL must not be used."""


def classify_base_url(base_url: str) -> BaseUrlKind:
    """Return PUBLIC or PREVIEW for a base URL, or raise BaseUrlRejected.

    Loopback hosts are local previews and may use http. Any other host must use
    https and must not be a private-network, link-local or unspecified address,
    since verifiers elsewhere could never reach it.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
        raise BaseUrlRejected(
            "has a query or fragment, which would end up inside every badge id.",
            "Give only scheme, host and path, ending in '/'.",
        )
    if parts.username is not None or parts.password is not None:
        raise BaseUrlRejected(
            "contains a user name or password, which every badge id would publish.",
            "Give only scheme, host and path, ending in '/'.",
        )
    if is_loopback_host(host):
        return BaseUrlKind.PREVIEW
    address = _ip_address(host)
    if address is not None and (
        address.is_private or address.is_link_local or address.is_unspecified
    ):
        raise BaseUrlRejected(
            f"names the private-network address {host}, which verifiers cannot reach.",
            "Use the public https:// address the site is published at, or "
            "http://127.0.0.1:PORT/ for a local preview.",
        )
    if parts.scheme != "https":
        raise BaseUrlRejected(
            f"uses plain {parts.scheme}://, so badges could be altered in transit.",
            "Use https://, or http://127.0.0.1:PORT/ for a local preview.",
        )
    return BaseUrlKind.PUBLIC


_IPV4_SHORTHAND = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$")

# The shipped content's placeholder host, and names reserved for documentation
# and testing (RFC 2606, RFC 6761): nothing built for them reaches a verifier.
SAMPLE_HOSTS = {"example.github.io", "example.com", "example.net", "example.org"}
_RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost")


def is_sample_base_url(base_url: str) -> bool:
    """Return whether a base URL is a placeholder or reserved example address."""
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    if host in SAMPLE_HOSTS or host.endswith(_RESERVED_SUFFIXES):
        return True
    return any(host.endswith("." + name) for name in SAMPLE_HOSTS)


def is_publishable_base_url(base_url: str | None) -> bool:
    """Return whether awards built for this base URL can have reached verifiers."""
    if not base_url or is_sample_base_url(base_url):
        return False
    try:
        return classify_base_url(base_url) is BaseUrlKind.PUBLIC
    except BaseUrlRejected:
        return False


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # Browsers also read shorthand IPv4 spellings such as 10.1, 0x0a000001,
    # 012.0.0.1 (octal) or 167772161, as inet_aton does.
    if not _IPV4_SHORTHAND.match(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None
