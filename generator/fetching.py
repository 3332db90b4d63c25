"""Fetch the documents a badge links to, from a built site folder or over HTTP(S)."""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from generator import urls

logger = logging.getLogger(__name__)

MANIFEST = "badgesite.json"
# Baked images carry the artwork; 10 MB is far above any sensible badge.
MAX_BYTES = 10 * 1024 * 1024
_ACCEPT = "application/ld+json, application/json, image/png, image/svg+xml"


class FetchError(Exception):
    """Raised when a URL cannot be fetched, with the reason as the message."""


class GoneError(FetchError):
    """Raised for HTTP 410 Gone, which Open Badges 2.0 treats as revoked."""


class SiteFolderError(ValueError):
    """Raised when a folder given as --site is not a site built by badgesite."""


class Fetcher(Protocol):
    """Anything that returns the bytes served at a URL."""

    def fetch(self, url: str) -> bytes:
        """Return the body at `url`; raise FetchError when it cannot be read."""
        ...


class SiteFolder:
    """Serve URLs under a built site's base URL from its output folder, offline."""

    def __init__(self, folder: Path) -> None:
        manifest = folder / MANIFEST
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SiteFolderError(
                f"{folder} has no {MANIFEST}, so it is not a folder "
                "built by badgesite build."
            ) from exc
        except (OSError, ValueError) as exc:
            raise SiteFolderError(f"{manifest} cannot be read: {exc}.") from exc
        base_url = data.get("base_url") if isinstance(data, dict) else None
        if not isinstance(base_url, str) or not base_url.endswith("/"):
            raise SiteFolderError(f"{manifest} has no base_url ending in '/'.")
        self.folder = folder
        self.base_url = base_url

    def fetch(self, url: str) -> bytes:
        """Return the file that `url` maps to under the site folder."""
        if not url.startswith(self.base_url):
            raise FetchError(
                f"is outside the site's base URL {self.base_url}, and verify "
                "never uses the network when --site is given"
            )
        parts = urlsplit(url)
        if parts.query:
            raise FetchError("has a query string, which a static site cannot serve")
        relative = urls.file_for(url[len(self.base_url) :].split("#", 1)[0])
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relative:
            raise FetchError("points outside the site folder")
        path = self.folder.joinpath(*pure.parts)
        if not path.is_file():
            raise FetchError(f"is not in the site folder (no file {path})")
        logger.debug("read %s for %s", path, url)
        return path.read_bytes()


class HttpFetcher:
    """Fetch http(s) URLs with urllib, a deadline per request and a size limit."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def fetch(self, url: str) -> bytes:
        """Return the body at `url`, following redirects.

        Raises FetchError when the whole request, from connecting through
        redirects to the last byte of the body, takes over `timeout` seconds.
        """
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError("is not an http(s) URL")
        deadline = time.monotonic() + self.timeout
        opener = urllib.request.build_opener(
            _DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline)
        )
        request = urllib.request.Request(
            url, headers={"Accept": _ACCEPT, "User-Agent": "badgesite-verify"}
        )
        try:
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 410:
                raise GoneError("returned HTTP 410 Gone") from exc
            raise FetchError(f"returned HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            # urllib wraps a timeout while connecting or reading the headers.
            if isinstance(exc.reason, TimeoutError):
                raise FetchError(f"timed out after {self.timeout:g} s") from exc
            raise FetchError(f"could not be fetched: {exc.reason}") from exc
        except TimeoutError as exc:
            raise FetchError(f"timed out after {self.timeout:g} s") from exc
        if len(body) > MAX_BYTES:
            raise FetchError(f"is larger than {MAX_BYTES // (1024 * 1024)} MB")
        logger.debug("fetched %s (%d bytes)", url, len(body))
        return body


def _remaining(deadline: float) -> float:
    """Return the seconds left before `deadline`; raise TimeoutError if none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the request deadline passed")
    return left


class _DeadlineReader(io.RawIOBase):
    """Raw reads from a socket, each limited to the time left before the deadline.

    A socket timeout alone bounds each read, so a server that sends one byte
    a second could keep the request open indefinitely.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        # The socket's own file object counts as a reference, so the socket
        # stays open after urllib closes the connection and hands back the body.
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(_remaining(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose response reads stop at the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "r", *_args: Any, **_kwargs: Any) -> io.IOBase:
        # http.client reads every response through makefile("rb").
        if mode != "rb":
            raise ValueError(f"unsupported makefile mode {mode!r}")
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        # NOTE: the TLS handshake and sending the request are bounded by this
        # socket timeout per operation, not by the deadline itself.
        self.timeout = _remaining(self._deadline)
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self._deadline)  # type: ignore[assignment]


class _DeadlineHTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    pass


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_DeadlineConnection, req, deadline=self._deadline)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_DeadlineHTTPSConnection, req, deadline=self._deadline)
