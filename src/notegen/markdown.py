"""The one Markdown parser setup, shared by the parse stage and the renderer.

Math is recognised before Markdown sees it: ``$…$``, ``$$…$$`` (also inline, mid-sentence),
``\\(…\\)`` and ``\\[…\\]``. The TeX inside is never touched, not even by a table's cell
splitting. ``$5 and $10`` is money, not math: an opening ``$`` must be followed, and a closing
``$`` preceded, by a non-space, and a closing ``$`` must not be followed by a digit.

Where notes differ from CommonMark on purpose:

- a raw HTML block starts only at a tag the renderer keeps as HTML (see sanitize.py); a line
  starting with ``<script>``, ``<textarea>`` or an unclosed ``<!--`` is a paragraph, so it
  cannot turn the rest of the answer into raw HTML;
- ``\\[1\\]`` (escaped brackets: a citation) is text, not display math;
- a ``[label]: url`` definition leaves a ``definition`` token, so one no link uses can be shown;
- nesting goes 100 levels deep (markdown-it drops what lies deeper; the renderer warns).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, html_block
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .sanitize import is_markup

MAX_NESTING = 100
_CITATION_RE = re.compile(r"\s*\d+(?:\s*[,–-]\s*\d+)*\s*")


def new_parser() -> MarkdownIt:
    """CommonMark with raw HTML, GFM tables and strikethrough, and math."""
    # inline_definitions: a `definition` token marks where each `[label]: url` line was.
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING,
                                   "inline_definitions": True})
    md.enable(["table", "strikethrough"])
    _use_math(md)
    md.inline.ruler.before("escape", "math_paren", paren_math)
    md.block.ruler.before("fence", "math_bracket", _bracket_math, {"alt": ["paragraph"]})
    md.block.ruler.at("html_block", _html_block,
                      {"alt": ["paragraph", "reference", "blockquote"]})
    return md


def cloze_parser() -> MarkdownIt:
    """``new_parser`` that also reads cloze deletions: ``==x==`` (with an optional
    ``^[hint]``), as Obsidian Spaced Repetition writes them, and Anki's ``{{c1::x}}`` /
    ``{{c1::x::hint}}``, nested or not. Each becomes ``cloze_open`` … ``cloze_close`` whose
    ``meta`` holds its number ``n`` and ``hint``. ``==x==`` deletions are numbered in order,
    one card each (as Obsidian Spaced Repetition makes them), skipping the numbers the text's
    ``{{cN::…}}`` deletions use."""
    md = new_parser()
    md.inline.ruler.push("cloze", _cloze)
    return md


def math_parser() -> MarkdownIt:
    """Text and math only, for plain-text titles: ``*`` and ``\\`` stay literal."""
    md = MarkdownIt("zero")
    _use_math(md)
    md.inline.ruler.before("text", "math_paren", paren_math)
    return md


def _use_math(md: MarkdownIt) -> None:
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           double_inline=True)


@dataclass
class _Finder:
    """``str.find`` of one needle that remembers its last answer: asking again from a later
    position before that answer costs nothing, so many openers without a closer stay linear."""

    needle: str
    text: str = ""
    start: int = 0
    found: int = -1

    def find(self, text: str, start: int) -> int:
        if text is not self.text or start < self.start or 0 <= self.found < start:
            self.text, self.start = text, start
            self.found = text.find(self.needle, start)
        return self.found


def find_closer(env: MutableMapping[str, Any], text: str, needle: str, start: int) -> int:
    """``text.find(needle, start)``, linear over one parse however often it is asked."""
    finders = env.setdefault("notegen_finders", {})
    if needle not in finders:
        finders[needle] = _Finder(needle)
    return int(finders[needle].find(text, start))


def paren_math(state: StateInline, silent: bool) -> bool:
    r"""Inline ``\(…\)``."""
    start = state.pos
    if not state.src.startswith("\\(", start):
        return False
    end = find_closer(state.env, state.src, "\\)", start + 2)
    if end < 0 or end == start + 2:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = state.src[start + 2 : end]
        token.markup = "\\("
    state.pos = end + 2
    return True


def _bracket_math(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    r"""Display ``\[…\]`` starting a line and closed by its first ``\]`` at the end of a line,
    no blank lines; ``\[1\]``, ``\[2, 3\]`` are citations, not math."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    first = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", first):
        return False
    line = start_line
    while line < end_line:
        begin = state.bMarks[line] + state.tShift[line] if line > start_line else first + 2
        text = state.src[begin : state.eMarks[line]].rstrip()
        if not text and line > start_line:
            return False
        if "\\]" in text:
            if not text.endswith("\\]") or text.index("\\]") != len(text) - 2:
                return False
            break
        line += 1
    else:
        return False
    close = state.src.rfind("\\]", first, state.eMarks[line])
    if _CITATION_RE.fullmatch(state.src, first + 2, close):
        return False
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = state.src[first + 2 : close]
    token.markup = "\\["
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True


def _html_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """CommonMark's HTML block, but only from a tag the renderer keeps as HTML."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[start : start + 1] != "<":  # tried at every line: be quick
        return False
    line = state.src[start : state.eMarks[start_line]]
    if line.startswith("<!--"):
        if find_closer(state.env, state.src, "-->", start + 4) < 0:
            return False
    elif not is_markup(line):
        return False
    return bool(html_block(state, start_line, end_line, silent))


# --- table cells: a `|` inside math is part of the math ----------------------------------------

def split_cells(row: str) -> list[str]:
    """A table row's cells, split at each ``|`` outside math and code spans. ``\\|`` is a
    literal ``|`` (GFM), except inside math, where every byte stays as written (``\\|w\\|``
    is TeX's norm)."""
    cells: list[str] = []
    current: list[str] = []
    pos = 0
    for start, end in _verbatim_spans(row):
        current.append(_split_plain(row[pos:start], cells, current))
        span = row[start:end]
        current.append(span if row[start] in "$\\" else span.replace("\\|", "|"))
        pos = end
    current.append(_split_plain(row[pos:], cells, current))
    cells.append("".join(current))
    return cells


def _split_plain(text: str, cells: list[str], current: list[str]) -> str:
    """Split ``text`` at unescaped pipes: finished cells go to ``cells``; returns the rest."""
    pieces = re.split(r"(?<!\\)\|", text)
    for piece in pieces[:-1]:
        current.append(piece.replace("\\|", "|"))
        cells.append("".join(current))
        current.clear()
    return pieces[-1].replace("\\|", "|")


_VERBATIM_OPEN_RE = re.compile(r"\\\(|\$|`+")


def _verbatim_spans(row: str) -> Iterator[tuple[int, int]]:
    """Math (read as the inline math rules read it) and code spans in a row, in order."""
    pos = 0
    while match := _VERBATIM_OPEN_RE.search(row, pos):
        start = match.start()
        end = _verbatim_end(row, start, match.group())
        if end is None:
            pos = match.end()
            continue
        yield start, end
        pos = end


def _verbatim_end(row: str, start: int, opener: str) -> int | None:
    if _escaped(row, start):
        return None
    if opener == "\\(":
        close = row.find("\\)", start + 2)
        return close + 2 if close > start + 2 else None
    if opener.startswith("`"):
        close = row.find(opener, start + len(opener))
        return close + len(opener) if close >= 0 else None
    return _dollar_end(row, start)


def _dollar_end(row: str, start: int) -> int | None:
    """Where ``$…$`` or ``$$…$$`` opened at ``start`` ends, by dollarmath's rules."""
    after = row[start + 1 : start + 2]
    if not after or after.isspace() or (start and row[start - 1].isdigit()):
        return None
    double = after == "$"
    pos = start + 2 if double else start + 1
    while (close := row.find("$", pos)) >= 0:
        if _escaped(row, close) or (double and row[close + 1 : close + 2] != "$"):
            pos = close + 1
            continue
        break
    else:
        return None
    end = close + 2 if double else close + 1
    content = row[start + (2 if double else 1) : close]
    if not content or row[close - 1].isspace() or row[end : end + 1].isdigit():
        return None
    return end


def _escaped(text: str, pos: int) -> bool:
    before = pos
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (pos - before) % 2 == 1


# markdown-it's table rule splits rows with this module-level function; ours keeps math whole.
# (The module, not the rule function that `markdown_it.rules_block.table` also names.)
vars(importlib.import_module("markdown_it.rules_block.table"))["escapedSplit"] = split_cells


# --- cloze deletions ---------------------------------------------------------------------------

_ANKI_OPEN_RE = re.compile(r"\{\{c(\d{1,4})::")
_HINT_RE = re.compile(r"\^\[([^\]\n]*)\]")


@dataclass
class _Clozes:
    """What the cloze rule knows about one inline text: which opener closes where."""

    src: str
    pairs: dict[int, int]
    """Opening position → position of its closing ``}}`` or ``==``."""


@dataclass
class ClozeNumbers:
    """Numbers for ``==x==`` deletions, in order, skipping those ``{{cN::`` uses."""

    taken: set[int] = field(default_factory=set)
    last: int = 0

    @classmethod
    def of(cls, text: str) -> ClozeNumbers:
        return cls({int(n) for n in _ANKI_OPEN_RE.findall(text)})

    def next(self) -> int:
        self.last += 1
        while self.last in self.taken:
            self.last += 1
        return self.last


def _cloze(state: StateInline, silent: bool) -> bool:
    start = state.pos
    src = state.src
    anki = _ANKI_OPEN_RE.match(src, start)
    if not anki and not src.startswith("==", start):
        return False
    close = _cloze_pairs(state).get(start)
    if close is None or close > state.posMax:
        return False
    content = anki.end() if anki else start + 2
    end = close + 2
    hint = None
    if anki:
        inner = src[content:close]
        if (sep := _top_level_hint(state, content, close)) is not None:
            hint, close = inner[sep - content + 2 :], sep
    elif hint_match := _HINT_RE.match(src, end):
        hint, end = hint_match.group(1), hint_match.end()
    if not silent:
        numbers = state.env.get("notegen_cloze_numbers")
        assert isinstance(numbers, ClozeNumbers)
        opened = state.push("cloze_open", "span", 1)
        opened.meta = {"n": int(anki.group(1)) if anki else numbers.next(), "hint": hint}
        old_max = state.posMax
        state.pos, state.posMax = content, close
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("cloze_close", "span", -1)
    state.pos = end
    return True


def _top_level_hint(state: StateInline, start: int, close: int) -> int | None:
    """Position of the ``::`` that starts a ``{{c1::x::hint}}`` hint, outside nested
    deletions and math."""
    for pos, kind in _cloze_marks(state, start, close):
        if kind == "::":
            return pos
    return None


def _cloze_pairs(state: StateInline) -> dict[int, int]:
    """Every deletion in the inline text, paired in one pass (kept in env)."""
    memo = state.env.get("notegen_clozes")
    if isinstance(memo, _Clozes) and memo.src is state.src:
        return memo.pairs
    pairs: dict[int, int] = {}
    # Stored first: a link label met on the way asks again, and must not start another pass.
    state.env["notegen_clozes"] = _Clozes(state.src, pairs)
    anki_open: list[int] = []
    highlight: int | None = None
    for pos, kind in _cloze_marks(state, 0, len(state.src), nested=True):
        if kind == "open":
            anki_open.append(pos)
        elif kind == "}}" and anki_open:
            pairs[anki_open.pop()] = pos
        elif kind == "==" and highlight is None:
            highlight = pos
        elif kind == "==" and highlight is not None:
            if pos > highlight + 2:
                pairs[highlight] = pos
            highlight = None
    return pairs


def _cloze_marks(state: StateInline, start: int, stop: int,
                 nested: bool = False) -> Iterator[tuple[int, str]]:
    """Cloze syntax between ``start`` and ``stop``, stepping over math, code and HTML as the
    inline parser reads them. Without ``nested``, what lies inside a nested ``{{cN::…}}``
    is skipped and only ``::`` is reported."""
    saved_pos, saved_max = state.pos, state.posMax
    state.posMax = stop
    pos, depth = start, 0
    try:
        while pos < stop:
            src = state.src
            if opener := _ANKI_OPEN_RE.match(src, pos):
                depth += 1
                if nested:
                    yield pos, "open"
                pos = opener.end()
            elif src.startswith("}}", pos):
                if nested:
                    yield pos, "}}"
                depth = max(0, depth - 1)
                pos += 2
            elif src.startswith("==", pos):
                if nested:
                    yield pos, "=="
                pos += 2
            elif src.startswith("::", pos) and not nested and depth == 0:
                yield pos, "::"
                pos += 2
            else:
                state.pos = pos
                state.md.inline.skipToken(state)
                pos = state.pos
    finally:
        state.pos, state.posMax = saved_pos, saved_max


class UsedReferences(dict[str, Any]):
    """``env["references"]`` that remembers the labels links looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return super().get(key, default)
