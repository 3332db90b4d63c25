"""GitHub Pages hosting rules: loopback previews, custom domains and the Pages URL."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from generator.errors import Problem, error

SITE_FILE = "content/site.yml"
CNAME_FILE = "CNAME"


def is_loopback_host(host: str | None) -> bool:
    """Return whether a host is this machine: localhost, 127.0.0.0/8 or ::1."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Return whether a URL points at this machine, as a local preview does."""
    return is_loopback_host(urlsplit(url).hostname)


def check_cname(
    base_url: str, cname: str | None, line: int | None = None
) -> list[Problem]:
    """Check that site.yml's custom domain is the host the base URL names.

    GitHub Pages serves a repository with a custom domain at the root of that
    domain, so the base URL must be https://CNAME/. A loopback base URL is a
    local preview and is not checked.
    """
    if not cname or is_loopback_url(base_url):
        return []
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    expected = f"https://{cname.lower()}/"
    if host != cname.lower():
        message = f"is {cname!r}, but base_url {base_url!r} names the host {host!r}."
    elif parts.path != "/":
        message = (
            f"is {cname!r}, so GitHub Pages serves the site at the root of that "
            f"host, but base_url {base_url!r} has the path {parts.path!r}."
        )
    else:
        return []
    fix = (
        f"Set base_url to {expected}, or remove cname to publish on the "
        "github.io address. Decide before issuing: baked badges embed the domain."
    )
    return [error(SITE_FILE, "cname", message, fix, line)]


def cname_file(base_url: str, cname: str | None) -> bytes | None:
    """Return the bytes of output/CNAME, or None when no file should be written.

    A preview build (loopback base URL) gets no CNAME, because its pages do
    not live on the custom domain.
    """
    if not cname or is_loopback_url(base_url):
        return None
    return f"{cname.lower()}\n".encode("ascii")


def normalise_pages_url(url: str) -> str:
    """Return a Pages URL with a lowercase host and a trailing '/'.

    actions/configure-pages reports base_url without a trailing slash, for
    example https://octocat.github.io/my-repo.
    """
    parts = urlsplit(url.strip())
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def pages_url_problem(value: str) -> str | None:
    """Return why a --pages-url value is not an http(s) URL with a host, or None."""
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:  # an unbalanced '[' in the host, for example
        host = None
    if not host or parts.scheme.lower() not in ("http", "https"):
        return (
            "must be the http(s) URL GitHub Pages reports, such as "
            "https://octocat.github.io/my-repo"
        )
    return None


def check_pages_url(base_url: str, pages_url: str) -> list[Problem]:
    """Check that the site was built for the URL GitHub Pages serves it from.

    Host names compare without case; paths compare with case, as Pages does.
    """
    expected = normalise_pages_url(pages_url)
    if normalise_pages_url(base_url) == expected:
        return []
    message = (
        f"is {base_url!r}, but GitHub Pages serves this repository at "
        f"{expected!r}, so no badge id would resolve."
    )
    fix = (
        f"Set base_url in {SITE_FILE} to {expected}; for a custom domain also set "
        "cname there and the domain in Settings > Pages."
    )
    return [error(SITE_FILE, "base_url", message, fix)]
