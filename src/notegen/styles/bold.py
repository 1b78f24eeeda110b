"""Bold questions: a line that is only ``**…？**`` (or ``__…?__``), followed by its answer.

A question mark is required: bold lines without one are labels inside answers (``**优缺点：**``).
Such questions often sit inside a heading's answer, so this reader also works inline: the
heading's card ends where the bold question starts. Any heading ends a bold question's
answer.
"""

from __future__ import annotations

import re

from ..scan import Kind, Line
from .base import Doc, Found, Reading

NAME = "bold"
PRIORITY = 50
INLINE = True

_BOLD_QUESTION_RE = re.compile(r"^(\*\*|__)(?!\s)(.+?[?？])(?<!\s)\1[ \t]*$|"
                               r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\3[ \t]*[?？][ \t]*$")


def read(doc: Doc) -> Reading | None:
    if "**" not in doc.text and "__" not in doc.text:
        return None
    found = [Found(line.no, line.no, question, closes_at_heading=True)
             for line in doc.lines if (question := _question(doc, line)) is not None]
    return Reading(NAME, tuple(found), 0.85) if found else None


def _question(doc: Doc, line: Line) -> str | None:
    if line.kind is not Kind.TEXT or line.indent >= 4:
        return None
    m = _BOLD_QUESTION_RE.match(line.body)
    if m is None:
        return None
    inner = m.group(2) or f"{m.group(4)}?"
    if "**" in inner or "__" in inner:
        return None  # two bold runs on one line: emphasis in a sentence, not a question
    after = doc.next_filled(line.no)
    if after is None or after.kind is Kind.HEADING or _QUESTION_LINE(after):
        return None  # no answer follows
    return inner


def _QUESTION_LINE(line: Line) -> bool:
    return line.kind is Kind.TEXT and bool(_BOLD_QUESTION_RE.match(line.body))
