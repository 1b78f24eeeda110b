"""Ordered-list questions with their answers indented beneath them (spaces or TABs)::

    1. [E] What is overfitting?
        The model learns the noise of its training data.
    2. [M] Given a dataset of 1,000 labelled images:
        1. How would you split it?
            80/10/10, stratified.
        2. What if the classes are unbalanced?
            Stratify, and weigh the loss.

An item whose nested items are questions themselves (they ask, or carry answers of their
own) is their shared context: each nested question is a card showing it. Difficulty labels
(``[E]`` ``[M]`` ``[H]``) become tags.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..scan import Kind, Line
from ..titles import edge_tags
from .base import Doc, Found, Reading, looks_like_question

NAME = "lists"
PRIORITY = 15


def read(doc: Doc) -> Reading | None:
    items = [line for line in doc.lines if line.kind is Kind.ORDERED and line.body.strip()]
    if not items:
        return None
    top = min(item.indent for item in items)
    found: list[Found] = []
    answered = 0
    outer = [item for item in items if item.indent == top]
    for item in outer:
        end = _region_end(doc, item)
        nested = _nested_questions(doc, item, end)
        if nested:
            lead, tags = edge_tags(item.body)
            context = _context(doc, lead, item, nested[0])
            found.extend(Found(q.no, q.no, q.body, end=_region_end(doc, q), context=context,
                               number=q.number, tags=tags) for q in nested)
            answered += 1
        elif end > item.no:
            found.append(Found(item.no, item.no, item.body, end=end, number=item.number))
            answered += 1
    if not found:
        return None
    # Nested questions under a shared lead-in are this style's own mark.
    strength = 0.9 if any(f.context for f in found) else 0.85
    return Reading(NAME, tuple(found), strength * answered / len(outer))


def _region_end(doc: Doc, item: Line) -> int:
    """Last line indented beneath the item (blank lines between its parts included)."""
    end = item.no
    for line in doc.following(item.no):
        if line.kind is Kind.BLANK:
            continue
        if line.kind is not Kind.OPAQUE and line.indent <= item.indent:
            break
        end = line.no
    return end


def _nested_questions(doc: Doc, item: Line, end: int) -> list[Line]:
    """The item's own nested items, when they are questions: each asks or has an answer
    indented beneath it."""
    inner = [doc.at(no) for no in range(item.no + 1, end + 1)
             if doc.at(no).kind is Kind.ORDERED and doc.at(no).indent > item.indent]
    if not inner:
        return []
    depth = min(line.indent for line in inner)
    nested = [line for line in inner if line.indent == depth]
    if all(looks_like_question(q.body) or _region_end(doc, q) > q.no for q in nested):
        return nested
    return []


def _context(doc: Doc, lead: str, item: Line, first: Line) -> str:
    """The item's own text, before its nested questions."""
    rest: Sequence[Line] = [doc.at(no) for no in range(item.no + 1, first.no)]
    return "\n".join([lead, *(line.text for line in rest)]).strip()
