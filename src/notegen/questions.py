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
    ``numbered`` when the file has numbered headings, or numbered items that are plainly
    questions (see ``infer_style``); else ``headings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .diagnostics import Diagnostic, error, warning
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
    options = source.front_matter.get("notegen") or {}
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


def assign_roles(lines: Sequence[Line], style: Style, path: str
                 ) -> tuple[Roles, list[Diagnostic]]:
    if style is Style.AUTO:
        style = infer_style(lines)
    chapters = frozenset(
        line.no for line in lines
        if line.kind is Kind.HEADING and line.level == 1 and line.marker is None
    )
    problems: list[Diagnostic] = []
    if style is Style.NUMBERED:
        found, problems = _numbered_questions(lines, path)
    elif style is Style.HEADINGS:
        found = _heading_questions(lines)
    else:
        found = set()
    found |= {line.no for line in lines if line.marker is Marker.QUESTION}
    found -= {line.no for line in lines if line.marker is Marker.ANSWER}
    return Roles(style, chapters, frozenset(found)), problems


def infer_style(lines: Sequence[Line]) -> Style:
    """Numbered headings make a file ``numbered``. Without them, numbered items are the
    questions when no heading competes, or when most of them carry an answer indented
    beneath (answer points rarely have answers of their own); else headings are."""
    if any(_numbered_candidate(line) and line.kind is Kind.HEADING for line in lines):
        return Style.NUMBERED
    items = [i for i, line in enumerate(lines) if _numbered_candidate(line)]
    if not items:
        return Style.HEADINGS
    if not any(line.kind is Kind.HEADING and line.level > 1 for line in lines):
        return Style.NUMBERED
    answered = sum(1 for i in items if _has_indented_answer(lines, i))
    return Style.NUMBERED if answered * 2 > len(items) else Style.HEADINGS


def _has_indented_answer(lines: Sequence[Line], index: int) -> bool:
    following = (line for line in lines[index + 1 :] if line.kind is not Kind.BLANK)
    nxt = next(following, None)
    return nxt is not None and nxt.kind is not Kind.HEADING and nxt.indent >= 2


def _numbered_candidate(line: Line) -> bool:
    """A numbered heading below the chapter level, or a numbered item at the left margin,
    with some text after its number."""
    if line.number is None or not line.body.strip():
        return False
    return (line.kind is Kind.HEADING and line.level > 1) or line.top_level


def _numbered_questions(lines: Sequence[Line], path: str) -> tuple[set[int], list[Diagnostic]]:
    questions: set[int] = set()
    problems: list[Diagnostic] = []
    last: tuple[int, ...] | None = None  # number of the chapter's latest question
    under_heading = False  # that question is a heading
    inner: Line | None = None  # latest item of a numbered list inside an answer
    inner_loose = False  # that list has blank lines between its items
    for index, line in enumerate(lines):
        if line.kind is Kind.HEADING and line.level == 1:
            last, inner = None, None
            continue
        if not _numbered_candidate(line) or line.number is None:
            continue
        number = _as_tuple(line.number)
        blank_before = index > 0 and lines[index - 1].kind is Kind.BLANK
        advances = last is None or number > last
        continues = inner is not None and number == _successor(_as_tuple(inner.number or "0"))
        # Both readings fit when it advances the questions and continues the list. Under a
        # heading question the list wins; after an item question, a blank line before it, in
        # a list without any, sets it apart from the list.
        ambiguous = advances and continues and not under_heading
        if line.kind is Kind.HEADING or (advances and not continues) or (
                ambiguous and blank_before and not inner_loose):
            questions.add(line.no)
            last, inner, under_heading = number, None, line.kind is Kind.HEADING
        else:
            if ambiguous and line.marker is None and inner is not None:
                problems.append(warning(
                    path, f"'{line.text.strip()}' could be question {line.number} or the next "
                    f"item of the list at line {inner.no}; read as part of the answer. Mark it "
                    "<!-- notegen: question --> if it is a question", line.no, 1))
            inner_loose = continues and (inner_loose or blank_before)
            inner = line
    return questions, problems


def _as_tuple(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))
def _successor(number: tuple[int, ...]) -> tuple[int, ...]:
    return (*number[:-1], number[-1] + 1)


def _heading_questions(lines: Sequence[Line]) -> set[int]:
    levels = [line.level for line in lines if line.kind is Kind.HEADING and line.level > 1]
    if not levels:
        return set()
    level = min(levels)
    return {line.no for line in lines if line.kind is Kind.HEADING and line.level == level}
