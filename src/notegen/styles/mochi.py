"""Mochi cards: a note whose text is split into sides by lines of exactly ``---`` (Mochi's
side break; its horizontal rule takes four or more dashes).

One Mochi document is one card: the first side is the question, the sides after it the
answer. A note of several cards in a row, each front and back split by ``---``, is read in
pairs. Mochi's clozes, ``{{x}}`` (all hidden on one card) and ``{{1::x}}`` (one card per
group), make the card a cloze card.
"""

from __future__ import annotations

import re

from ..ir import CardKind
from ..scan import Kind, Line
from .base import Doc, Found, Reading

NAME = "mochi"
PRIORITY = 70

_BREAK = "---"
_BREAK_RE = re.compile(r"(?:^|\n)[ \t]*---[ \t]*(?:\n|$)")
_CLOZE_RE = re.compile(r"\{\{(?:(\d+)::)?([^{}]+?)\}\}")


def read(doc: Doc) -> Reading | None:
    if not _BREAK_RE.search(doc.text):
        return None
    breaks = [line for line in doc.lines if line.kind is not Kind.OPAQUE
              and line.text.strip() == _BREAK]
    if not breaks:
        return None
    sides = _sides(doc, breaks)
    if len(sides) < 2 or any(not side for side in sides) or _sectioned(doc, sides):
        return None
    pairs = [sides] if len(sides) % 2 else [sides[i : i + 2] for i in range(0, len(sides), 2)]
    found = [_card(pair) for pair in pairs]
    return Reading(NAME, tuple(found), 0.8)


def _sectioned(doc: Doc, sides: list[list[Line]]) -> bool:
    """Headings of their own in the sides: a note of sections using ``---`` as a rule.
    (A side's last line above a break only looks like a Setext heading.)"""
    return any(line.kind is Kind.HEADING and line.level <= 2
               and doc.at(line.no + 1).kind is not Kind.UNDERLINE
               for side in sides for line in side if line.no < doc.last)


def _sides(doc: Doc, breaks: list[Line]) -> list[list[Line]]:
    """The runs of non-blank lines between the breaks (chapter headings left out)."""
    sides: list[list[Line]] = [[]]
    cut = {line.no for line in breaks}
    for line in doc.lines:
        if line.no in cut:
            sides.append([])
        elif line.kind is not Kind.BLANK and line.no not in doc.chapters:
            sides[-1].append(line)
    return sides


def _card(sides: list[list[Line]]) -> Found:
    front_lines, back = sides[0], [line for side in sides[1:] for line in side]
    front = "\n".join(line.text for line in front_lines)
    title = front_lines[0].body if front_lines[0].kind is Kind.HEADING else front_lines[0].text
    kind = CardKind.BASIC
    if _CLOZE_RE.search(front):
        front, kind = _anki_cloze(front), CardKind.CLOZE
        title = _CLOZE_RE.sub(lambda m: m.group(2), title)
    return Found(front_lines[0].no, front_lines[-1].no, title.strip(), end=back[-1].no,
                 answer_start=back[0].no, answer_end=back[-1].no, kind=kind,
                 front=front if len(front_lines) > 1 or kind is CardKind.CLOZE else "")


def _anki_cloze(text: str) -> str:
    """``{{x}}`` → ``{{c1::x}}`` (all plain deletions hidden together); ``{{2::x}}`` →
    ``{{c2::x}}``."""
    return _CLOZE_RE.sub(lambda m: f"{{{{c{m.group(1) or 1}::{m.group(2)}}}}}", text)
