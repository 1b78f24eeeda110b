"""Bold questions: a line that is only ``**…？**`` (or ``__…?__``), followed by its answer;
and paragraphs led by a bold number, ``**1)** Why …?`` or ``**2) Title**. Answer …``.

A question mark is required of a bold line: without one it is a label inside an answer
(``**优缺点：**``, ``**1) 无差错情况:**``). A bold number leads a question when its text asks,
or when a bold title is followed by its answer on the same line.
Such questions often sit inside a heading's answer, so this reader also works inline: the
heading's card ends where the bold question starts. Any heading ends a bold question's
answer.
"""

from __future__ import annotations

import re

from ..scan import Kind, Line
from ..titles import edge_tags
from .base import Doc, Found, Reading, bold_lead_found, looks_like_question

NAME = "bold"
PRIORITY = 50
INLINE = True

_BOLD_RE = re.compile(r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\1(.*)$")
_ASKS_RE = re.compile(r"[?？]\s*$")


def read(doc: Doc) -> Reading | None:
    if "**" not in doc.text and "__" not in doc.text:
        return None
    found = []
    for line in doc.lines:
        if (question := _question(doc, line)) is not None:
            found.append(question)
        elif line.kind is Kind.TEXT and line.number is not None and line.indent < 4:
            lead = bold_lead_found(line)
            if lead.answer_offset or looks_like_question(lead.title):
                found.append(lead)
    return Reading(NAME, tuple(found), 0.85) if found else None


def _question(doc: Doc, line: Line) -> Found | None:
    """``**Why …?**`` over its answer, or ``**Why …?** Because …`` with the answer beside it
    (emoji and difficulty marks after the question mark do not hide it)."""
    if line.kind is not Kind.TEXT or line.indent >= 4 or line.number is not None:
        return None
    m = _BOLD_RE.match(line.body)
    if m is None or "**" in m.group(2) or "__" in m.group(2):
        return None  # two bold runs on one line: emphasis in a sentence, not a question
    inner, rest = m.group(2), m.group(3)
    asks = _ASKS_RE.search(edge_tags(inner)[0]) or _ASKS_RE.fullmatch(rest.strip() or "x")
    if not asks:
        return None
    if rest.strip() and not _ASKS_RE.fullmatch(rest.strip()):
        offset = len(line.text) - len(rest.lstrip())
        return Found(line.no, line.no, inner, closes_at_heading=True, answer_start=line.no,
                     answer_offset=offset)
    after = doc.next_filled(line.no)
    if after is None or after.kind is Kind.HEADING or _question(doc, after) is not None:
        return None  # no answer follows
    return Found(line.no, line.no, inner + rest.strip(), closes_at_heading=True)
