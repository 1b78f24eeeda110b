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
_GLYPH_RANGES = ((0xB7, 0xB7), (0x2022, 0x2023), (0x2043, 0x2043), (0x2219, 0x2219),
                 (0x25A0, 0x25FF), (0x2605, 0x2606), (0x2660, 0x2667), (0x2713, 0x2714),
                 (0x2756, 0x2756), (0x2794, 0x27BF), (0xF000, 0xF0FF))
GLYPH = "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _GLYPH_RANGES) + "]"
GLYPH_RE = re.compile(GLYPH)
_GLYPHS = frozenset(chr(c) for lo, hi in _GLYPH_RANGES for c in range(lo, hi + 1))
_GLYPH_CHARS = "".join(sorted(_GLYPHS)) + " \t\u3000"  # for str.lstrip
LEADING_GLYPHS_RE = re.compile(rf"^(?:{GLYPH}[ \t\u3000]*)+")

# The closing hashes are cut in code (``_heading_body``): a regex for them backtracks over a
# long run of spaces, once per space.
_HEADING_RE = re.compile(r"^( {0,3})(#{1,6})(?:[ \t]+(.*)|[ \t]*)$")
_ORDERED_RE = re.compile(r"^(\d{1,9})([.)]|、)(?:[ \t]+(.*)|)$")
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# Chinese numerals as section and question numbers: 一 … 十三 … 九十九.
_HAN_DIGITS = "〇零一二两三四五六七八九"
_HAN_NUMERAL = f"[{_HAN_DIGITS}十百]{{1,4}}"
# What a number may start with: a Chinese numeral, or a bullet glyph before the digits.
_NUMBER_STARTS = frozenset(_HAN_DIGITS + "十百") | _GLYPHS
_HAN_VALUE = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
# "12. ", "3.1.1 ", "12、", "2.4激活函数", "一 OSI", "二、大前端" at the start of a heading or
# bullet, after any glyphs. A dotted number may touch the text that follows it; a plain one
# needs a separator; a Chinese numeral needs one too ("一些" is a word, not a number).
_NUMBER_RE = re.compile(
    rf"^(?:{GLYPH}[ \t\u3000]*)*"
    rf"(?:(\d{{1,3}}(?:\.\d{{1,3}})*)(?:(?:\.(?!\d)|[、)．）])[ \t\u3000]*|[ \t\u3000]+)"
    rf"|(\d{{1,3}}(?:\.\d{{1,3}})+)(?=[\u3400-\u9fff])"
    rf"|({_HAN_NUMERAL})(?:[、.．][ \t\u3000]*|[ \t\u3000]+))(?=\S)"
)
# A number that counts rather than numbers: "3 种方法", "2024 年总结".
_QUANTITY_RE = re.compile(r"^(\d+)[ \t\u3000]*(?:[种个次点类步条层项招件份位名倍年月日号])")
# A paragraph that opens with a bold number: "**1.** …", "**1)** …", "**14. Title**", "__2.__ …".
_BOLD_NUMBER_RE = re.compile(
    r"^(\*\*|__)[ \t]*(\d{1,3})[.)、](?!\d)[ \t]*(?:\1[ \t]*(?=\S)|(?=\S))")
_MARKER_RE = re.compile(r"<!--\s*notegen:\s*(question|answer)\s*-->", re.IGNORECASE)


class Kind(Enum):
    BLANK = "blank"
    HEADING = "heading"
    ORDERED = "ordered"
    BULLET = "bullet"
    TEXT = "text"
    RULE = "rule"
    """A thematic break: ``---``, ``***``, ``___``."""
    UNDERLINE = "underline"
    """The ``===`` or ``---`` under a setext heading."""
    OPAQUE = "opaque"
    """Inside a code fence or a display math block."""


class Marker(Enum):
    QUESTION = "question"
    ANSWER = "answer"


@dataclass(slots=True)  # not frozen: a note has a line object per line, made 5x faster so
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
    return _setext_headings(lines), problems


def classify(no: int, text: str) -> Line:
    rest = text.lstrip(" \t")
    if not rest or not rest.strip():
        return Line(no, text, Kind.BLANK)
    found = _MARKER_RE.search(text) if "<!--" in text else None
    marker = Marker(found.group(1).lower()) if found else None
    first = rest[0]
    if first == "#" and (m := _HEADING_RE.match(text)):
        body = _heading_body(m.group(3) or "")
        return Line(no, text, Kind.HEADING, len(m.group(1)), len(m.group(2)), body,
                    _number(body), marker)
    if first in "-*_" and rest.count(first) >= 3 and _RULE_RE.match(text):
        return Line(no, text, Kind.RULE, marker=marker)
    prefix = text[: len(text) - len(rest)]
    indent = len(prefix.expandtabs(4)) if "\t" in prefix else len(prefix)
    if first.isdigit() and (m := _ORDERED_RE.match(rest)):
        return Line(no, text, Kind.ORDERED, indent, 0, m.group(3) or "",
                    str(int(m.group(1))), marker)
    if first in "-*+" and (len(rest) == 1 or rest[1] in " \t"):
        body = rest[1:].strip(" \t")
        return Line(no, text, Kind.BULLET, indent, 0, body, _number(body), marker)
    body = rest.rstrip()
    lead = _BOLD_NUMBER_RE.match(body) if first in "*_" else None
    return Line(no, text, Kind.TEXT, indent, 0, body, lead.group(2) if lead else None, marker)


def _heading_body(text: str) -> str:
    """A heading's text without trailing spaces and its optional closing ``#`` sequence."""
    body = text.rstrip(" \t")
    unclosed = body.rstrip("#")
    if unclosed != body and (not unclosed or unclosed[-1] in " \t"):
        body = unclosed.rstrip(" \t")
    return body


def _setext_headings(lines: list[Line]) -> list[Line]:
    """A one-line paragraph underlined with ``===`` or ``---`` is a heading (a longer
    paragraph over ``---`` is read as text and a rule, the way most notes mean it)."""
    for i in range(1, len(lines)):
        under = lines[i]
        if under.kind not in (Kind.TEXT, Kind.RULE) or not _SETEXT_RE.match(under.text):
            continue
        above = lines[i - 1]
        before = lines[i - 2].kind if i >= 2 else Kind.BLANK
        if (above.kind is Kind.TEXT and above.indent < 4 and before in _PARAGRAPH_BREAKS
                and not above.body.startswith(("<", "|"))):
            level = 1 if under.text.strip()[0] == "=" else 2
            lines[i - 1] = Line(above.no, above.text, Kind.HEADING, above.indent, level,
                                above.body, _number(above.body), above.marker)
            lines[i] = Line(under.no, under.text, Kind.UNDERLINE, marker=under.marker)
    return lines


_PARAGRAPH_BREAKS = (Kind.BLANK, Kind.HEADING, Kind.RULE, Kind.OPAQUE, Kind.UNDERLINE)


def _number(body: str) -> str | None:
    if not body or not (body[0].isdigit() or body[0] in _NUMBER_STARTS):
        return None
    if body[0] in _GLYPHS:  # a bullet glyph: a number may follow it
        after = body.lstrip(_GLYPH_CHARS)[:1]
        if not (after.isdigit() or after in _NUMBER_STARTS):
            return None
    m = _NUMBER_RE.match(body)
    if not m or _QUANTITY_RE.match(body):
        return None
    if m.group(3):
        return str(han_number(m.group(3)))
    return m.group(1) or m.group(2)


def han_number(numeral: str) -> int:
    """一 → 1, 十三 → 13, 二十 → 20, 一百零五 → 105."""
    total = current = 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _HAN_VALUE[char]
    return total + current


def counted_number(body: str) -> str | None:
    """The number of a heading like ``4 类变量``, which reads as a count ("4 kinds of
    variable") unless it comes next in a run of numbers: the caller decides."""
    m = _QUANTITY_RE.match(body)
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


_FENCE_RE = re.compile(r"^([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*)(`{3,}|~{3,})(.*)$")
_ITEM_RE = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)")
_MATH_CLOSE = {"$$": "$$", "\\[": "\\]"}


def opaque_blocks(lines: Sequence[str]) -> Iterator[Block]:
    """Code fences and multi-line display math, found the way a reader finds them: a fence
    opens at a line of three or more backticks or tildes (at any indent, or after a list
    marker) and closes at the next line of at least as many of the same; a fence inside a
    list item also ends with the item (a line indented less than the item's text), as
    CommonMark has it. ``$$`` (or ``\\[``) opens math that closes at the end of a later line,
    with no blank line between. One pass, no Markdown parse."""
    i = 0
    while i < len(lines):
        text = lines[i]
        if ("``" in text or "~~" in text) and (m := _FENCE_RE.match(text)) and not (
                m.group(2)[0] == "`" and "`" in m.group(3)):
            fence = m.group(2)
            container = _item_column(lines, i, m.group(1))
            j = i + 1
            while j < len(lines) and not _closes(lines[j], fence):
                if container and lines[j].strip() and _indent(lines[j]) < container:
                    break  # the list item holding the fence has ended
                j += 1
            if j < len(lines) and not _closes(lines[j], fence):
                yield Block(i, j, fence)
                i = j
            else:
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


def _indent(line: str) -> int:
    rest = line.lstrip(" \t")
    return len(line[: len(line) - len(rest)].expandtabs(4))


def _item_column(lines: Sequence[str], i: int, prefix: str) -> int:
    """The text column of the list item a fence sits in (0 when it is in none): the fence's
    own line when it opens after a list marker, else the nearest item above whose text the
    fence (and every line between) is indented under."""
    column = len(prefix.expandtabs(4))
    if _ITEM_RE.match(prefix):
        return column
    if column < 2:
        return 0
    floor = column  # the least indent seen between the item and the fence
    for k in range(i - 1, max(-1, i - 200), -1):
        if not lines[k].strip():
            continue
        if item := _ITEM_RE.match(lines[k]):
            content = len(item.group(1).expandtabs(4))
            if content <= floor:
                return content
        floor = min(floor, _indent(lines[k]))
        if floor < 2:
            return 0
    return 0


def _closes(line: str, fence: str) -> bool:
    text = line.strip()
    return text.startswith(fence) and set(text) == {fence[0]}
