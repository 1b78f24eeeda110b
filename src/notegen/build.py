"""The build, top to bottom: read → parse → identify → emit (anki, site) → publish.

Output is written to a staging folder and moved into place only when every emitter has
succeeded (and moved back if that fails), so a failed build never leaves half-written output
behind. The ledger is written first beside its place and moved there last, after the output
it describes.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import CACHE_NAME, Cache
from .config import SiteConfig
from .diagnostics import Diagnostic, NotegenError, Severity, error
from .emit.anki import write_apkg
from .emit.site import build_site, card_pages
from .ir import Deck
from .ledger import (
    LEDGER_NAME,
    Entry,
    Identified,
    Ledger,
    Match,
    build_time,
    missing_ledger_warning,
)
from .read import display_path
from .render import Renderer
from .segment import parse_paths


@dataclass(frozen=True, slots=True)
class Loaded:
    """Notes parsed and matched against their ledger."""

    identified: Identified
    ledger: Ledger
    notes_root: Path
    problems: tuple[Diagnostic, ...]

    @property
    def deck(self) -> Deck:
        return self.identified.deck


def load(paths: Sequence[Path], deck_name: str | None, *, building: bool = False) -> Loaded:
    """Parse notes and give every card its id. Raises on errors in the notes."""
    deck, problems = parse_paths(paths, deck_name)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise NotegenError(*errors)
    root = paths[0] if building else notes_root(paths)
    ledger = Ledger.load(root / LEDGER_NAME)
    if building and not ledger.existed:
        problems.append(missing_ledger_warning(ledger.path))
    return Loaded(ledger.identify(deck), ledger, root, tuple(problems))


def require_folder(notes: Path) -> Path:
    if not notes.is_dir():
        raise NotegenError(error(display_path(notes), "notes folder not found"))
    return notes


def notes_root(paths: Sequence[Path]) -> Path:
    """The folder whose ledger gives the cards their ids: the nearest folder holding one,
    from the first path up; else the first path's folder."""
    first = paths[0] if paths else Path("notes")
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.resolve().parents):
        if (folder / LEDGER_NAME).is_file():
            return folder
    return start


@dataclass(frozen=True, slots=True)
class BuildReport:
    deck: Deck
    apkg: Path
    site: Path
    notes_in_deck: int
    matches: Mapping[str, Match]
    newly_retired: tuple[Entry, ...]
    retired: tuple[Entry, ...]
    problems: tuple[Diagnostic, ...]


def build(notes: Path, out: Path, site_config: SiteConfig, deck_name: str | None = None
          ) -> BuildReport:
    require_folder(notes)
    if out.resolve().is_relative_to(notes.resolve()):
        raise NotegenError(error(display_path(out), "the output folder must be outside the "
                                 f"notes folder ({display_path(notes)})"))
    loaded = load([notes], deck_name or site_config.name, building=True)
    deck = loaded.deck
    if not deck.cards:
        raise NotegenError(*loaded.problems, error(display_path(notes), "no questions found in "
                                                  "any note; nothing to build"))
    now = build_time()
    cache = Cache(out / CACHE_NAME)
    renderer = Renderer(notes, cache.table("render"))
    apkg_name = file_name(deck.name) + ".apkg"
    pages = card_pages(deck)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".staging-{os.getpid()}"
    _remove(staging)
    staging.mkdir()
    pending: Path | None = None
    try:
        anki = write_apkg(deck, renderer, staging / apkg_name,
                          lambda cid, fp: loaded.ledger.last_changed(cid, fp, now),
                          site_config.url, lambda card: pages[card.id])
        site_problems = build_site(deck, renderer, staging, apkg_name, site_config)
        ledger = loaded.ledger.updated(loaded.identified, loaded.notes_root, anki.fingerprints,
                                       now)
        pending = ledger.write_pending()
        _publish(staging, out, (apkg_name, "site"))
        os.replace(pending, ledger.path)
        cache.save()
    finally:
        _remove(staging)
        if pending is not None:
            pending.unlink(missing_ok=True)
    return BuildReport(
        deck=deck,
        apkg=out / apkg_name,
        site=out / "site",
        notes_in_deck=len(anki.fingerprints),
        matches=loaded.identified.matches,
        newly_retired=loaded.identified.newly_retired,
        retired=loaded.identified.retired,
        problems=tuple(dict.fromkeys((*loaded.problems, *anki.problems, *site_problems))),
    )


def _publish(staging: Path, out: Path, names: Sequence[str]) -> None:
    """Move the finished outputs into place, all of them or, on failure, none."""
    moved: list[tuple[Path, Path | None]] = []
    try:
        for name in names:
            target = out / name
            backup = None
            if target.exists() or target.is_symlink():
                backup = out / f".old-{os.getpid()}-{name}"
                _remove(backup)
                target.rename(backup)
            moved.append((target, backup))
            (staging / name).rename(target)
    except OSError:
        for target, backup in reversed(moved):
            if backup is not None:
                _remove(target)
                backup.rename(target)
        raise
    for _, backup in moved:
        if backup is not None:
            _remove(backup)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def file_name(deck_name: str) -> str:
    """The deck name made safe as a file name."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", deck_name).strip(" .")
    return "-".join(name.split()) or "notes"


def _columns(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def summary(report: BuildReport, verbose: bool = False) -> str:
    """One screen: cards per chapter, matching, warnings, outputs."""
    lines = [f"{report.deck.name}: {len(report.deck.cards)} cards in "
             f"{len(report.deck.chapters)} chapters"]
    chapters = report.deck.chapters
    shown = chapters if len(chapters) <= 15 else chapters[:14]
    width = max((_columns(ch.title) for ch in shown), default=0)
    lines.extend(f"  {ch.title}{' ' * (width - _columns(ch.title))}  {len(ch.cards):>5}"
                 for ch in shown)
    if len(shown) < len(chapters):
        rest = chapters[len(shown):]
        lines.append(f"  … {len(rest)} more chapters, {sum(len(c.cards) for c in rest)} cards")
    counts = Counter(m.value for m in report.matches.values())
    matched = ", ".join(f"{counts[m.value]} {m.value}" for m in Match if counts[m.value])
    lines.append(f"identity: {matched}, {len(report.newly_retired)} retired"
                 + (f" ({len(report.retired)} retired in all; `notegen retired` selects them "
                    "in Anki)" if report.retired else ""))
    warnings = [p for p in report.problems if p.severity is Severity.WARNING]
    if warnings:
        lines.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}:")
        shown_warnings = warnings if verbose else warnings[:12]
        lines.extend(f"  {w}" for w in shown_warnings)
        if len(shown_warnings) < len(warnings):
            lines.append(f"  … {len(warnings) - len(shown_warnings)} more "
                         "(`notegen build --verbose` lists all)")
    lines.append(f"deck: {display_path(report.apkg)} ({report.notes_in_deck} notes)")
    lines.append(f"site: {display_path(report.site)}/index.html")
    return "\n".join(lines)
