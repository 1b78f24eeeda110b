"""The build, top to bottom: read → parse → identify → emit (anki, site) → publish.

Before anything is written, the build makes sure it will replace only what notegen made
(publish.py) and that the ledger can be written. The outputs are written to a staging folder,
under the output folder's lock, and moved into place only when every emitter has succeeded, each
in one step; the ledger follows the output it describes. A failed build leaves the previous
output, and the ledger, untouched.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import SiteConfig
from .diagnostics import Diagnostic, NotegenError, Severity, display_path, error
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
from .publish import SITE, check_replaceable, ledger_target, refuse_overlap, staging
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
    deck, problems = parse(paths, deck_name)
    return identify(deck, problems, paths[0] if building else notes_root(paths),
                    building=building)


def parse(paths: Sequence[Path], deck_name: str | None) -> tuple[Deck, list[Diagnostic]]:
    """The deck the notes hold, and the warnings about them. Raises on errors in the notes."""
    deck, problems = parse_paths(paths, deck_name)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise NotegenError(*errors)
    return deck, problems


def identify(deck: Deck, problems: Sequence[Diagnostic], root: Path, *, building: bool
             ) -> Loaded:
    """Match the deck against the ledger in ``root``."""
    ledger = Ledger.load(root / LEDGER_NAME)
    if building and not ledger.existed:
        problems = [*problems, missing_ledger_warning(ledger.path)]
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
    refuse_overlap(out, notes, site_config.file)
    deck, problems = parse([notes], deck_name or site_config.name)
    if not deck.cards:
        raise NotegenError(*problems, error(display_path(notes), "no questions found in any "
                                            "note; nothing to build"))
    apkg_name = file_name(deck.name) + ".apkg"
    check_replaceable(out, apkg_name, notes / LEDGER_NAME)
    with staging(out) as stage:
        # Under the lock: the ledger is the one the last build of this output wrote.
        loaded = identify(deck, problems, notes, building=True)
        deck = loaded.deck
        pending = stage.pending(ledger_target(loaded.ledger.path), "ledger")
        now = build_time()
        renderer = Renderer()
        pages = card_pages(deck)
        anki = write_apkg(deck, renderer, stage.folder / apkg_name,
                          lambda cid, fp: loaded.ledger.last_changed(cid, fp, now),
                          site_config.url, lambda card: pages[card.id])
        site_problems = build_site(deck, renderer, stage.folder, apkg_name, site_config)
        loaded.ledger.updated(loaded.identified, loaded.notes_root, anki.fingerprints,
                              now).write(pending.file)
        notices = stage.publish(apkg_name, pending)
    return BuildReport(
        deck=deck,
        apkg=out / apkg_name,
        site=out / SITE,
        notes_in_deck=len(anki.fingerprints),
        matches=loaded.identified.matches,
        newly_retired=loaded.identified.newly_retired,
        retired=loaded.identified.retired,
        problems=tuple(dict.fromkeys((*loaded.problems, *anki.problems, *site_problems,
                                      *notices))),
    )


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
