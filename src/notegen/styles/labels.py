"""Labelled questions: a line or heading that only says "Question 3.", "第 2 题", "【问题】" or
"面试题", with the question's text after it.

The card starts at the label (or at a heading right above it, whose title then names the
card) and runs to the next label. The question is the text after the label up to the first
blank line; an answer label (``【解答】``, ``Answer:``) opening the answer is dropped.
"""

from __future__ import annotations

from ..scan import Kind, Line, strip_marker
from .base import Doc, Found, Reading, is_question_label

NAME = "labels"
PRIORITY = 40
_LONGEST_LABEL = 40  # a label is short; longer lines are not even tried


def read(doc: Doc) -> Reading | None:
    labels = [line for line in doc.lines if line.kind in (Kind.HEADING, Kind.TEXT)
              and len(line.body) <= _LONGEST_LABEL and is_question_label(strip_marker(line.body))]
    found = []
    for label in labels:
        if (f := _found(doc, label)) is not None:
            found.append(f)
    if not found:
        return None
    return Reading(NAME, tuple(found), 0.9)


def _found(doc: Doc, label: Line) -> Found | None:
    question = _question_lines(doc, label)
    if not question:
        return None
    start, title, level = label.no, question[0].body, label.level
    above = _heading_above(doc, label)
    if above is not None:
        start, title, level = above.no, above.body, above.level
    front = "\n".join(line.text for line in question) if above is not None or len(
        question) > 1 else ""
    return Found(start, question[-1].no, title, level=level, front=front)


def _question_lines(doc: Doc, label: Line) -> list[Line]:
    """The text after the label, to the first blank line (a heading or another label ends
    it too)."""
    lines: list[Line] = []
    for line in doc.following(label.no):
        if line.kind is Kind.BLANK:
            if lines:
                break
            continue
        if line.kind in (Kind.HEADING, Kind.RULE) or is_question_label(line.body):
            break
        lines.append(line)
    return lines


def _heading_above(doc: Doc, label: Line) -> Line | None:
    """A topic heading with nothing between it and a bare label below it."""
    if label.kind is Kind.HEADING:
        return None
    for no in range(label.no - 1, doc.first - 1, -1):
        line = doc.at(no)
        if line.kind is Kind.BLANK:
            continue
        if line.kind is Kind.HEADING and no not in doc.chapters:
            return line
        return None
    return None
