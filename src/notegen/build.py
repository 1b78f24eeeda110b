"""The build, top to bottom: read → parse → identify → render → emit (anki, site) → publish.

Before anything is written, the build makes sure it will replace only what notegen made
(publish.py) and that the ledger can be written. The outputs are written to a staging folder,
under the output folder's lock, and moved into place only when every emitter has succeeded, each
in one step; the ledger follows the output it describes. A failed build leaves the previous
output, and the ledger, untouched.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import CACHE_NAME, Cache
from .config import (
    LEDGER_NAME,
    NOTES_SETTINGS_NAME,
    Output,
    SiteConfig,
    asked_outputs,
    choose_deck_name,
)
from .diagnostics import Diagnostic, NotegenError, Severity, display_path, error
from .emit.anki import write_apkg
from .emit.site import build_site, card_pages
from .emit.site.chinese import KeptJieba
from .ir import Deck
from .ledger import (
    Entry,
    Identified,
    Ledger,
    Match,
    Moved,
    anki_search,
    build_time,
    missing_ledger_warning,
)
from .progress import Progress
from .publish import SITE, check_replaceable, ledger_target, refuse_overlap, staging
from .render import Renderer
from .segment import parse_paths
from .stamp import Built, Inputs


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


def load(paths: Sequence[Path], deck_name: str | None, *, progress: Progress | None = None
         ) -> Loaded:
    """Parse notes and give every card its id. Raises on errors in the notes."""
    deck, problems = parse(paths, deck_name, progress)
    return identify(deck, problems, notes_root(paths), progress)


def parse(paths: Sequence[Path], deck_name: str | None, progress: Progress | None = None,
          cache: Cache | None = None) -> tuple[Deck, list[Diagnostic]]:
    """The deck the notes hold, and the warnings about them. Raises on errors in the notes."""
    (progress or Progress()).stage("parse")
    deck, problems = parse_paths(paths, deck_name, cache.table("parse") if cache else None)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise NotegenError(*errors)
    return deck, problems


def identify(deck: Deck, problems: Sequence[Diagnostic], root: Path,
             progress: Progress | None = None, cache: Cache | None = None) -> Loaded:
    """Match the deck against the ledger in ``root``."""
    ledger = Ledger.load(root / LEDGER_NAME)
    (progress or Progress()).stage("identify")
    sketches = cache.table("sketches") if cache is not None else None
    return Loaded(ledger.identify(deck, sketches), ledger, root, tuple(problems))


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
    moved: tuple[Moved, ...] = ()

    def built(self, problems: tuple[Diagnostic, ...] | None = None) -> Built:
        """What the stamp keeps of this report (with just the ``problems`` about the notes)."""
        return Built(self.deck.name, len(self.deck.cards), len(self.deck.chapters),
                     self.notes_in_deck, self.apkg if Output.ANKI in self.outputs else None,
                     self.site if Output.SITE in self.outputs else None,
                     self.problems if problems is None else problems)


def build(notes: Path, out: Path, site_config: SiteConfig, deck_name: str | None = None, *,
          only: Output | None = None, progress: Progress | None = None,
          inputs: Inputs | None = None, jieba: KeptJieba | None = None) -> BuildReport:
    """Build the deck and the site (or ``only`` one of them) from the notes, and stamp the
    output with what it was made from (``inputs``, if the caller took them already). A
    caller that builds again and again keeps ``jieba`` loaded from build to build."""
    progress = progress or Progress()
    outputs = asked_outputs(only)
    require_folder(notes)
    refuse_overlap(out, notes, site_config.file)
    inputs = inputs or Inputs(notes, out, site_config, deck_name, outputs)
    naming = choose_deck_name(deck_name, notes, site_config)
    # Read before the lock is taken: every entry is keyed by what it was made from, so no
    # other build's cache can be stale for this one.
    cache = Cache(out / CACHE_NAME)
    deck, found = parse([notes], naming.name, progress, cache)
    if not deck.cards:
        raise NotegenError(*found, error(display_path(notes), "no questions found in any "
                                         "note; nothing to build"))
    apkg_name = file_name(deck.name) + ".apkg"
    check_replaceable(out, apkg_name, notes / LEDGER_NAME)
    earlier_deck = min(out.glob("*.apkg"), default=None)
    fingerprints: Mapping[str, str] = {}
    with staging(out) as stage:
        # Under the lock: the ledger is the one the last build of this output wrote.
        loaded = identify(deck, found, notes, progress, cache)
        deck = loaded.deck
        problems = list(loaded.problems)
        pending = (stage.pending(ledger_target(loaded.ledger.path), "ledger")
                   if Output.ANKI in outputs else None)
        now = build_time()
        renderer = Renderer(notes, cache.table("render"))
        progress.stage("render", len(deck.cards))
        renderer.cards(deck.cards)  # on every core; the emitters below find each card rendered
        progress.advance(len(deck.cards))
        pages = card_pages(deck)
        # The site offers the deck for download: a site alone offers the deck last built.
        if Output.ANKI not in outputs and (out / apkg_name).is_file():
            shutil.copyfile(out / apkg_name, stage.folder / apkg_name)
        else:
            progress.stage("deck")
            anki = write_apkg(deck, renderer, stage.folder / apkg_name,
                              lambda cid, fp: loaded.ledger.last_changed(cid, fp, now),
                              site_config.url, lambda card: pages[card.id])
            problems.extend(anki.problems)
        if pending is not None:
            fingerprints = anki.fingerprints
            # The ledger records what Anki was given: a site alone leaves it as it is.
            loaded.ledger.updated(loaded.identified, loaded.notes_root, fingerprints,
                                  now).write(pending.file)
        if Output.SITE in outputs:
            progress.stage("site")
            # Pages unchanged since the published site are taken from it.
            problems.extend(build_site(deck, renderer, stage.folder, apkg_name, site_config,
                                       cache, out / SITE, jieba).problems)
        about_notes = tuple(dict.fromkeys(problems))
        inputs.forget()
        problems.extend(stage.publish(apkg_name if Output.ANKI in outputs else None,
                                      Output.SITE in outputs, pending))
        cache.save()
        started_ledger = loaded.ledger.path if pending and not loaded.ledger.existed else None
        if started_ledger and earlier_deck is not None:
            problems.append(missing_ledger_warning(loaded.ledger.path, earlier_deck))
        report = BuildReport(
            deck=deck,
            outputs=outputs,
            apkg=out / apkg_name,
            site=out / SITE,
            notes_in_deck=len(fingerprints),
            started_ledger=started_ledger,
            deck_name_chosen=naming.chosen,
            matches=loaded.identified.matches,
            newly_retired=loaded.identified.newly_retired,
            retired=loaded.identified.retired,
            problems=tuple(dict.fromkeys(problems)),
            moved=loaded.identified.moved,
        )
        inputs.remember(report.built(about_notes))
    return report


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
    themselves, and ``moved_notice``, go to stderr.)"""
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
    lines.extend(report.built().output_lines())
    return "\n".join(lines)


def moved_notice(report: BuildReport) -> str | None:
    """Cards now in another subdeck, and how to move them in Anki: its importer updates an
    existing note but leaves its cards in their deck. Said once (the ledger then holds the
    new subdeck), so it is printed as warnings are, whatever else is left unsaid."""
    if Output.ANKI not in report.outputs or not report.moved:
        return None
    return "\n".join(_moved_lines(report.deck.name, report.moved))


def _moved_lines(root: str, moved: Sequence[Moved]) -> list[str]:
    shown = moved[:12]
    lines = [f"moved: {_cards(len(moved))} now in another subdeck, but re-importing leaves "
             "cards Anki has where they are:",
             *(f"  {m.title}  {' › '.join(m.before)} → {' › '.join(m.after)}" for m in shown)]
    if len(shown) < len(moved):
        lines.append(f"  … {len(moved) - len(shown)} more, which the searches below select too")
    lines += ["  to move them after importing: in Browse, search for the line under each deck,",
              "  select all (Ctrl+A), then Cards → Change Deck (Ctrl+D) and choose that deck"]
    by_deck: dict[str, list[str]] = {}
    for m in moved:
        by_deck.setdefault("::".join((root, *m.after)), []).append(m.id)
    for deck, ids in by_deck.items():
        lines += [f"  {deck} ({_cards(len(ids))})", f"    {anki_search(ids)}"]
    return lines


def _cards(n: int) -> str:
    return f"{n} card{'s' if n != 1 else ''}"
