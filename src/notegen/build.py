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
from enum import Enum
from pathlib import Path

from .cache import CACHE_NAME, Cache
from .config import NOTES_SETTINGS_NAME, SiteConfig, choose_deck_name
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
from .progress import Progress
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


def load(paths: Sequence[Path], deck_name: str | None, *, building: bool = False,
         progress: Progress | None = None) -> Loaded:
    """Parse notes and give every card its id. Raises on errors in the notes."""
    progress = progress or Progress()
    progress.stage("parse")
    deck, problems = parse_paths(paths, deck_name)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise NotegenError(*errors)
    root = paths[0] if building else notes_root(paths)
    ledger = Ledger.load(root / LEDGER_NAME)
    progress.stage("identify")
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


class Output(Enum):
    ANKI = "anki"
    SITE = "site"


@dataclass(frozen=True, slots=True)
class BuildReport:
    deck: Deck
    outputs: tuple[Output, ...]
    apkg: Path
    site: Path
    notes_in_deck: int
    started_ledger: Path | None
    """The ledger this build started, when the notes had none."""
    deck_name_chosen: bool
    """Whether the user named the deck (else it bears the notes folder's name)."""
    matches: Mapping[str, Match]
    newly_retired: tuple[Entry, ...]
    retired: tuple[Entry, ...]
    problems: tuple[Diagnostic, ...]


def build(notes: Path, out: Path, site_config: SiteConfig, deck_name: str | None = None, *,
          only: Output | None = None, progress: Progress | None = None) -> BuildReport:
    """Build the deck and the site (or ``only`` one of them) from the notes."""
    progress = progress or Progress()
    outputs = tuple(Output) if only is None else (only,)
    require_folder(notes)
    if out.resolve().is_relative_to(notes.resolve()):
        raise NotegenError(error(display_path(out), "the output folder must be outside the "
                                 f"notes folder ({display_path(notes)})"))
    naming = choose_deck_name(deck_name, notes, site_config)
    loaded = load([notes], naming.name, building=True, progress=progress)
    deck = loaded.deck
    if not deck.cards:
        raise NotegenError(*loaded.problems, error(display_path(notes), "no questions found in "
                                                  "any note; nothing to build"))
    now = build_time()
    cache = Cache(out / CACHE_NAME)
    renderer = Renderer(notes, cache.table("render"))
    progress.stage("render", len(deck.cards))
    renderer.cards(deck.cards)  # on every core; the emitters below find each card rendered
    progress.advance(len(deck.cards))
    apkg_name = file_name(deck.name) + ".apkg"
    pages = card_pages(deck)
    earlier_deck = min(out.glob("*.apkg"), default=None)
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".staging-{os.getpid()}"
    _remove(staging)
    staging.mkdir()
    pending: Path | None = None
    fingerprints: Mapping[str, str] = {}
    problems = list(loaded.problems)
    try:
        # The site offers the deck for download: a site alone offers the deck last built.
        if Output.ANKI not in outputs and (out / apkg_name).is_file():
            shutil.copyfile(out / apkg_name, staging / apkg_name)
        else:
            progress.stage("deck")
            anki = write_apkg(deck, renderer, staging / apkg_name,
                              lambda cid, fp: loaded.ledger.last_changed(cid, fp, now),
                              site_config.url, lambda card: pages[card.id])
            problems.extend(anki.problems)
        if Output.ANKI in outputs:
            fingerprints = anki.fingerprints
            # The ledger records what Anki was given: a site alone leaves it as it is.
            pending = loaded.ledger.updated(loaded.identified, loaded.notes_root,
                                            fingerprints, now).write_pending()
        if Output.SITE in outputs:
            progress.stage("site")
            problems.extend(build_site(deck, renderer, staging, apkg_name, site_config))
        _publish(staging, out, [apkg_name if o is Output.ANKI else "site" for o in outputs])
        if pending is not None:
            os.replace(pending, loaded.ledger.path)
        cache.save()
    finally:
        _remove(staging)
        if pending is not None:
            pending.unlink(missing_ok=True)
    started_ledger = loaded.ledger.path if pending and not loaded.ledger.existed else None
    if started_ledger and earlier_deck is not None:
        problems.append(missing_ledger_warning(loaded.ledger.path, earlier_deck))
    return BuildReport(
        deck=deck,
        outputs=outputs,
        apkg=out / apkg_name,
        site=out / "site",
        notes_in_deck=len(fingerprints),
        started_ledger=started_ledger,
        deck_name_chosen=naming.chosen,
        matches=loaded.identified.matches,
        newly_retired=loaded.identified.newly_retired,
        retired=loaded.identified.retired,
        problems=tuple(dict.fromkeys(problems)),
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


def _styles_read(deck: Deck) -> str:
    """How each note was read: by file for a few files, by style for many."""
    files: dict[str, list[int]] = {}
    styles: dict[str, str] = {}
    for chapter in deck.chapters:
        files.setdefault(chapter.path, [0])[0] += len(chapter.cards)
        styles[chapter.path] = chapter.style
    if len(files) <= 5:
        return "read as: " + "; ".join(f"{path} {styles[path]} ({count[0]} cards)"
                                        for path, count in files.items())
    by_style = Counter(styles.values())
    return "read as: " + ", ".join(f"{style} {n} files" for style, n in by_style.most_common())


def summary(report: BuildReport) -> str:
    """One screen: cards per chapter, matching, how many warnings, outputs. (The warnings
    themselves go to stderr.)"""
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
    lines.append(_styles_read(report.deck))
    counts = Counter(m.value for m in report.matches.values())
    matched = ", ".join(f"{counts[m.value]} {m.value}" for m in Match if counts[m.value])
    lines.append(f"identity: {matched}, {len(report.newly_retired)} retired"
                 + (f" ({len(report.retired)} retired in all; `notegen retired` selects them "
                    "in Anki)" if report.retired else ""))
    if ledger := report.started_ledger:
        lines.append(f"ledger: started {display_path(ledger)}; commit it with your notes, "
                     "it keeps each card's Anki history across edits")
        if not report.deck_name_chosen:
            settings = display_path(ledger.with_name(NOTES_SETTINGS_NAME))
            lines.append(f"deck name: {report.deck.name}, after the notes folder; to choose "
                         f"another, write `deck: …` in {settings} before the deck's first "
                         "import into Anki")
    if warnings := sum(p.severity is Severity.WARNING for p in report.problems):
        lines.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if Output.ANKI in report.outputs:
        lines.append(f"deck: {display_path(report.apkg)} ({report.notes_in_deck} notes)")
    if Output.SITE in report.outputs:
        lines.append(f"site: {display_path(report.site)}/index.html")
    return "\n".join(lines)
