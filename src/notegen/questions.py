"""Parse stage, part 2: decide which lines are chapters and which are questions.

A file's question style is inferred from the file itself, or stated in its front matter::

    ---
    notegen:
      questions: numbered   # auto (default) | numbered | headings | marked
    ---

and a single line can always be marked, which beats any inference::

    - Transformer和CNN的区别 <!-- notegen: question -->
    ## 3. A heading that is not a question <!-- notegen: answer -->

Styles:

``numbered``
    Numbered headings below the chapter level (``## 12. …``, ``#### ○ 15. …``, ``### 3.1.1 …``)
    are questions. So are numbered items at the left margin (``1. …``, ``- 14. …``) where their
    number moves the chapter's numbering forward. A numbered item whose number does not (``1.``
    under question 12) starts a list inside that answer, and the items that continue that list
    stay in the answer too. Numbers may repeat or go backwards between headings.
``headings``
    Every heading at the shallowest level below the chapter level is a question.
``marked``
    Only marked lines are questions.
``auto``
    ``numbered`` when the file has numbered headings or items, else ``headings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .diagnostics import Diagnostic, error
from .read import SourceFile
from .scan import Kind, Line, Marker


class Style(Enum):
    AUTO = "auto"
    NUMBERED = "numbered"
    HEADINGS = "headings"
    MARKED = "marked"


@dataclass(frozen=True, slots=True)
class Roles:
    """Which lines start a chapter and which start a question."""

    style: Style
    """The style in effect (never AUTO)."""
    chapters: frozenset[int]
    questions: frozenset[int]


def declared_style(source: SourceFile) -> tuple[Style, list[Diagnostic]]:
    """The style stated in the front matter, AUTO when none is."""
    options = source.front_matter.get("notegen", {})
    if not isinstance(options, Mapping):
        return Style.AUTO, [error(source.path, "front matter 'notegen' must be a mapping", 2, 1)]
    value: Any = options.get("questions", Style.AUTO.value)
    try:
        return Style(str(value).strip().lower()), []
    except ValueError:
        choices = ", ".join(s.value for s in Style)
        line = _front_matter_line(source, "questions")
        return Style.AUTO, [error(source.path, f"notegen.questions is {value!r}; use one of: "
                                  f"{choices}", line, 1)]


def _front_matter_line(source: SourceFile, key: str) -> int:
    for no, text in enumerate(source.lines[: source.body_start], 1):
        if text.strip().startswith(f"{key}:"):
            return no
    return 1


def assign_roles(lines: Sequence[Line], style: Style) -> Roles:
    if style is Style.AUTO:
        style = Style.NUMBERED if any(_numbered_candidate(line) for line in lines) else (
            Style.HEADINGS)
    chapters = frozenset(
        line.no for line in lines
        if line.kind is Kind.HEADING and line.level == 1 and line.marker is None
    )
    if style is Style.NUMBERED:
        found = _numbered_questions(lines)
    elif style is Style.HEADINGS:
        found = _heading_questions(lines)
    else:
        found = set()
    found |= {line.no for line in lines if line.marker is Marker.QUESTION}
    found -= {line.no for line in lines if line.marker is Marker.ANSWER}
    return Roles(style, chapters, frozenset(found))


def _numbered_candidate(line: Line) -> bool:
    if line.number is None:
        return False
    return (line.kind is Kind.HEADING and line.level > 1) or line.top_level


def _numbered_questions(lines: Sequence[Line]) -> set[int]:
    questions: set[int] = set()
    last: tuple[int, ...] | None = None  # number of the chapter's latest question
    inner: tuple[int, ...] | None = None  # number of the latest item of a list inside an answer
    for line in lines:
        if line.kind is Kind.HEADING and line.level == 1:
            last = inner = None
            continue
        if not _numbered_candidate(line) or line.number is None:
            continue
        number = tuple(int(part) for part in line.number.split("."))
        if line.kind is Kind.HEADING:
            questions.add(line.no)
            last, inner = number, None
        elif inner is not None and number == _successor(inner):
            inner = number
        elif last is None or number > last:
            questions.add(line.no)
            last, inner = number, None
        else:
            inner = number
    return questions


def _successor(number: tuple[int, ...]) -> tuple[int, ...]:
    return (*number[:-1], number[-1] + 1)


def _heading_questions(lines: Sequence[Line]) -> set[int]:
    levels = [line.level for line in lines if line.kind is Kind.HEADING and line.level > 1]
    if not levels:
        return set()
    level = min(levels)
    return {line.no for line in lines if line.kind is Kind.HEADING and line.level == level}
