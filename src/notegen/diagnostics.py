"""Messages about the user's notes, always pointing at ``path:line:col``, and how paths are
shown in them."""

from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int | None
    col: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.severity.value}: {self.message}"


def error(path: str, message: str, line: int | None = None, col: int | None = None) -> Diagnostic:
    return Diagnostic(path, line, col, Severity.ERROR, message)


def warning(path: str, message: str, line: int | None = None, col: int | None = None) -> Diagnostic:
    return Diagnostic(path, line, col, Severity.WARNING, message)


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it, as a person can read it
    (see ``readable``). Links are not resolved: a message names the user's own file."""
    return readable(relative_path(path))


def relative_path(path: Path) -> str:
    """The path relative to the working directory when it is below it (POSIX, names as they
    are on disk)."""
    absolute = Path(os.path.abspath(path))
    cwd = Path.cwd()
    # The working directory is a real path; the given one may lead there through a link.
    for candidate in (absolute, Path(os.path.realpath(absolute.parent), absolute.name)):
        if candidate.is_relative_to(cwd):
            return candidate.relative_to(cwd).as_posix() or "."
    return path.as_posix()


def readable(path: str) -> str:
    """A path with each name that is not UTF-8 (a zip made on a Chinese Windows keeps its names
    in GBK) decoded as GB18030 when it can be, else shown with ``\\x`` escapes."""
    return "/".join(_readable_name(os.fsencode(part)) for part in path.split("/"))


def _readable_name(raw: bytes) -> str:
    return decoded_name(raw) or raw.decode("utf-8", "backslashreplace")


def decoded_name(raw: bytes) -> str | None:
    """A file name's bytes as text: UTF-8, else GB18030; None when neither reads them."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def from_os_error(exc: OSError) -> Diagnostic:
    """A disk full or a permission denied: the user's to fix, not a bug. One line, naming the
    file: the one being written when the disk refused to write (a copy names its source
    first), and the first of the files a folder copy failed on."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        _, target, why = exc.args[0][0]
        reason = _ERRNO_RE.sub("", str(why)).split(": '")[0]
        more = len(exc.args[0]) - 1
        return error(display_path(Path(target)),
                     reason + (f" (and {more} more files)" if more else ""))
    written = exc.filename2 if exc.errno in _WRITING and exc.filename2 else None
    where = written or exc.filename
    return error(display_path(Path(os.fsdecode(where))) if where else "notegen",
                 str(exc.strerror or exc))


_WRITING = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
"""Errors that only writing meets."""
_ERRNO_RE = re.compile(r"^\[Errno \d+\] ")


class NotegenError(Exception):
    """A failure the user can fix; carries the diagnostics that explain it."""

    def __init__(self, *diagnostics: Diagnostic) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
