"""Decide whether a base URL may be published, or is a local preview."""

from __future__ import annotations

import ipaddress
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


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
