"""The one Markdown parser setup, shared by the parse stage and the renderer.

Math is recognised before Markdown sees it: ``$…$``, ``$$…$$`` (also inline, mid-sentence),
``\\(…\\)`` and ``\\[…\\]``. The TeX inside is never touched. ``$5 and $10`` is money, not math:
an opening ``$`` must be followed, and a closing ``$`` preceded, by a non-space, and a closing
``$`` must not be followed by a digit.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin


def new_parser() -> MarkdownIt:
    """CommonMark with raw HTML, GFM tables and strikethrough, and math."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    _use_math(md)
    md.inline.ruler.before("escape", "math_paren", paren_math)
    md.block.ruler.before("fence", "math_bracket", _bracket_math, {"alt": ["paragraph"]})
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


def paren_math(state: StateInline, silent: bool) -> bool:
    r"""Inline ``\(…\)``."""
    start = state.pos
    if not state.src.startswith("\\(", start):
        return False
    end = state.src.find("\\)", start + 2)
    if end < 0 or end == start + 2:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = state.src[start + 2 : end]
        token.markup = "\\("
    state.pos = end + 2
    return True


def _bracket_math(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    r"""Display ``\[…\]`` starting a line and closed at the end of a line, no blank lines."""
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
        if text.endswith("\\]"):
            break
        line += 1
    else:
        return False
    if silent:
        return True
    close = state.src.rfind("\\]", first, state.eMarks[line])
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = state.src[first + 2 : close]
    token.markup = "\\["
    token.map = [start_line, line + 1]
    state.line = line + 1
    return True
