"""Collapsible answers: ``<details><summary>Question</summary> answer </details>``, and a
question (a heading, a paragraph, a "Question 3." label and its text) followed by a
``<details>`` whose summary only says "Answer" or "答案".

The card ends at the closing ``</details>``; the answer is what the block holds after its
summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..scan import Kind, Line, strip_number
from .base import Doc, Found, Reading, is_answer_label, is_question_label, looks_like_question

NAME = "details"
PRIORITY = 30
INLINE = True

_OPEN_RE = re.compile(r"<details\b[^>]*>", re.IGNORECASE)
_CLOSE_RE = re.compile(r"</details\s*>", re.IGNORECASE)
_SUMMARY_RE = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
_NUMBER_RE = re.compile(r"^[ \t]*(\d{1,4})[ \t]*[-.)、:：][ \t]*(?=\S)")
# A line that starts an HTML block (not inline markup inside a paragraph).
_BLOCK_HTML_RE = re.compile(r"^[ \t]*</?(?:div|br|p|details|summary|table|center|hr|section|"
                            r"article|aside|figure|h[1-6])\b", re.IGNORECASE)
_SUMMARY_LINES = 4  # how far below <details> its summary may start


def read(doc: Doc) -> Reading | None:
    if not _OPEN_RE.search(doc.text):
        return None
    blocks = list(_blocks(doc))
    asking = sum(1 for b in blocks if looks_like_question(b.summary))
    questions_file = len(blocks) >= 3 and asking * 2 >= len(blocks)
    found: list[Found] = []
    for block in blocks:
        floor = found[-1].end if found and found[-1].end is not None else doc.first - 1
        if is_answer_label(block.summary):
            if (f := _answer_for(doc, block, floor)) is not None:
                found.append(f)
        elif (questions_file or looks_like_question(block.summary)
              or _NUMBER_RE.match(block.summary)):
            found.append(_question(block))
    if not found:
        return None
    return Reading(NAME, tuple(found), 0.95)


@dataclass(frozen=True, slots=True)
class _Block:
    open: int
    summary_line: int
    summary: str
    """The summary's text, tags removed."""
    close: int


def _blocks(doc: Doc) -> list[_Block]:
    """Each outermost, closed ``<details>`` block with a summary."""
    blocks = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind is Kind.OPAQUE or not _OPEN_RE.match(line.text.lstrip()):
            i += 1
            continue
        close = _closing(lines, i)
        summary = _summary(lines, i, close)
        if close is None or summary is None:
            i += 1
            continue
        blocks.append(_Block(line.no, summary[0], summary[1], lines[close].no))
        i = close + 1
    return blocks


def _closing(lines: Sequence[Line], start: int) -> int | None:
    depth = 0
    for j in range(start, len(lines)):
        if lines[j].kind is Kind.OPAQUE:
            continue
        text = lines[j].text
        depth += len(_OPEN_RE.findall(text)) - len(_CLOSE_RE.findall(text))
        if depth <= 0:
            return j
    return None


def _summary(lines: Sequence[Line], start: int, close: int | None) -> tuple[int, str] | None:
    stop = min(start + _SUMMARY_LINES, close if close is not None else len(lines) - 1)
    text = "\n".join(line.text for line in lines[start : stop + 1])
    m = _SUMMARY_RE.search(text)
    if m is None:
        return None
    line = lines[start + text[: m.end()].count("\n")]
    return line.no, _TAG_RE.sub("", m.group(1)).strip()


def _question(block: _Block) -> Found:
    number = _NUMBER_RE.match(block.summary)
    title = block.summary[number.end():] if number else block.summary
    return Found(block.open, block.summary_line, title, end=block.close,
                 answer_start=block.summary_line + 1, answer_end=block.close - 1,
                 number=number.group(1) if number else None)


def _answer_for(doc: Doc, block: _Block, floor: int) -> Found | None:
    """The question above a ``<details>`` that only holds its answer: back to the nearest
    heading, or else to a "Question 3." label, or else the last paragraph."""
    lines: list[Line] = []
    heading = None
    for no in range(block.open - 1, floor, -1):
        line = doc.at(no)
        if no in doc.chapters or line.kind is Kind.RULE or (
                line.kind is Kind.TEXT and _BLOCK_HTML_RE.match(line.text)):
            break
        lines.insert(0, line)
        if line.kind is Kind.HEADING:
            heading = line
            break
    while lines and lines[0].kind is Kind.BLANK:
        lines.pop(0)
    if heading is None:
        labels = [i for i, line in enumerate(lines) if is_question_label(line.body)]
        if labels:
            lines = lines[labels[-1]:]
        else:
            breaks = [i for i, line in enumerate(lines) if line.kind is Kind.BLANK]
            lines = lines[breaks[-1] + 1:] if breaks and breaks[-1] < len(lines) - 1 else lines
    while lines and lines[-1].kind is Kind.BLANK:
        lines.pop()
    if not lines:
        return None
    prompt = [line for line in lines if not (
        line.kind is not Kind.OPAQUE and is_question_label(line.body))]
    title = _title(heading, prompt)
    if not title:
        return None
    front_lines = [line.text for line in prompt
                   if not (line is heading and is_question_label(line.body))]
    front = "\n".join(front_lines).strip() if len([x for x in prompt if x.kind is not
                                                   Kind.BLANK]) > 1 else ""
    number = heading.number if heading is not None and heading in prompt else None
    return Found(lines[0].no, lines[-1].no, title, end=block.close,
                 answer_start=block.summary_line + 1, answer_end=block.close - 1,
                 level=heading.level if heading is lines[0] else 0, front=front, number=number)


def _title(heading: Line | None, prompt: Sequence[Line]) -> str:
    """The heading when it asks; else the first paragraph that asks, else the first."""
    if heading is not None and heading in prompt:
        return strip_number(heading.body) if heading.number else heading.body
    paragraphs = [line.body for line in prompt if line.kind is not Kind.BLANK
                  and line.kind is not Kind.OPAQUE and line.kind is not Kind.HEADING]
    return next((p for p in paragraphs if looks_like_question(p)),
                paragraphs[0] if paragraphs else "")
