"""Messages about the user's notes, always pointing at ``path:line:col``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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


def from_os_error(exc: OSError) -> Diagnostic:
    """A disk full or a permission denied: the user's to fix, not a bug."""
    return error(exc.filename or "notegen", str(exc.strerror or exc))


class NotegenError(Exception):
    """A failure the user can fix; carries the diagnostics that explain it."""

    def __init__(self, *diagnostics: Diagnostic) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
