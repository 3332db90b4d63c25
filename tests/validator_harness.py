"""Helpers that run the Open Badges validator and bakery against a local site.

The validator and bakery live in their own venv (tests/validator/setup_venv.sh)
because their pins conflict with the project's packages, so every call here
runs a subprocess with that venv's Python.
"""

import contextlib
import functools
import json
import os
import socket
import subprocess
import threading
from collections.abc import Iterator, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
VALIDATOR_DIR = REPO_ROOT / "tests" / "validator"
SETUP_SCRIPT = VALIDATOR_DIR / "setup_venv.sh"
RUN_SCRIPT = VALIDATOR_DIR / "run_validator.py"
DEFAULT_VENV = REPO_ROOT / ".venv-validator"
LOOPBACK = "127.0.0.1"

# Runs in the validator venv: prints the bakery's reading of one baked image.
_UNBAKE_PROGRAM = """
import sys
from openbadges_bakery import unbake

with open(sys.argv[1], "rb") as image_file:
    data = unbake(image_file)
if data is None:
    sys.exit(f"no Open Badges data in {sys.argv[1]}: not a PNG or SVG, "
             "or it has no openbadges iTXt/tEXt chunk")
if isinstance(data, bytes):
    data = data.decode("utf-8")
sys.stdout.buffer.write(data.encode("utf-8"))
"""


def validator_python() -> Path:
    """Create or update the validator venv if needed and return its Python.

    The venv path is $VALIDATOR_VENV, or .venv-validator/ at the repository root.
    Raises RuntimeError with the script's output when setup_venv.sh fails.
    """
    venv = Path(os.environ.get("VALIDATOR_VENV", DEFAULT_VENV)).resolve()
    return _ensure_venv(venv)


@functools.cache
def _ensure_venv(venv: Path) -> Path:
    completed = subprocess.run(
        ["bash", str(SETUP_SCRIPT)],
        env={**os.environ, "VALIDATOR_VENV": str(venv)},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{SETUP_SCRIPT.name} failed with exit code {completed.returncode} "
            f"for venv {venv}:\n{completed.stderr}"
        )
    return venv / "bin" / "python"


def run_validator(
    inputs: Sequence[str | os.PathLike[str]],
    recipient: str | None = None,
    *,
    timeout: float = 300.0,
) -> list[dict[str, Any]]:
    """Run the validator on URLs or baked image paths and return one dict each.

    Each dict has input, valid, errorCount, warningCount and messages, where
    each message has level, name and result. `timeout` is in seconds for the
    whole run. Raises ValueError for empty inputs, RuntimeError with stderr when
    the script fails (for example exit code 2 for a host other than 127.0.0.1),
    and subprocess.TimeoutExpired after `timeout`.
    """
    if not inputs:
        raise ValueError("inputs is empty: pass at least one URL or image path")
    command = [str(validator_python()), str(RUN_SCRIPT)]
    command += [os.fspath(item) for item in inputs]
    if recipient is not None:
        command += ["--recipient", recipient]

    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{RUN_SCRIPT.name} failed with exit code {completed.returncode}:\n"
            f"{completed.stderr}"
        )
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"{RUN_SCRIPT.name} printed invalid JSON ({error}).\n"
            f"stdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"
        ) from error


def unbake(path: Path) -> str:
    """Read the Open Badges data baked into a PNG or SVG with openbadges-bakery.

    For a PNG this is the text of the first openbadges iTXt or tEXt chunk. For
    an SVG, bakery 2.0.0 returns the `verify` attribute of the first
    openbadges:assertion element when it is set (the assertion URL for hosted
    badges) and the CDATA text otherwise. Raises RuntimeError with stderr when
    the file has no such data or cannot be read.
    """
    completed = subprocess.run(
        [str(validator_python()), "-c", _UNBAKE_PROGRAM, os.fspath(path)],
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", errors="replace")
        raise RuntimeError(f"unbaking {path} failed:\n{stderr}")
    return completed.stdout.decode("utf-8")


class _SiteRequestHandler(SimpleHTTPRequestHandler):
    """Static file handler with fixed content types and no request log."""

    # Set here so the Content-Type does not depend on the host's mime.types. The
    # charset makes clients such as requests decode text as UTF-8.
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".json": "application/json; charset=utf-8",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".html": "text/html; charset=utf-8",
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Drop the per-request log line."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free when checked.

    Another process may take the port before the caller binds it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve_directory(root: Path, port: int = 0) -> Iterator[str]:
    """Serve `root` over HTTP on 127.0.0.1 and yield its base URL.

    The base URL is `http://127.0.0.1:PORT/`. Port 0 lets the system choose a
    free port. The server runs in a background thread and is shut down, and
    its socket closed, when the block exits.
    """
    if not root.is_dir():
        raise NotADirectoryError(f"cannot serve {root}: not a directory")
    handler = functools.partial(_SiteRequestHandler, directory=os.fspath(root))
    server = ThreadingHTTPServer((LOOPBACK, port), handler)
    thread = threading.Thread(
        target=server.serve_forever, name=f"serve {root}", daemon=True
    )
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
