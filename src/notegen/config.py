"""What notegen reads from its settings files, which stay the user's (notegen never writes
them): the site's ``mkdocs.yml`` (its name, its address, and the rest for the site's build),
and the notes' own ``notegen.yml`` beside their ledger (the deck's name)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import NotegenError, error
from .read import default_deck_name, display_path

NOTES_SETTINGS_NAME = "notegen.yml"
LEDGER_NAME = "notegen-ledger.tsv"
"""The notes' identity ledger (ledger.py), beside their settings."""


class Output(Enum):
    """What a build writes: both, or ``notegen build --only`` one."""

    ANKI = "anki"
    SITE = "site"


def asked_outputs(only: Output | None) -> tuple[Output, ...]:
    return tuple(Output) if only is None else (only,)


SEARCH_PLUGINS = ("search", "material/search")
"""The names mkdocs.yml may give Material's search plugin, which notegen's own replaces."""


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


@dataclass(frozen=True, slots=True)
class NotesSettings:
    """Settings that belong to the notes rather than to a site: kept in the notes folder
    beside the ledger, they travel with the notes and their Anki history."""

    deck: str | None = None
    """The root deck's name. Anki files cards by deck name, so it must not change under a
    collection, nor come from a template shared with other people's notes."""

    @classmethod
    def load(cls, notes_root: Path) -> NotesSettings:
        file = notes_root / NOTES_SETTINGS_NAME
        if not file.is_file():
            return cls()
        where = display_path(file)
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise NotegenError(error(where, f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})")
                               ) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise NotegenError(error(
                where, f"cannot read: {getattr(exc, 'problem', None) or exc}",
                mark.line + 1 if mark else None, mark.column + 1 if mark else None)) from None
        raw = {} if raw is None else raw
        if not isinstance(raw, Mapping):
            raise NotegenError(error(where, "must be a mapping of settings, such as "
                                     "`deck: My notes`"))
        unknown = sorted(str(key) for key in raw if key != "deck")
        if unknown:
            raise NotegenError(error(where, f"unknown setting {', '.join(unknown)} "
                                     "(the one setting here is `deck`)"))
        deck = raw.get("deck")
        if deck is not None and _text(deck) is None:
            raise NotegenError(error(where, "deck should be the deck's name, such as "
                                     "`deck: My notes`"))
        return cls(deck=_text(deck))


@dataclass(frozen=True, slots=True)
class DeckName:
    name: str
    chosen: bool
    """Whether the user chose the name (else it is the notes folder's)."""


def choose_deck_name(option: str | None, notes_root: Path, site: SiteConfig) -> DeckName:
    """The root deck's name: ``--deck``, else the notes' ``notegen.yml``, else the site's
    ``site_name``, else the notes folder's name."""
    chosen = next((name for name in (_text(option), NotesSettings.load(notes_root).deck,
                                     site.name) if name is not None), None)
    if chosen is not None:
        return DeckName(chosen, chosen=True)
    return DeckName(default_deck_name([notes_root], ()), chosen=False)
