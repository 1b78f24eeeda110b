"""What notegen reads from the user's ``mkdocs.yml``: the site (and deck) name, the site's
address, and the rest for the site's build. The file stays the user's: notegen never
writes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import NotegenError, error
from .read import display_path


@dataclass(frozen=True, slots=True)
class SiteConfig:
    file: Path | None = None
    """The user's mkdocs.yml; None when there is none (defaults apply)."""
    name: str | None = None
    url: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, file: Path | None) -> SiteConfig:
        if file is None:
            return cls()
        if not file.is_file():
            raise NotegenError(error(display_path(file), "no such file"))
        from mkdocs.utils.yaml import yaml_load

        try:
            with file.open("rb") as stream:
                raw = yaml_load(stream) or {}
        except Exception as exc:  # the YAML loader raises several kinds
            cause = exc.__context__ or exc  # MkDocs wraps YAML's own error
            mark = getattr(cause, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            col = mark.column + 1 if mark is not None else None
            reason = getattr(cause, "problem", None) or str(exc).splitlines()[0]
            raise NotegenError(error(display_path(file), f"cannot read: {reason}", line, col)
                               ) from None
        if not isinstance(raw, Mapping):
            raise NotegenError(error(display_path(file), "must be a mapping of settings"))
        return cls(file=file, name=_text(raw.get("site_name")), url=_text(raw.get("site_url")),
                   raw=raw)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def default_config_file() -> Path | None:
    """``mkdocs.yml`` in the working directory, when there is one."""
    path = Path("mkdocs.yml")
    return path if path.is_file() else None
