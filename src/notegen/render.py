"""Render a card's Markdown to HTML, once, for every emitter.

The Anki deck and the site show the same HTML, so a card reads the same in both:

- math becomes ``<span class="arithmatex">\\(…\\)</span>`` or ``\\[…\\]`` with the TeX exactly as
  written (only ``<``, ``>`` and ``&`` escaped, as HTML requires); MathJax typesets it on the
  site and Anki's own MathJax in the app;
- code fences are highlighted here, with Pygments (no scripts, no CDN);
- export damage is repaired for display only: rows of tab-separated cells become tables,
  paragraphs that start with a bullet glyph (□ ▪ •) become list items, a glyph after a list
  marker is dropped, and the whole answer is dedented;
- images are copied as media with flat, content-hashed names (``3f2a….png``), the card
  pointing at that name.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from .diagnostics import Diagnostic, warning
from .ir import Card, Chapter
from .markdown import math_parser, new_parser
from .scan import GLYPH_RE, LEADING_GLYPHS_RE, Kind, classify, opaque_blocks

_IMG_TAG_SRC_RE = re.compile(r"(<img\b[^>]*?\bsrc\s*=\s*)([\"'])(.*?)\2", re.IGNORECASE)
_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


@dataclass(frozen=True, slots=True)
class Media:
    name: str
    """Flat, content-hashed file name, as the HTML refers to it."""
    file: Path


@dataclass(frozen=True, slots=True)
class RenderedCard:
    question: str
    answer: str
    context: str
    media: tuple[Media, ...]
    site_question: str


@dataclass
class _Env:
    """What one render call collects while markdown-it walks the tokens."""

    folder: Path
    path: str
    first_line: int
    media: dict[str, Media] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


class Renderer:
    """One markdown-it instance for the whole build; results cached by content."""

    def __init__(self) -> None:
        self._md = new_parser()
        self._md.add_render_rule("math_inline", _math_inline)
        self._md.add_render_rule("math_inline_double", _math_display_inline)
        self._md.add_render_rule("math_block", _math_block)
        self._md.add_render_rule("fence", _fence)
        self._md.add_render_rule("code_block", _fence)
        self._md.add_render_rule("heading_open", _heading)
        self._md.add_render_rule("heading_close", _heading)
        self._md.add_render_rule("image", _image)
        self._md.add_render_rule("html_inline", _raw_html)
        self._md.add_render_rule("html_block", _raw_html)
        self._md.core.ruler.push("child_maps", _child_maps)
        self._titles = math_parser()
        self._cache: dict[tuple[str, ...], tuple[RenderedCard, tuple[Diagnostic, ...]]] = {}

    def card(self, card: Card) -> tuple[RenderedCard, tuple[Diagnostic, ...]]:
        key = (card.source.path, str(card.answer_start), card.title, card.answer)
        if key not in self._cache:
            env = _Env(Path(card.source.path).parent, card.source.path, card.answer_start)
            answer = self._markdown(card.answer, env)
            question = self._markdown(card.front, env) if card.front else self.title(card.title)
            context = self._markdown(card.context, env)
            rendered = RenderedCard(question, answer, context, tuple(env.media.values()),
                                    question)
            self._cache[key] = (rendered, tuple(env.problems))
        return self._cache[key]

    def chapter_meta(self, chapter: Chapter) -> str:
        if chapter.meta_span is None:
            return ""
        env = _Env(Path(chapter.path).parent, chapter.path, chapter.meta_span.start)
        return self._markdown(chapter.meta, env)

    def title(self, title: str) -> str:
        """A plain-text title as HTML, its math typeset."""
        return "".join(
            _MATH_RENDER[token.type](token.content) if token.type in _MATH_RENDER
            else html.escape(token.content, quote=False)
            for token in self._title_tokens(title)
        )

    def title_markdown(self, title: str) -> str:
        """A plain-text title as Markdown that Python-Markdown reads back as the same text,
        its math left for arithmatex."""
        return "".join(
            f"{token.markup}{token.content}{_closing(token.markup)}" if token.type in _MATH_RENDER
            else markdown_text(token.content)
            for token in self._title_tokens(title)
        )

    def _title_tokens(self, title: str) -> list[Token]:
        tokens = self._titles.parseInline(title)
        return list(tokens[0].children or []) if tokens else []

    def _markdown(self, text: str, env: _Env) -> str:
        if not text.strip():
            return ""
        return str(self._md.render(_repair(text, self._md), {"notegen": env})).strip()


def markdown_text(text: str) -> str:
    """Plain text as Markdown: every ASCII punctuation mark as a character reference, so
    that nothing in it (``*``, ``[``, ``\\(``, ``$``, ``<``) means Markdown, HTML or math."""
    return _PUNCTUATION_RE.sub(lambda m: f"&#{ord(m.group())};", text)


_PUNCTUATION_RE = re.compile(r"[!-/:-@\[-`{-~]")


def _closing(markup: str) -> str:
    return "\\)" if markup == "\\(" else markup


# --- repairs on the Markdown source, for display ---------------------------------------------

def _repair(text: str, md: MarkdownIt) -> str:
    lines = _dedent(text.split("\n"))
    opaque = _opaque(lines)
    glyph_levels: dict[str, int] = {}
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _table_row(lines, i, opaque):
            j = i
            while _table_row(lines, j, opaque):
                j += 1
            if j - i >= 2:
                out.extend(["", _table(lines[i:j], md), ""])
                i = j
                continue
        out.append(lines[i] if i in opaque else _unglyph(lines[i], glyph_levels))
        i += 1
    return "\n".join(out)


def _table_row(lines: Sequence[str], i: int, opaque: set[int]) -> bool:
    """A line of tab-separated cells: a tab between two pieces of text, in no list item."""
    if i >= len(lines) or i in opaque or "\t" not in lines[i].strip():
        return False
    return classify(0, lines[i]).kind not in (Kind.BULLET, Kind.ORDERED)


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


def _opaque(lines: Sequence[str]) -> set[int]:
    return {i for block in opaque_blocks(lines) for i in range(block.start, block.stop)}


def _unglyph(line: str, levels: dict[str, int]) -> str:
    """``- ◆ x`` → ``- x``; a paragraph ``□ x`` → a list item, nested by the glyph's rank."""
    shape = classify(0, line)
    if shape.kind in (Kind.BULLET, Kind.ORDERED, Kind.HEADING) and GLYPH_RE.match(shape.body):
        start = line.index(shape.body)  # a heading's closing hashes stay after it
        return line[:start] + LEADING_GLYPHS_RE.sub("", shape.body) + line[start + len(shape.body):]
    if shape.kind is Kind.TEXT and (glyph := GLYPH_RE.match(line.lstrip(" "))):
        rest = LEADING_GLYPHS_RE.sub("", line.lstrip(" "))
        if rest:
            level = levels.setdefault(glyph.group(), len(levels))
            return " " * (shape.indent + 2 * level) + "- " + rest
    return line


def _table(rows: Sequence[str], md: MarkdownIt) -> str:
    """Tab-separated rows (a table that lost its markup) as an HTML table; the first row is
    the header, or the caption when it has a single cell."""
    cells = [[cell.strip() for cell in row.split("\t")] for row in rows]
    width = max(len(row) for row in cells)
    caption = ""
    if len([c for c in cells[0] if c]) == 1 and cells[0][0] and len(cells) > 2:
        caption = f"<caption>{md.renderInline(cells[0][0])}</caption>"
        cells = cells[1:]

    def row_html(row: list[str], tag: str) -> str:
        row = row + [""] * (width - len(row))
        return "<tr>" + "".join(f"<{tag}>{md.renderInline(c)}</{tag}>" for c in row) + "</tr>"

    head = f"<thead>{row_html(cells[0], 'th')}</thead>"
    body = "".join(row_html(row, "td") for row in cells[1:])
    return f'<table class="ng-table">{caption}{head}<tbody>{body}</tbody></table>'


# --- render rules ------------------------------------------------------------------------------

def _math_inline_html(tex: str) -> str:
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def _math_display_html(tex: str, tag: str = "span") -> str:
    """Display math; a ``span`` inside a paragraph, a ``div`` as a block of its own."""
    kind = "arithmatex" if tag == "div" else "arithmatex arithmatex-display"
    return f'<{tag} class="{kind}">\\[{html.escape(tex, quote=False)}\\]</{tag}>'


_MATH_RENDER = {
    "math_inline": _math_inline_html,
    "math_inline_double": _math_display_html,
}

Rule = Any  # markdown-it passes the renderer itself as the first argument


def _math_inline(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: EnvType) -> str:
    return _math_inline_html(tokens[idx].content)


def _math_display_inline(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                         env: EnvType) -> str:
    return _math_display_html(tokens[idx].content)


def _math_block(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
    return _math_display_html(tokens[idx].content, "div") + "\n"


def _fence(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    try:
        lexer = get_lexer_by_name(language) if language else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    return str(highlight(token.content, lexer, _FORMATTER))


def _heading(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
             env: EnvType) -> str:
    """Answer headings sit below the card's own heading: ``#`` → h3 … ``#####`` → h6."""
    token = tokens[idx]
    level = max(3, min(6, int(token.tag[1]) + 1))
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _image(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    token = tokens[idx]
    token.attrSet("src", _media_src(str(token.attrGet("src") or ""), env, token))
    return str(self.image(tokens, idx, options, env))


def _raw_html(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
              env: EnvType) -> str:
    token = tokens[idx]
    return _IMG_TAG_SRC_RE.sub(
        lambda m: m.group(1) + m.group(2) + html.escape(_media_src(html.unescape(m.group(3)),
                                                                   env, token)) + m.group(2),
        token.content,
    )


def _child_maps(state: Any) -> None:
    """Give inline tokens their block's line map, for ``path:line`` warnings."""
    for token in state.tokens:
        for child in token.children or ():
            child.map = token.map


def _media_src(src: str, env: EnvType, token: Token) -> str:
    """A relative image path becomes its media name; anything else is left alone."""
    state: _Env | None = env.get("notegen")
    parts = urlsplit(src)
    if state is None or not src or parts.scheme or parts.netloc or src.startswith("/"):
        return src
    file = state.folder / unquote(parts.path)
    if not file.is_file():
        line = state.first_line + (token.map[0] if token.map else 0)
        state.problems.append(warning(state.path, f"image not found: {src}", line))
        return src
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:16]
    media = Media(digest + file.suffix.lower(), file)
    state.media[media.name] = media
    return media.name
