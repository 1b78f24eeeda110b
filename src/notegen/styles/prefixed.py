"""Prefixed questions and answers: ``Q: …`` / ``A: …``, ``Question: …`` / ``Answer: …``,
``问：…`` / ``答：…`` (bold or in a list item too). The labels are removed from the title
and the answer. A question counts when an answer line follows it.
"""

from __future__ import annotations

import re

from ..scan import Kind, Line
from .base import ANSWER_PREFIX_RE, Doc, Found, Reading, looks_like_question

NAME = "prefixed"
PRIORITY = 45
INLINE = True

_QUESTION_PREFIX_RE = re.compile(
    r"^(?:[-*+][ \t]+)?(?:\*\*|__)?(?:Q|Question|问|问题)[ \t]*\d*(?:\*\*|__)?[ \t]*[:：]"
    r"(?:\*\*|__)?[ \t]*(?=\S)", re.IGNORECASE)


def read(doc: Doc) -> Reading | None:
    if not any(line.body[:1] in _LABEL_STARTS and _ANSWER_SEEN_RE.match(line.text)
               for line in doc.lines if line.kind in (Kind.TEXT, Kind.BULLET)):
        return None
    asked = [(line, title) for line in doc.lines if (title := _question(doc, line)) is not None]
    found = []
    for i, (line, title) in enumerate(asked):
        answer = _answer_line(doc, line)
        if answer is not None:
            # A later question ends this answer, answered or not.
            limit = asked[i + 1][0].no if i + 1 < len(asked) else doc.last + 1
            found.append(Found(line.no, answer.no - 1, title, answer_start=answer.no,
                               end=_answer_end(doc, line, answer, limit),
                               closes_at_heading=True))
    return Reading(NAME, tuple(found), 0.95) if found else None


_LABEL_STARTS = "AaQq答问解回*_"  # how an answer line's text can start
_ANSWER_SEEN_RE = re.compile(r"(?i)^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?"
                             r"(?:A|Ans|Answer|答|答案|解答|回答)(?:\*\*|__)?[ \t]*[:：]")


def _question(doc: Doc, line: Line) -> str | None:
    """A question line: ``Q: …`` (``问：…``), or a line that asks with an answer label
    right under it (``* What is a key?`` over ``- ans: …``)."""
    if line.kind not in (Kind.TEXT, Kind.BULLET, Kind.ORDERED):
        return None
    text = line.text.lstrip(" \t")
    if line.kind is not Kind.ORDERED and (m := _QUESTION_PREFIX_RE.match(text)):
        return text[m.end():]
    after = doc.next_filled(line.no)
    if (after is not None and looks_like_question(line.body) and after.indent >= line.indent
            and ANSWER_PREFIX_RE.match(after.text.lstrip(" \t"))):
        return line.body
    return None


def _answer_end(doc: Doc, question: Line, answer: Line, limit: int) -> int:
    """The answer's paragraph, and what is indented under the question after it: a blank
    line followed by a line no deeper than the question ends it."""
    end = answer.no
    gap = False
    for line in doc.following(answer.no):
        if line.no >= limit or line.kind is Kind.HEADING:
            break
        if line.kind is Kind.BLANK:
            gap = True
            continue
        if gap and line.kind is not Kind.OPAQUE and line.indent <= question.indent:
            break
        end, gap = line.no, False
    return end


def _answer_line(doc: Doc, question: Line) -> Line | None:
    """The ``A:`` line after a question (the question may run over a few lines)."""
    for line in doc.following(question.no):
        if line.kind in (Kind.HEADING, Kind.OPAQUE) or (
                line.kind is not Kind.ORDERED and _QUESTION_PREFIX_RE.match(
                    line.text.lstrip(" \t"))):
            return None
        if ANSWER_PREFIX_RE.match(line.text.lstrip(" \t")):
            return line
        if line.kind is Kind.BLANK and line.no > question.no + 1:
            return None
    return None
