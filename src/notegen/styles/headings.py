"""Headings as questions: ``### What does a DOCTYPE do?``, Setext headings, or a note of
many ``#`` headings each with its own answer.

The question level is the one whose headings most often ask something (a question mark, an
interrogative, a task word such as "Describe"); with none that ask, the shallowest level
below the chapters. Where some headings of that level ask and others do not, the others are
sections (``## 编码实战`` between questions), not cards. Deeper headings are parts of the
answer. When the questions are the ``#`` headings themselves, the note is one chapter.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..scan import Kind, Line, strip_marker, strip_number
from .base import (
    Doc,
    Found,
    Reading,
    answer_marked,
    is_answer_label,
    is_question_label,
    is_references,
    looks_like_question,
)

NAME = "headings"
PRIORITY = 20


def read(doc: Doc) -> Reading | None:
    return _read(doc, asking_only=True)


def read_stated(doc: Doc) -> Reading | None:
    """Stated in front matter: every heading of the question level is a question."""
    return _read(doc, asking_only=False)


def _read(doc: Doc, asking_only: bool) -> Reading | None:
    by_level: dict[int, list[Line]] = defaultdict(list)
    for line in doc.headings:
        if _candidate(line) and not _contents_only(doc, line):
            by_level[line.level].append(line)
    ones = by_level.pop(1, [])
    if _own_answers(doc, ones):
        by_level[1] = ones
    if not by_level:
        return None
    asking = {level: _asking(heads) for level, heads in by_level.items()}
    # The level that divides the note: the shallowest one, unless a deeper level holds more
    # questions than it holds headings (## topics over ### questions). One asking heading
    # deep down does not decide.
    levels = sorted(by_level, key=lambda lv: (lv == 1, lv))
    level = next(lv for lv in levels if all(len(asking[deeper]) <= len(by_level[lv])
                                           for deeper in levels if deeper > lv) or lv == levels[-1])
    heads = by_level[level]
    # Many # headings, each with its own answer: every one is a question.
    chosen = asking[level] if asking_only and asking[level] and level > 1 else heads
    # Deeper headings that ask and answer themselves are follow-up questions.
    chosen = sorted([*chosen, *(h for lv, hs in by_level.items() if lv > level
                                for h in asking[lv] if _answers_itself(doc, h))],
                    key=lambda h: h.no)
    picked = {h.no for h in chosen}
    # A heading whose only text is the questions under it is their section, not a card.
    containers = {h.no for h in chosen if (after := doc.next_filled(h.no)) is not None
                  and after.no in picked and after.level > h.level}
    chosen = [h for h in chosen if h.no not in containers]
    picked -= containers
    chapters: frozenset[int] | None = frozenset() if level == 1 else None
    sections = frozenset(
        h.no for h in doc.headings
        if h.no not in picked and h.level <= level and not answer_marked(h)
        and (level == 1 or h.no not in doc.chapters))
    found = tuple(_found(doc, h) for h in chosen)
    return Reading(NAME, found, 0.5 + 0.4 * len(asking[level]) / len(heads), sections,
                   chapters)


def _asking(heads: list[Line]) -> list[Line]:
    """The headings that ask; all of them when the level labels its headings the same way
    ("Q1.", "Question 2", "第 3 题"), in whatever language the question is."""
    labelled = [h for h in heads if _LABELLED_RE.match(title(h))]
    if len(labelled) >= 2 and len(labelled) * 5 >= len(heads) * 4:
        return labelled
    return [h for h in heads if looks_like_question(title(h))]


_LABELLED_RE = re.compile(r"^[\W_]*(?:Q|Question|Problem|Exercise)[ \t]*\d+[ \t]*[.:：)、]|"
                          r"^[\W_]*第[ \t]*[\d一二三四五六七八九十百]+[ \t]*题", re.IGNORECASE)


def _answers_itself(doc: Doc, head: Line) -> bool:
    after = doc.next_filled(head.no)
    return after is not None and after.kind is not Kind.HEADING


def _contents_only(doc: Doc, head: Line) -> bool:
    """A table of contents: the heading's text is only links into the note."""
    links = 0
    for line in doc.following(head.no):
        if line.kind is Kind.HEADING:
            break
        if line.kind is not Kind.BLANK:
            if not _ANCHOR_LINK_RE.match(line.body):
                return False
            links += 1
    return links > 0


_ANCHOR_LINK_RE = re.compile(r"^\[[^\]]*\]\(#[^)]*\)\s*$")


def _candidate(line: Line) -> bool:
    text = title(line)
    return bool(text) and not answer_marked(line) and not is_references(text) and not (
        is_question_label(text) or is_answer_label(text))


def _own_answers(doc: Doc, heads: list[Line]) -> bool:
    """Many ``#`` headings, most with text of their own before the next heading."""
    if len(heads) < 2:
        return False
    own = 0
    for head in heads:
        after = doc.next_filled(head.no)
        if after is not None and after.kind not in (Kind.HEADING, Kind.UNDERLINE):
            own += 1
    return own * 2 > len(heads)


def title(line: Line) -> str:
    body = strip_marker(line.body).strip()
    return strip_number(body) if line.number else body


def _found(doc: Doc, line: Line) -> Found:
    underline = line.no < doc.last and doc.at(line.no + 1).kind is Kind.UNDERLINE
    head_end = line.no + 1 if underline else line.no
    return Found(line.no, head_end, title(line), level=line.level, number=line.number)
