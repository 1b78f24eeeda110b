"""Numbered questions: ``## 12. …``, ``#### ○ 15. …``, ``### 3.1.1 …``, ``## 二 …``, ``1. …``,
``- 14. …``, ``**3.** …``.

Numbered headings are questions. A numbered item at the left margin (or a paragraph that
opens with a bold number) is a question when its number moves the numbering forward; one
whose number does not (``1.`` under question 12) starts a list inside that answer, and the
items that continue that list stay in the answer too. Numbers may repeat or go backwards
between headings, and start again after a section heading (``## Large Language Models``
followed by ``1. …``).

Numbers make a hierarchy: a numbered heading whose children (``3.1`` under ``3``, or a
deeper run that starts again at 1) are the questions is a section when it has no text of
its own; with text of its own it is a question, and its children are parts of its answer
unless they ask something themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..diagnostics import Diagnostic, warning
from ..scan import GLYPH_RE, Kind, Line, counted_number, strip_number
from .base import (
    Doc,
    Found,
    Reading,
    answer_marked,
    bold_lead_found,
    bold_lead_removed,
    is_answer_label,
    looks_like_question,
)

NAME = "numbered"
PRIORITY = 10


def read(doc: Doc) -> Reading | None:
    lines = _with_counted_numbers(doc)
    if not any(_candidate(line) for line in lines):
        return None
    questions, sections, problems = _flat(doc, lines)
    heads = [line for line in lines if line.no in questions and line.kind is Kind.HEADING]
    for head, children in _families(doc, heads):
        own = _own_text(doc, head, children[0])
        direct = [c for c in children if _is_child(c, head, direct_only=True)] or children
        if not own:
            questions.discard(head.no)
            sections.add(head.no)
        elif any(looks_like_question(_title(c)) for c in direct):
            questions.difference_update(c.no for c in children
                                        if not looks_like_question(_title(c)))
        else:
            questions.difference_update(c.no for c in children)
    found = tuple(_found(doc, lines[no - doc.first]) for no in sorted(questions))
    return Reading(NAME, found, _evidence(doc, found), frozenset(sections),
                   problems=tuple(problems))


def _with_counted_numbers(doc: Doc) -> list[Line]:
    """The note's lines, where a heading that reads as a count (``## 4 类变量``) but comes
    next in a run of numbered headings (after ``## 3 …``) has its number."""
    lines = doc.lines
    last: int | None = None
    for index, line in enumerate(lines):
        if line.kind is not Kind.HEADING:
            continue
        if line.no in doc.chapters:
            last = None
        elif line.number is not None:
            last = int(line.number) if line.number.isdigit() else None
        elif last is not None and (counted := counted_number(line.body)) == str(last + 1):
            if lines is doc.lines:
                lines = list(lines)
            lines[index] = replace(line, number=counted)
            last += 1
    return lines


def _candidate(line: Line) -> bool:
    """A numbered heading below the chapter level, a numbered item at the left margin or a
    paragraph opening with a bold number, with some text after its number."""
    if line.number is None or not line.body.strip() or answer_marked(line):
        return False
    if line.kind is Kind.HEADING:
        return line.level > 1
    if line.kind is Kind.TEXT:
        return line.indent < 2
    return line.top_level


def _flat(doc: Doc, lines: Sequence[Line]) -> tuple[set[int], set[int], list[Diagnostic]]:
    questions: set[int] = set()
    sections: set[int] = set()
    problems: list[Diagnostic] = []
    last: tuple[int, ...] | None = None  # number of the chapter's latest question
    under_heading = False  # that question is a heading
    inner: Line | None = None  # latest item of a numbered list inside an answer
    inner_loose = False  # that list has blank lines between its items
    restarts = _restarts_ahead(lines)
    level = 0  # heading level of the latest question (0 for an item)
    for index, line in enumerate(lines):
        if line.kind is Kind.HEADING and line.number is None and not answer_marked(line) and (
                line.no in doc.chapters or _sibling_section(line, level) or (
                    last is not None and not under_heading and restarts[index])):
            # A chapter; a plain heading beside the heading questions (## 建议 after ## 十三);
            # a section heading between item questions whose numbering then starts again.
            if line.no not in doc.chapters:
                sections.add(line.no)
            last, inner, level = None, None, 0
            continue
        if not _candidate(line) or line.number is None:
            continue
        number = as_tuple(line.number)
        blank_before = index > 0 and lines[index - 1].kind is Kind.BLANK
        advances = last is None or number > last
        continues = inner is not None and number == _successor(as_tuple(inner.number or "0"))
        # Both readings fit when it advances the questions and continues the list. Under a
        # heading question the list wins; after an item question, a blank line before it, in
        # a list without any, sets it apart from the list.
        ambiguous = advances and continues and not under_heading
        if line.kind is Kind.HEADING or (advances and not continues) or (
                ambiguous and blank_before and not inner_loose):
            questions.add(line.no)
            last, inner, under_heading = number, None, line.kind is Kind.HEADING
            level = line.level
        else:
            if ambiguous and line.marker is None and inner is not None:
                problems.append(warning(
                    doc.source.path, f"'{line.text.strip()}' could be question {line.number} "
                    f"or the next item of the list at line {inner.no}; read as part of the "
                    "answer. Mark it <!-- notegen: question --> if it is a question",
                    line.no, 1))
            inner_loose = continues and (inner_loose or blank_before)
            inner = line
    return questions, sections, problems


def _sibling_section(line: Line, level: int) -> bool:
    """An unnumbered heading no deeper than the heading question above it ends that
    question, unless a bullet glyph marks it as a point of the answer (``#### ○ MobileNet V2``
    under ``#### 25. MobileNet``, as OneNote exports them)."""
    return 0 < line.level <= level and not GLYPH_RE.match(line.body)


def _restarts_ahead(lines: Sequence[Line]) -> dict[int, bool]:
    """For each heading (by index): whether the next numbered candidate after it, before
    any other heading, numbers from 1 again."""
    ahead: dict[int, bool] = {}
    restart = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.kind is Kind.HEADING:
            ahead[index] = restart
            restart = False
        if line.number is not None and _candidate(line):
            restart = line.number == "1" or line.number.endswith(".1")
    return ahead


def _families(doc: Doc, heads: Sequence[Line]) -> list[tuple[Line, list[Line]]]:
    """Each numbered heading question with the deeper numbered headings under it that are
    its children: numbers extending its own (3.1 under 3), or a run starting at 1."""
    families = []
    for i, head in enumerate(heads):
        children: list[Line] = []
        for j in range(i + 1, len(heads)):
            later = heads[j]
            if later.level <= head.level or _chapter_between(doc, head, later):
                break
            if not (_is_child(later, head) or _restarted(later, children)):
                break
            children.append(later)
        if children:
            families.append((head, children))
    return families


def _restarted(line: Line, children: Sequence[Line]) -> bool:
    """A deeper run of plain numbers starting at 1 (一、Kotlin → 1、… 2、…)."""
    number = as_tuple(line.number or "0")
    if len(number) != 1:
        return False
    return number == (1,) if not children else len(as_tuple(children[0].number or "0")) == 1


def _chapter_between(doc: Doc, a: Line, b: Line) -> bool:
    return any(a.no < no < b.no for no in doc.chapters)


def _is_child(line: Line, head: Line, direct_only: bool = False) -> bool:
    mine, theirs = as_tuple(head.number or "0"), as_tuple(line.number or "0")
    if direct_only and len(theirs) != len(mine) + 1:
        return False
    return len(theirs) > len(mine) and theirs[: len(mine)] == mine


def _own_text(doc: Doc, head: Line, first_child: Line) -> int:
    return sum(1 for no in range(head.no + 1, first_child.no)
               if doc.at(no).kind not in (Kind.BLANK, Kind.HEADING))


def _title(line: Line) -> str:
    if line.kind is Kind.ORDERED:
        return line.body
    if line.kind is Kind.TEXT:
        return bold_lead_removed(line.body)
    return strip_number(line.body)


def _found(doc: Doc, line: Line) -> Found:
    if line.kind is Kind.TEXT:
        return bold_lead_found(line)
    return Found(line.no, line.no, _title(line), level=line.level, number=line.number)


def _evidence(doc: Doc, found: Sequence[Found]) -> float:
    """Numbered headings are strong evidence when there are a few of them, or when they are
    most of the headings at their levels (a bullet-glyph heading is a point of an answer,
    not a rival): one numbered heading among others is weak. Numbered
    items alone are, when no heading competes with them, or when they ask something and
    carry answers of their own (the numbered points of an answer do neither)."""
    if not found:
        return 0.0
    levels = {f.level for f in found if f.level}
    if levels:
        rivals = sum(1 for h in doc.headings if h.level in levels and h.number is None
                     and h.no not in doc.chapters and not GLYPH_RE.match(h.body))
        numbered = sum(1 for f in found if f.level)
        return 0.9 * min(1.0, max(numbered / 3, numbered / (numbered + rivals)))
    if not any(h.level > 1 and h.no not in doc.chapters for h in doc.headings):
        return 0.8
    asked = sum(1 for f in found
                if _answered(doc, doc.at(f.start)) and looks_like_question(f.title))
    return 0.8 * asked / len(found)


def _answered(doc: Doc, line: Line) -> bool:
    """An answer indented beneath the item, or an answer label after it."""
    after = doc.next_filled(line.no)
    if after is None or after.kind is Kind.HEADING:
        return False
    return after.indent >= line.indent + 2 or is_answer_label(after.body)


def as_tuple(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _successor(number: tuple[int, ...]) -> tuple[int, ...]:
    return (*number[:-1], number[-1] + 1)
