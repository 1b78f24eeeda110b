"""Parse stage, part 1: classify every line of a note by how a reader sees it.

Lines inside code fences and display math are opaque, so a ``# comment`` or ``1.`` inside a
fence never becomes a chapter or a question. Every other line is classified by its visible
shape (heading, ordered item, bullet, text), the way a reader skims a page, not by
CommonMark's nesting rules: exported notes often put answer bullets at indent 0, where
CommonMark would make them siblings of the question list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from .diagnostics import Diagnostic, warning
from .read import SourceFile

# Bullet glyphs left behind by OneNote, Word and PDF exports: • ‣ ⁃ ∙ ·, the Geometric Shapes
# block (◆ ◇ ▶ ▪ □ ○ ● ■ …), stars, card suits, check marks, ❖, dingbat arrows (➢ ➤) and
# the Private Use Area symbols Word's Symbol/Wingdings bullets become.
GLYPH = (
    "[\u00b7\u2022\u2023\u2043\u2219\u25a0-\u25ff\u2605\u2606\u2660-\u2667"
    "\u2713\u2714\u2756\u2794-\u27bf\uf000-\uf0ff]"
)
GLYPH_RE = re.compile(GLYPH)
LEADING_GLYPHS_RE = re.compile(rf"^(?:{GLYPH}[ \t\u3000]*)+")

# The closing hashes are cut in code (``_heading_body``): a regex for them backtracks over a
# long run of spaces, once per space.
_HEADING_RE = re.compile(r"^( {0,3})(#{1,6})(?:[ \t]+(.*)|[ \t]*)$")
_ORDERED_RE = re.compile(r"^( *)(\d{1,9})([.)]|、)(?:[ \t]+(.*)|)$")
_BULLET_RE = re.compile(r"^( *)([-*+])(?:[ \t]+(.*)|)$")
# "12. ", "3.1.1 ", "12、" at the start of a heading or bullet, after any glyphs.
_NUMBER_RE = re.compile(
    rf"^(?:{GLYPH}[ \t\u3000]*)*(\d{{1,3}}(?:\.\d{{1,3}})*)"
    r"(?:(?:\.(?!\d)|[、)．）])[ \t\u3000]*|[ \t\u3000]+)(?=\S)"
)
_MARKER_RE = re.compile(r"<!--\s*notegen:\s*(question|answer)\s*-->", re.IGNORECASE)


class Kind(Enum):
    BLANK = "blank"
    HEADING = "heading"
    ORDERED = "ordered"
    BULLET = "bullet"
    TEXT = "text"
    OPAQUE = "opaque"
    """Inside a code fence or a display math block."""


class Marker(Enum):
    QUESTION = "question"
    ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    """1-based line number."""
    text: str
    kind: Kind
    indent: int = 0
    level: int = 0
    """Heading level (1-6), 0 for other lines."""
    body: str = ""
    """The text after the heading hashes or the list marker."""
    number: str | None = None
    """The question-style number the line starts with ("12", "3.1.1"), if any."""
    marker: Marker | None = None
    """An explicit ``<!-- notegen: question -->`` or ``<!-- notegen: answer -->``."""

    @property
    def top_level(self) -> bool:
        """A list item at the left margin (one stray space tolerated)."""
        return self.kind in (Kind.ORDERED, Kind.BULLET) and self.indent < 2


def scan(source: SourceFile) -> tuple[list[Line], list[Diagnostic]]:
    """Classify the lines of a note's body (everything after the front matter)."""
    opaque, problems = _opaque_lines(source)
    lines = [
        Line(no, text, Kind.OPAQUE) if no in opaque else classify(no, text)
        for no, text in enumerate(source.lines[source.body_start :], source.body_start + 1)
    ]
    return lines, problems


def classify(no: int, text: str) -> Line:
    if not text.strip():
        return Line(no, text, Kind.BLANK)
    found = _MARKER_RE.search(text)
    marker = Marker(found.group(1).lower()) if found else None
    if m := _HEADING_RE.match(text):
        body = _heading_body(m.group(3) or "")
        return Line(no, text, Kind.HEADING, len(m.group(1)), len(m.group(2)), body,
                    _number(body), marker)
    if m := _ORDERED_RE.match(text):
        return Line(no, text, Kind.ORDERED, len(m.group(1)), 0, m.group(4) or "",
                    str(int(m.group(2))), marker)
    if m := _BULLET_RE.match(text):
        body = m.group(3) or ""
        return Line(no, text, Kind.BULLET, len(m.group(1)), 0, body, _number(body), marker)
    indent = len(text) - len(text.lstrip(" "))
    return Line(no, text, Kind.TEXT, indent, 0, text.strip(), None, marker)


def _heading_body(text: str) -> str:
    """A heading's text without trailing spaces and its optional closing ``#`` sequence."""
    body = text.rstrip(" \t")
    unclosed = body.rstrip("#")
    if unclosed != body and (not unclosed or unclosed[-1] in " \t"):
        body = unclosed.rstrip(" \t")
    return body


def _number(body: str) -> str | None:
    m = _NUMBER_RE.match(body)
    return m.group(1) if m else None


def strip_number(body: str) -> str:
    """The body without its leading glyphs and number."""
    m = _NUMBER_RE.match(body)
    return body[m.end() :] if m else body


def strip_marker(text: str) -> str:
    return _MARKER_RE.sub("", text)


def _opaque_lines(source: SourceFile) -> tuple[set[int], list[Diagnostic]]:
    """Line numbers inside code fences and display math."""
    body = source.lines[source.body_start :]
    opaque: set[int] = set()
    problems: list[Diagnostic] = []
    for block in opaque_blocks(body):
        first = source.body_start + block.start + 1
        opaque.update(range(first, first + block.stop - block.start))
        if not block.closed:
            problems.append(warning(
                source.path,
                f"code fence is never closed: the {block.stop - block.start - 1} lines after "
                f"it are read as code; close it with a line of {block.markup}", first, 1))
    return opaque, problems


@dataclass(frozen=True, slots=True)
class Block:
    """Lines whose content is not Markdown: a code fence or display math."""

    start: int
    """Index of the opening line."""
    stop: int
    """Index after the closing line."""
    markup: str
    closed: bool = True


_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_MATH_CLOSE = {"$$": "$$", "\\[": "\\]"}


def opaque_blocks(lines: Sequence[str]) -> Iterator[Block]:
    """Code fences and multi-line display math, found the way a reader finds them: a fence
    opens at a line of three or more backticks or tildes (at any indent) and closes at the
    next line of at least as many of the same; ``$$`` (or ``\\[``) opens math that closes at
    the end of a later line, with no blank line between. One pass, no Markdown parse."""
    i = 0
    while i < len(lines):
        text = lines[i]
        if (m := _FENCE_RE.match(text)) and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = m.group(1)
            j = i + 1
            while j < len(lines) and not _closes(lines[j], fence):
                j += 1
            yield Block(i, min(j + 1, len(lines)), fence, closed=j < len(lines))
            i = j + 1
            continue
        opener = text.strip()[:2]
        # Math opens on a line that starts with $$ and holds no other $$ (a line like
        # "$$E=mc^2$$ where…" is inline math in a paragraph).
        if opener in _MATH_CLOSE and _MATH_CLOSE[opener] not in text.strip()[2:]:
            j = i + 1
            while j < len(lines) and lines[j].strip() and not lines[j].rstrip().endswith(
                    _MATH_CLOSE[opener]):
                j += 1
            if j < len(lines) and lines[j].strip():
                yield Block(i, j + 1, opener)
                i = j + 1
                continue
        i += 1


def _closes(line: str, fence: str) -> bool:
    text = line.strip()
    return text.startswith(fence) and set(text) == {fence[0]}
