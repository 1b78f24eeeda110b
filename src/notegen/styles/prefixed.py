"""Prefixed questions and answers: ``Q: …`` / ``A: …``, ``Question: …`` / ``Answer: …``,
``问：…`` / ``答：…`` (bold or in a list item too). The labels are removed from the title
and the answer. A question counts when an answer line follows it.
"""

from __future__ import annotations

import re

from ..scan import Kind, Line
from .base import ANSWER_PREFIX_RE, Doc, Found, Reading

NAME = "prefixed"
PRIORITY = 45
INLINE = True

_QUESTION_PREFIX_RE = re.compile(
    r"^(?:[-*+][ \t]+)?(?:\*\*|__)?(?:Q|Question|问|问题)[ \t]*\d*(?:\*\*|__)?[ \t]*[:：]"
    r"(?:\*\*|__)?[ \t]*(?=\S)", re.IGNORECASE)


def read(doc: Doc) -> Reading | None:
    if not re.search(r"(?im)^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:A|Answer|答|答案)", doc.text):
        return None
    asked = [(line, m) for line in doc.lines if line.kind in (Kind.TEXT, Kind.BULLET)
             and (m := _QUESTION_PREFIX_RE.match(line.text.lstrip(" \t")))]
    found = []
    for i, (line, m) in enumerate(asked):
        answer = _answer_line(doc, line)
        if answer is not None:
            # A later "Q:" ends this answer, answered or not.
            end = asked[i + 1][0].no - 1 if i + 1 < len(asked) else None
            found.append(Found(line.no, answer.no - 1, line.text.lstrip(" \t")[m.end():],
                               answer_start=answer.no, end=end, closes_at_heading=True))
    return Reading(NAME, tuple(found), 0.95) if found else None


def _answer_line(doc: Doc, question: Line) -> Line | None:
    """The ``A:`` line after a question (the question may run over a few lines)."""
    for line in doc.following(question.no):
        if line.kind in (Kind.HEADING, Kind.OPAQUE) or _QUESTION_PREFIX_RE.match(
                line.text.lstrip(" \t")):
            return None
        if ANSWER_PREFIX_RE.match(line.text.lstrip(" \t")):
            return line
        if line.kind is Kind.BLANK and line.no > question.no + 1:
            return None
    return None
