"""Q/A tables: a table whose header reads ``| Question | Answer |`` (``| 问题 | 回答 |``,
``| Q | A |`` …): each row is a card, its first cell the question and the next the answer.

Cells split at ``|`` outside math and code, so ``| L1 | $|x|_1$ |`` keeps its formula.
"""

from __future__ import annotations

import re

from ..scan import Kind
from .base import Doc, Found, Reading, looks_like_question

NAME = "table"
PRIORITY = 60
INLINE = True

_DELIMITER_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_QUESTION_HEADER_RE = re.compile(r"^(?:问题|题目|问|面试题|question|questions|q|prompt|front)$",
                                 re.IGNORECASE)
_ANSWER_HEADER_RE = re.compile(r"^(?:答案|回答|回答要点|解答|要点|答|参考答案|answer|answers|a|"
                               r"solution|back|explanation|解释)$", re.IGNORECASE)


def read(doc: Doc) -> Reading | None:
    if "|" not in doc.text:
        return None
    found = []
    lines = doc.lines
    for i in range(1, len(lines) - 1):
        header, delimiter = lines[i - 1], lines[i]
        if delimiter.kind is Kind.OPAQUE or not _DELIMITER_RE.match(delimiter.text):
            continue
        names = [_plain(cell) for cell in split_cells(header.text)]
        if len(names) < 2 or not (_QUESTION_HEADER_RE.match(names[0])
                                  and _ANSWER_HEADER_RE.match(names[1])):
            continue
        rows = []
        for row in lines[i + 1 :]:
            if row.kind is not Kind.TEXT or "|" not in row.text:
                break
            cells = split_cells(row.text)
            if cells and cells[0].strip():
                answer = cells[1].strip() if len(cells) > 1 else ""
                rows.append(Found(row.no, row.no, cells[0].strip(), end=row.no,
                                  answer_start=row.no, answer=answer))
        # A column headed by the letter Q may be data (an automaton's states): then its
        # cells must ask.
        if len(names[0]) > 1 or sum(looks_like_question(r.title) for r in rows) * 2 > len(rows):
            found.extend(rows)
    return Reading(NAME, tuple(found), 0.95) if found else None


def split_cells(row: str) -> list[str]:
    """The cells of a pipe-table row; ``|`` inside ``$…$``, ``$$…$$``, code spans or after
    a backslash belongs to the cell."""
    cells, current = [], []
    math = code = False
    i, text = 0, row.strip()
    if text.startswith("|"):
        text = text[1:]
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == "`" and not math:
            code = not code
        elif char == "$" and not code:
            math = not math
            if text.startswith("$$", i):
                current.append("$")
                i += 1
        elif char == "|" and not math and not code:
            cells.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    if "".join(current).strip():
        cells.append("".join(current))
    return cells


def _plain(cell: str) -> str:
    return cell.strip().strip("*_` ").strip()
