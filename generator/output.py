"""Write a build into a staging folder and swap it in only when the build succeeds."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import TracebackType

logger = logging.getLogger(__name__)


class OutputError(Exception):
    """Raised when two files map to one path or a path escapes the output folder."""


class StagedOutput:
    """A staging folder beside the output folder, swapped in by `commit`.

    Used as a context manager: leaving the block without `commit` (an error)
    deletes the staging folder and leaves the previous output untouched.
    """

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(
            tempfile.mkdtemp(
                prefix=f".{self.target.name}.staging-", dir=self.target.parent
            )
        )
        self.written: dict[str, int] = {}

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging)

    def write(self, relative: str, data: bytes) -> None:
        """Write one file at a site-relative POSIX path."""
        path = self._safe_path(relative)
        if relative in self.written:
            raise OutputError(f"two outputs map to the same path: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written[relative] = len(data)
        logger.debug("wrote %s (%d bytes)", relative, len(data))

    def _safe_path(self, relative: str) -> Path:
        pure = PurePosixPath(relative)
        if (
            pure.is_absolute()
            or ".." in pure.parts
            or not pure.parts
            or "\\" in relative
        ):
            raise OutputError(f"output path escapes the output folder: {relative!r}")
        return self.staging.joinpath(*pure.parts)

    def commit(self) -> None:
        """Replace the target folder with the staging folder."""
        for folder, _dirs, files in os.walk(self.staging):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        old = None
        if self.target.exists():
            old = Path(
                tempfile.mkdtemp(
                    prefix=f".{self.target.name}.old-", dir=self.target.parent
                )
            )
            os.replace(self.target, old / self.target.name)
        os.replace(self.staging, self.target)
        if old is not None:
            shutil.rmtree(old)
