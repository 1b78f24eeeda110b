"""What the last build was made from, so that a rebuild with nothing changed does nothing.

After publishing, a build writes ``OUT/.notegen/stamp.json``: a digest of everything it read
(every file of the notes folder, the site's configuration, the options, notegen's own code
and the packages installed beside it), the ledger as it left it, the outputs as it left them
(their size and modification time), and what it reported. ``notegen build`` compares first:
when everything is as it was, the outputs are up to date and it only says so, with the
warnings the notes still hold. This module loads nothing of the pipeline, so that answer
comes before MkDocs, the renderer or the readers are imported.

Notes and settings are compared by content, images and other files of the notes folder by
size and modification time; ``is_input`` says which files count (``notegen serve`` watches
the same ones). A site configuration whose effect reaches beyond what this sees (``INHERIT``,
``hooks``, a theme's ``custom_dir``, plugins other than search, CSS or scripts of the user's
own) always builds. Deleting the stamp, or the whole ``.notegen`` folder, only makes the next
build a full one.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from . import __version__
from .cache import code_digest, digest, write_atomically
from .config import LEDGER_NAME, SEARCH_PLUGINS, Output, SiteConfig
from .diagnostics import Diagnostic, Severity, display_path
from .read import NOTE_SUFFIXES

STAMP_NAME = ".notegen/stamp.json"  # inside the output folder
SITE_HOME = "site/index.html"
_BY_CONTENT = (*NOTE_SUFFIXES, ".yml", ".yaml")


class _Inputs(watchfiles.DefaultFilter):
    """Files of the notes folder a build reads: not the ledger, which every build rewrites,
    nor what editors and tools leave beside a file (swap files, backups, .git)."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and not Path(path).name.startswith(LEDGER_NAME)


_INPUTS = _Inputs()


def is_input(path: str, change: watchfiles.Change = watchfiles.Change.modified) -> bool:
    return _INPUTS(change, path)


@dataclass(frozen=True, slots=True)
class Built:
    """What a build reports, as its stamp keeps it."""

    deck: str
    cards: int
    chapters: int
    notes_in_deck: int
    apkg: Path | None
    """The deck, when the build wrote one."""
    site: Path | None
    """The site's folder, when the build wrote it."""
    problems: tuple[Diagnostic, ...]
    """The warnings about the notes (not those about one publishing)."""

    def output_lines(self) -> list[str]:
        lines = []
        if self.apkg is not None:
            lines.append(f"deck: {display_path(self.apkg)} ({self.notes_in_deck} notes)")
        if self.site is not None:
            lines.append(f"site: {display_path(self.site)}/index.html")
        return lines

    def summary(self) -> str:
        """What a build with nothing to do says."""
        warnings = sum(p.severity is Severity.WARNING for p in self.problems)
        return "\n".join([
            f"{self.deck}: {self.cards} cards in {self.chapters} chapters; nothing changed "
            "since the last build: its outputs are up to date",
            *([f"{warnings} warning{'s' if warnings != 1 else ''}"] if warnings else []),
            *self.output_lines()])


class Inputs:
    """The inputs of one build of ``out`` from ``notes``, as the stamp compares them."""

    def __init__(self, notes: Path, out: Path, site_config: SiteConfig, deck_name: str | None,
                 outputs: Sequence[Output]) -> None:
        self.notes, self.out = notes, out
        self.ledger = notes / LEDGER_NAME
        self.digest = _digest(notes, out, site_config, deck_name, outputs)

    def up_to_date(self) -> Built | None:
        """What the last build reported, when its outputs are still what these inputs make."""
        if self.digest is None:
            return None
        try:
            data = json.loads((self.out / STAMP_NAME).read_text(encoding="utf-8"))
            if (data["inputs"] != self.digest or data["ledger"] != _content(self.ledger)
                    or data["outputs"] != _state(self.out, [n for n, _, _ in data["outputs"]])):
                return None
            return Built(
                deck=str(data["deck"]), cards=int(data["cards"]),
                chapters=int(data["chapters"]), notes_in_deck=int(data["notes_in_deck"]),
                apkg=self.out / data["apkg"] if data["apkg"] else None,
                site=self.out / "site" if data["site"] else None,
                problems=tuple(Diagnostic(str(path), line, col, Severity(severity), str(text))
                               for path, line, col, severity, text in data["problems"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no stamp yet, or a damaged one: the build is a full one

    def forget(self) -> None:
        """Before the outputs change: a build that fails from here on leaves no stamp."""
        (self.out / STAMP_NAME).unlink(missing_ok=True)

    def remember(self, built: Built) -> None:
        """After the outputs are in place. Written atomically."""
        if self.digest is None:
            return
        outputs = [*([built.apkg.name] if built.apkg else []),
                   *(["site", SITE_HOME] if built.site else [])]
        write_atomically(self.out / STAMP_NAME, json.dumps({
            "inputs": self.digest, "ledger": _content(self.ledger),
            "outputs": _state(self.out, outputs),
            "deck": built.deck, "cards": built.cards, "chapters": built.chapters,
            "notes_in_deck": built.notes_in_deck,
            "apkg": built.apkg.name if built.apkg else None, "site": built.site is not None,
            "problems": [[p.path, p.line, p.col, p.severity.value, p.message]
                         for p in built.problems],
        }, ensure_ascii=False).encode("utf-8"))


def _digest(notes: Path, out: Path, site_config: SiteConfig, deck_name: str | None,
            outputs: Sequence[Output]) -> str | None:
    """Of everything a build reads but the ledger (which it rewrites); None when something
    it reads lies where this cannot see."""
    if not _self_contained(site_config):
        return None
    parts: list[str | bytes] = [
        __version__, sys.version, code_digest(), *_packages(), deck_name or "",
        *(o.value for o in outputs), os.environ.get("SOURCE_DATE_EPOCH", ""),
        os.path.realpath(notes), os.path.realpath(out), repr(site_config.raw)]
    if site_config.file is not None:
        try:
            parts += [os.path.realpath(site_config.file), site_config.file.read_bytes()]
        except OSError:
            return None
    return digest(*parts, *_notes_files(notes))


def _self_contained(site_config: SiteConfig) -> bool:
    raw = site_config.raw
    theme = raw.get("theme")
    plugins = raw.get("plugins") or []
    return (not any(raw.get(key) for key in ("INHERIT", "hooks", "extra_css",
                                              "extra_javascript"))
            and not (isinstance(theme, dict) and theme.get("custom_dir"))
            and isinstance(plugins, list) and all(p in SEARCH_PLUGINS for p in plugins))


def _packages() -> Iterator[str]:
    """The packages installed beside notegen, each with its version (the names of their
    ``.dist-info`` folders): another MkDocs, theme or MathJax may make other outputs."""
    for folder in dict.fromkeys(os.path.realpath(p) for p in sys.path if p):
        if folder.endswith("-packages") and os.path.isdir(folder):
            yield from sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))


def _notes_files(notes: Path) -> list[str | bytes]:
    """Every file under the notes folder a build reads. (A linked folder is not entered: the
    build does not read through one either.)"""
    parts: list[str | bytes] = []
    for root, dirs, files in os.walk(notes):
        dirs[:] = sorted(d for d in dirs if is_input(os.path.join(root, d)))
        for name in sorted(files):
            path = os.path.join(root, name)
            if not is_input(path):
                continue
            parts.append(path)
            try:
                info = os.stat(path)
                if stat.S_ISREG(info.st_mode) and name.lower().endswith(_BY_CONTENT):
                    with open(path, "rb") as file:
                        parts.append(file.read())
                else:
                    parts.append(f"{info.st_mode} {info.st_size} {info.st_mtime_ns}")
            except OSError as exc:
                parts.append(f"unreadable: {exc.errno}")
    return parts


def _content(file: Path) -> str:
    try:
        return digest(file.read_bytes())
    except OSError:
        return ""


def _state(out: Path, names: Sequence[str]) -> list[list[str | int]]:
    """Each output's name, size and modification time (as JSON gives them back)."""
    state: list[list[str | int]] = []
    for name in names:
        try:
            info = os.stat(out / name)
            state.append([name, info.st_size, info.st_mtime_ns])
        except OSError:
            state.append([name, -1, -1])
    return state
