"""Lay questions out as cards: where each card ends and where its answer starts.

A card runs from its first line to the line before the next question, chapter or section
(for a question in a paragraph, also the next heading), unless its reader knows its end (a
closing ``</details>``, a table row). A references heading (``## 参考资料``) no deeper than
the card's question ends it too. Blank lines at either end are trimmed, and so are the
labels an answer opens with (``A:``, ``**Answer**:``, ``【解答】``, a ``---`` between the
sides). What no card holds is left to its chapter (see segment.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..scan import Kind
from .base import ANSWER_PREFIX_RE, Doc, Found, answer_marked, is_answer_label, is_references


@dataclass(frozen=True, slots=True)
class Placed:
    found: Found
    end: int
    """Last non-blank line of the card."""
    answer_start: int
    """First answer line; ``answer_end + 1`` when the answer is empty."""
    answer_end: int
    prefix: int = 0
    """Characters of an answer label to drop from the first answer line (``A: ``)."""


@dataclass(frozen=True, slots=True)
class Layout:
    cards: tuple[Placed, ...]
    chapters: frozenset[int]
    sections: frozenset[int]
    covered: int
    """Non-blank lines inside cards."""
    total: int
    """Non-blank lines of the body, chapter headings left out."""

    @property
    def coverage(self) -> float:
        return self.covered / self.total if self.total else 0.0


def place(doc: Doc, found: Iterable[Found], sections: Iterable[int],
          chapters: Iterable[int], inline: frozenset[int] = frozenset()) -> Layout:
    """Cards for the questions, earliest first; a question inside another card's question,
    or inside a card whose end its reader fixed, gives way to it. ``inline`` are the first
    lines of questions found inside another reader's notes (see _asides)."""
    chapter_lines = sorted(chapters)
    accepted = _accepted(sorted(found, key=lambda f: f.start))
    bounds = _Bounds(doc, accepted, sections, chapter_lines)
    accepted, containers = _asides(doc, accepted, inline, bounds)
    bounds = _Bounds(doc, accepted, {*sections, *containers}, chapter_lines)
    placed = []
    for i, f in enumerate(accepted):
        limit = bounds.limit(f, accepted[i + 1].start if i + 1 < len(accepted) else doc.last + 1)
        end = min(f.end, limit - 1) if f.end is not None else limit - 1
        placed.append(_placed(doc, f, _last_filled(doc, f.head_end, end)))
    covered = sum(doc.filled_between(p.found.start, p.end) for p in placed)
    total = doc.filled_between(doc.first, doc.last) - len(chapter_lines)
    return Layout(tuple(placed), frozenset(chapter_lines), frozenset(bounds.sections), covered,
                  total)


class _Bounds:
    """What ends a card: the next question, a chapter, a section, a references heading no
    deeper than the question, and for a question in a paragraph, any heading."""

    def __init__(self, doc: Doc, accepted: Sequence[Found], sections: Iterable[int],
                 chapters: Sequence[int]) -> None:
        starts = {f.start for f in accepted}
        self.chapters = chapters
        self.sections = sorted(set(sections) - starts)
        headings = [h for h in doc.headings if h.no not in starts and not answer_marked(h)]
        self.headings = [h.no for h in headings]
        self.references = [(h.no, h.level) for h in headings if is_references(h.body)]

    def limit(self, f: Found, next_start: int) -> int:
        """The first line after the card of ``f``, the next question starting at
        ``next_start``."""
        limit = min(next_start, _after(self.chapters, f.head_end),
                    _after(self.sections, f.head_end), _references_after(self.references, f))
        if f.closes_at_heading:
            limit = min(limit, _after(self.headings, f.head_end))
        return limit


def _asides(doc: Doc, accepted: list[Found], inline: frozenset[int], bounds: _Bounds
            ) -> tuple[list[Found], set[int]]:
    """Questions found inside another reader's card. One that ends where its reader says
    (a ``<details>`` follow-up, a table) while that card's answer goes on after it is an
    aside: it stays in the answer. A heading question whose only text is the inline
    questions under it is their section, not a card."""
    primary = [f for f in accepted if f.start not in inline]
    starts = [f.start for f in primary]
    kept = []
    for f in accepted:
        if f.start in inline and f.end is not None:
            k = bisect.bisect_left(starts, f.start) - 1
            if k >= 0 and primary[k].end is None:
                following = primary[k + 1].start if k + 1 < len(primary) else doc.last + 1
                limit = bounds.limit(primary[k], following)
                if f.end + 1 < limit and doc.filled_between(f.end + 1, limit - 1):
                    continue
        kept.append(f)
    containers = set()
    result = []
    for i, f in enumerate(kept):
        after = kept[i + 1] if i + 1 < len(kept) else None
        if (after is not None and after.start in inline and f.start not in inline
                and f.end is None and f.level and _only_furniture(doc, f.head_end + 1, after)):
            containers.add(f.start)
            continue
        result.append(f)
    return result, containers


def _only_furniture(doc: Doc, first: int, question: Found) -> bool:
    """Nothing but blank lines before ``question`` from line ``first`` (or, before a table
    row, the table's header)."""
    table = question.answer is not None and question.end == question.start
    return all(doc.at(no).kind is Kind.BLANK or (table and doc.at(no).text.lstrip().startswith("|"))
               for no in range(first, question.start))


def _accepted(found: Sequence[Found]) -> list[Found]:
    accepted: list[Found] = []
    for f in found:
        if accepted:
            prev = accepted[-1]
            if f.start == prev.start:
                if f.end is not None and prev.end is None:
                    accepted[-1] = f  # the same question, read with its known end
                continue
            if f.start <= prev.head_end or (prev.end is not None and f.start <= prev.end):
                continue
        accepted.append(f)
    return accepted


def _after(lines: Sequence[int], no: int) -> int:
    i = bisect.bisect_right(lines, no)
    return lines[i] if i < len(lines) else 1 << 30


def _references_after(references: Sequence[tuple[int, int]], f: Found) -> int:
    deepest = f.level or 6
    for no, level in references[bisect.bisect_right(references, (f.head_end, 99)):]:
        if level <= deepest:
            return no
    return 1 << 30


def _last_filled(doc: Doc, first: int, last: int) -> int:
    """The last line of a card's content: blank lines and the separators between cards
    (``---``, ``<br><br>``) at its end are left out."""
    while last > first:
        line = doc.at(last)
        if line.kind is not Kind.BLANK and (line.kind is Kind.OPAQUE or line.body[:1] not in "-*_<"
                                            or not _SEPARATOR_RE.match(line.text)):
            break
        last -= 1
    return max(first, last)


_SEPARATOR_RE = re.compile(r"^[ \t]*(?:(?:<br\s*/?>[ \t]*)+|([-*_])(?:[ \t]*\1){2,}[ \t]*)$",
                           re.IGNORECASE)


def _placed(doc: Doc, f: Found, end: int) -> Placed:
    answer_end = min(f.answer_end, end) if f.answer_end is not None else end
    start = f.answer_start if f.answer_start is not None else f.head_end + 1
    prefix = f.answer_offset
    if prefix:
        return Placed(f, end, start, max(start, _last_filled(doc, start, answer_end)), prefix)
    last_filled = _last_filled(doc, start, answer_end)
    while start <= answer_end:
        line = doc.at(start)
        if line.kind in (Kind.BLANK, Kind.RULE, Kind.UNDERLINE) or (
                start < last_filled and line.kind is not Kind.OPAQUE
                and is_answer_label(line.body)):
            start += 1
            continue
        if line.kind is not Kind.OPAQUE and f.answer is None and (
                m := ANSWER_PREFIX_RE.match(line.text.lstrip(" \t"))):
            if not line.text[len(line.text) - len(line.text.lstrip(" \t")) + m.end():].strip():
                if start < last_filled:
                    start += 1
                    continue
                break
            prefix = len(line.text) - len(line.text.lstrip(" \t")) + m.end()
        break
    answer_end = _last_filled(doc, start - 1, answer_end) if start <= answer_end else start - 1
    return Placed(f, end, start, max(answer_end, start - 1), prefix)
