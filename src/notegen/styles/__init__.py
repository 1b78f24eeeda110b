"""Style readers: one module for each common way notes mark their questions.

Each module has a ``NAME`` (what front matter calls it), a ``PRIORITY`` (which reader wins a
tie), and ``read(doc) -> Reading | None``; ``INLINE = True`` marks a reader whose questions
also stand inside another reader's notes (a bold question in the middle of a heading's
answer, a Q/A table in a chapter of prose). Adding a style is adding a module here.

``auto`` reads a note with every reader, keeps the reading that explains it best (evidence
times the share of the note its cards hold), and adds what the inline readers find. Front
matter can name a reader instead::

    ---
    notegen:
      questions: bold
    ---

and a marked line beats every reader::

    - Transformer和CNN的区别 <!-- notegen: question -->
    ## 7. A numbered heading that is part of an answer <!-- notegen: answer -->
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..diagnostics import Diagnostic, error, warning
from ..read import SourceFile
from ..scan import Kind, Line, Marker, strip_marker, strip_number
from .base import Doc, Found, Reading, answer_marked
from .layout import Layout, place

AUTO = "auto"
_WEAK = 0.5  # a reading whose cards hold less of the note than this is worth a warning


def _discover() -> tuple[ModuleType, ...]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "read"):
            modules.append(module)
    return tuple(sorted(modules, key=lambda m: m.PRIORITY))


READERS = _discover()
STYLES = (AUTO, *(m.NAME for m in READERS))


@dataclass(frozen=True, slots=True)
class Chosen:
    style: str
    layout: Layout
    problems: tuple[Diagnostic, ...]


def declared_style(source: SourceFile) -> tuple[str, list[Diagnostic]]:
    """The style the front matter states, ``auto`` when it states none."""
    options = source.front_matter.get("notegen") or {}
    if not isinstance(options, Mapping):
        return AUTO, [error(source.path, "front matter 'notegen' must be a mapping", 2, 1)]
    value: Any = options.get("questions", AUTO)
    name = str(value).strip().lower()
    if name in STYLES:
        return name, []
    line = _front_matter_line(source, "questions")
    return AUTO, [error(source.path, f"notegen.questions is {value!r}; use one of: "
                        f"{', '.join(STYLES)}", line, 1)]


def _front_matter_line(source: SourceFile, key: str) -> int:
    for no, text in enumerate(source.lines[: source.body_start], 1):
        if text.strip().startswith(f"{key}:"):
            return no
    return 1


def choose(doc: Doc, style: str = AUTO) -> Chosen:
    """Read the note in the stated style, or in the one that explains it best."""
    if style != AUTO:
        module = next(m for m in READERS if style == m.NAME)
        reading = getattr(module, "read_stated", module.read)(doc) or Reading(style, (), 0.0)
        layout = _laid_out(doc, reading, reading.found)
        return Chosen(style, layout, reading.problems)
    readings = [(m, r) for m in READERS if (r := m.read(doc)) is not None]
    if not readings:
        return Chosen("headings", _laid_out(doc, Reading(AUTO, (), 0.0), ()), ())
    # A note that declares its style with its tool's own mark is read in that style. Else,
    # best first by evidence: a reading whose evidence is below the best score so far
    # cannot win (its cards hold at most the whole note), so it is not laid out. Each
    # reading is scored with the questions the inline readers add to it.
    ranked = sorted(readings, key=lambda mr: (not mr[1].declared, -mr[1].evidence,
                                              mr[0].PRIORITY))
    if ranked[0][1].declared:
        ranked = ranked[:1]
    best = ranked[0][1]
    layout = _with_inline(doc, best, readings)
    best_score = best.evidence * layout.coverage
    for _, reading in ranked[1:]:
        if reading.evidence <= best_score:
            break
        if reading.found == best.found:
            continue  # the same cards: it can at most tie, and a tie goes to the first
        laid_out = _with_inline(doc, reading, readings)
        if (score := reading.evidence * laid_out.coverage) > best_score:
            best, layout, best_score = reading, laid_out, score
    problems = list(best.problems)
    if layout.coverage < _WEAK and layout.total and not best.declared:
        problems.append(_weak_reading(doc, best.style, layout))
    return Chosen(best.style, layout, tuple(problems))


def _with_inline(doc: Doc, reading: Reading,
                 readings: Sequence[tuple[ModuleType, Reading]]) -> Layout:
    """A reading's cards with those the other, inline readers find inside its notes."""
    inline = [f for m, r in readings if r is not reading and getattr(m, "INLINE", False)
              for f in r.found]
    return _laid_out(doc, reading, [*reading.found, *inline], frozenset(f.start for f in inline))


def _laid_out(doc: Doc, reading: Reading, found: Sequence[Found],
              inline: frozenset[int] = frozenset()) -> Layout:
    """The cards of a reading, with the lines the notes mark (a marker beats any reader)."""
    marked = {line.no: line for line in doc.lines if line.marker is not None}
    kept = [f for f in found if f.start not in marked or marked[f.start].marker is Marker.QUESTION]
    known = {f.start for f in kept}
    kept += [_marked_question(line) for line in marked.values()
             if line.marker is Marker.QUESTION and line.no not in known]
    chapters = doc.chapters if reading.chapters is None else reading.chapters
    sections = {no for no in reading.sections if no not in marked}
    return place(doc, kept, sections, chapters, inline - {f.start for f in reading.found})


def _marked_question(line: Line) -> Found:
    body = strip_marker(line.body)
    title = strip_number(body) if line.kind is not Kind.ORDERED else body
    return Found(line.no, line.no, title, level=line.level, number=line.number,
                 closes_at_heading=line.kind is not Kind.HEADING)


def _weak_reading(doc: Doc, style: str, layout: Layout) -> Diagnostic:
    return warning(
        doc.source.path,
        f"read as {style}, a weak guess: only {layout.covered} of {layout.total} lines are in "
        f"cards. If that is right, say so in the note's front matter with "
        f"`notegen: {{questions: {style}}}`; else name the style its questions follow "
        f"(`notegen styles` lists them)")


__all__ = ["AUTO", "READERS", "STYLES", "Chosen", "Doc", "answer_marked", "choose",
           "declared_style"]
