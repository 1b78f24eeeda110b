"""Render a card's Markdown to HTML, once, for every emitter.

The Anki deck and the site show the same HTML, so a card reads the same in both:

- math becomes ``<span class="arithmatex">\\(…\\)</span>`` or ``\\[…\\]`` with the TeX exactly as
  written (only ``<``, ``>`` and ``&`` escaped, as HTML requires); MathJax typesets it on the
  site and Anki's own MathJax in the app;
- code fences are highlighted here, with Pygments (no scripts, no CDN);
- raw HTML is kept only where sanitize.py's allow-list knows it; the rest shows as text, and
  every result is sanitized and balanced, so no card can break the next one;
- export damage is repaired for display only: rows of tab-separated cells become tables,
  paragraphs that start with a bullet glyph (□ ▪ •) become list items, a glyph after a list
  marker is dropped, and the whole answer is dedented; line numbers stay those of the notes;
- images inside the notes folder are media with flat, content-hashed names (``3f2a….png``);
  any other path is a warning and is never read;
- cloze fronts hold Anki's ``{{c1::…}}`` for the deck and click-to-reveal spans for the site.

A render depends only on its text, its place and the image files it names, so results are
cached by a digest of exactly that (cache.py), and many cards render on every core.
"""

from __future__ import annotations

import hashlib
import html
import marshal
import os
import re
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from . import sanitize
from .cache import Table, digest
from .diagnostics import Diagnostic, Severity, warning
from .ir import Card, CardKind
from .markdown import (
    MAX_NESTING,
    ClozeNumbers,
    UsedReferences,
    cloze_parser,
    find_closer,
    math_parser,
    new_parser,
)
from .scan import GLYPH_RE, LEADING_GLYPHS_RE, Kind, classify, opaque_blocks

_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


@dataclass(frozen=True, slots=True)
class Media:
    name: str
    """Flat, content-hashed file name, as the HTML refers to it."""
    file: Path


@dataclass(frozen=True, slots=True)
class RenderedCard:
    question: str
    """The front for Anki: the title, or the rendered ``front`` (with ``{{c1::…}}`` deletions
    on a cloze card)."""
    answer: str
    context: str
    """The shared lead-in shown above the question ("" when none)."""
    media: tuple[Media, ...]
    site_question: str
    """The front for the site: cloze deletions as ``<span class="ng-cloze">``, otherwise the
    same as ``question``."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    media: tuple[Media, ...]
    problems: tuple[Diagnostic, ...]


@dataclass
class _Env:
    """What one render collects while markdown-it walks the tokens."""

    folder: Path
    path: str
    first_line: int
    lines: Sequence[str]
    cut: int
    """The indent common to every line, which the render removes."""
    media: dict[str, Media] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    probes: dict[tuple[str, str], str] = field(default_factory=dict)
    """(folder, src) of every image consulted → what it resolved to (see ``_Found``)."""


@dataclass(frozen=True, slots=True)
class _Found:
    """What an image reference resolved to: media, a refusal, or nothing local."""

    media: Media | None = None
    refusal: str | None = None

    @property
    def fingerprint(self) -> str:
        if self.media:
            return f"media\x1f{self.media.name}\x1f{self.media.file}"
        return f"refused\x1f{self.refusal}" if self.refusal else "external"


# A cache entry, as marshal stores it: HTML parts, media (name, file), problems
# (path, line, col, severity, message), image probes (folder, src) and their fingerprint.
_Entry = tuple[tuple[str, ...], tuple[tuple[str, str], ...],
               tuple[tuple[str, int | None, int | None, str, str], ...],
               tuple[tuple[str, str], ...], str]


def _code_digest() -> str:
    """notegen's rendering code and the libraries it calls: a change to any is a new render."""
    here = Path(__file__).parent
    sources = [(here / name).read_bytes()
               for name in ("render.py", "markdown.py", "sanitize.py", "scan.py")]
    versions = [f"{name}={metadata.version(name)}"
                for name in ("markdown-it-py", "mdit-py-plugins", "pygments", "nh3")]
    return digest(*sources, *versions)


_SALT = _code_digest()
_NO_PROBES = digest()
# Below this many cards to render, starting worker processes costs more than it saves.
_PARALLEL_MIN = 400


class Renderer:
    """One markdown-it instance for the whole build; results cached by content."""

    def __init__(self, notes_root: Path, cache: Table | None = None) -> None:
        self._root = notes_root.resolve()
        self._cache = cache if cache is not None else Table({})
        self._md = _with_rules(new_parser())
        self._cloze_md = _with_rules(cloze_parser())
        self._titles = math_parser()
        self._found: dict[tuple[Path, str], _Found] = {}
        self._salt = digest(_SALT, str(self._root))
        self._done: dict[int, tuple[Card, tuple[RenderedCard, tuple[Diagnostic, ...]]]] = {}
        """This build's results by the card's identity (hashing a card would hash its whole
        text): each emitter asks for every card."""

    # --- the contract ------------------------------------------------------------------------

    def card(self, card: Card) -> tuple[RenderedCard, tuple[Diagnostic, ...]]:
        return self.cards([card])[0]

    def cards(self, cards: Sequence[Card], workers: int | None = None,
              ) -> list[tuple[RenderedCard, tuple[Diagnostic, ...]]]:
        """Every card, in order: from the cache where it holds them, the rest rendered (on
        every core when there are many, or on ``workers`` processes)."""
        done = self._done
        new = list({id(card): card for card in cards
                    if done.get(id(card), (None,))[0] is not card}.values())
        keys = [self._card_key(card) for card in new]
        entries = [self._cached(key) for key in keys]
        missing = [i for i, entry in enumerate(entries) if entry is None]
        for i, rendered in zip(missing, self._render_all([new[i] for i in missing], workers),
                               strict=True):
            entries[i] = rendered
            self._store(keys[i], rendered)
        for card, entry in zip(new, entries, strict=True):
            assert entry is not None
            done[id(card)] = (card, _card_result(entry))
        return [done[id(card)][1] for card in cards]

    def passage(self, path: str, first_line: int, text: str) -> Rendered:
        """Chapter text (its meta lines, a section's introduction) as HTML, with its media."""
        key = digest(self._salt, "passage", path, str(first_line), text)
        entry = self._cached(key)
        if entry is None:
            env = self._env(path, first_line, text)
            entry = _entry((self._markdown(self._md, text, env),), env)
            self._store(key, entry)
        (html_text,), media, problems = _parts(entry)
        return Rendered(html_text, media, problems)

    def title(self, title: str) -> str:
        """A plain-text title (or chapter or section name) as HTML, its math typeset-ready.
        Escaped text and math spans only: safe and balanced as built."""
        if "$" not in title and "\\(" not in title:
            return sanitize.escape(title)
        tokens = self._titles.parseInline(title)
        return "".join(
            _MATH_RENDER[token.type](token.content) if token.type in _MATH_RENDER
            else sanitize.escape(token.content)
            for token in (tokens[0].children or [] if tokens else [])
        )

    # --- rendering ---------------------------------------------------------------------------

    def _card_key(self, card: Card) -> str:
        # marshal: one unambiguous byte string of the fields, made in C (a rebuild asks this
        # of every card).
        return digest(self._salt, marshal.dumps((
            "card", card.kind.value, card.source.path, card.source.start, card.answer_start,
            card.title, card.front, card.context, card.answer)))

    def _render_all(self, cards: Sequence[Card], workers: int | None) -> list[_Entry]:
        workers = _workers(len(cards)) if workers is None else workers
        if workers < 2:
            return [self._render_card(card) for card in cards]
        # The workers are forked with the cards in memory: only each one's share (its first
        # card and the stride) and the rendered results cross between processes.
        with ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                                 initializer=_adopt, initargs=(self, cards)) as pool:
            done = list(pool.map(_render_share, range(workers), [workers] * workers))
        return [done[i % workers][i // workers] for i in range(len(cards))]

    def _render_card(self, card: Card) -> _Entry:
        env = self._env(card.source.path, card.answer_start, card.answer)
        answer = self._markdown(self._md, card.answer, env)
        if not (card.front.strip() or card.context.strip()):
            question = self.title(card.title)
            return _entry((question, answer, "", question), env)
        # The lines of the front and the context are not known apart: the card's first line.
        front_env = self._env(card.source.path, card.source.start, card.front)
        context_env = self._env(card.source.path, card.source.start, card.context)
        context = self._markdown(self._md, card.context, context_env)
        if card.kind is CardKind.CLOZE:
            site_question = self._markdown(self._cloze_md, card.front, front_env)
            question = anki_cloze(site_question)
        else:
            question = site_question = (self._markdown(self._md, card.front, front_env)
                                        if card.front.strip() else self.title(card.title))
        return _entry((question, answer, context, site_question), env, front_env, context_env)

    def _env(self, path: str, first_line: int, text: str) -> _Env:
        lines = [_tabs_as_spaces(line) for line in text.split("\n")]
        return _Env(Path(path).parent, path, first_line, lines, _indent(lines))

    def _markdown(self, md: MarkdownIt, text: str, env: _Env) -> str:
        if not text.strip():
            return ""
        numbers = ClozeNumbers.of(text)
        options: dict[str, Any] = {"notegen": env, "notegen_renderer": self,
                                   "notegen_cloze_numbers": numbers,
                                   "references": UsedReferences()}
        tokens = md.parse(_repair(env.lines, env.cut, md, options), options)
        _warn_if_truncated(tokens, env)
        return sanitize.clean(str(md.renderer.render(tokens, md.options, options)).strip())

    # --- images ------------------------------------------------------------------------------

    def resolve(self, folder: Path, src: str) -> _Found:
        """What an image reference names: a file inside the notes folder (after
        percent-decoding and resolving symlinks), or a refusal; never reads anything else."""
        key = (folder, src)
        if key not in self._found:
            self._found[key] = self._look_up(folder, src)
        return self._found[key]

    def _look_up(self, folder: Path, src: str) -> _Found:
        parts = urlsplit(src)
        if not src or parts.scheme or parts.netloc or src.startswith("/") or not parts.path:
            return _Found()
        try:
            file = (folder / unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, a loop of symlinks, unreadable
            return _Found(refusal=f"image not found: {src}")
        if not file.is_relative_to(self._root):
            return _Found(refusal=f"image outside the notes folder, not published: {src}")
        if not file.is_file():
            return _Found(refusal=f"image is not a regular file: {src}")
        try:
            with file.open("rb") as data:
                content = hashlib.file_digest(data, "sha256").hexdigest()
        except OSError as exc:
            return _Found(refusal=f"image cannot be read ({exc.strerror}): {src}")
        name = content[:16] + file.suffix.lower()
        return _Found(media=Media(name, file))

    # --- cache -------------------------------------------------------------------------------

    def _cached(self, key: str) -> _Entry | None:
        entry = self._cache.get(key)
        if entry is None or self._probes_digest(entry[3]) != entry[4]:
            return None
        return tuple(entry)

    def _store(self, key: str, entry: _Entry) -> None:
        self._cache.put(key, entry)

    def _probes_digest(self, probes: Sequence[tuple[str, str]]) -> str:
        if not probes:
            return _NO_PROBES
        return digest(*(self.resolve(Path(folder), src).fingerprint for folder, src in probes))


def _workers(cards: int) -> int:
    """Processes to render ``cards`` with: every core when there are enough to pay for
    starting them. Workers are forked, so they start in milliseconds with the parser
    already built; only from a process with one thread (``notegen serve`` has more), since
    a fork copies no other thread and could copy a lock one of them holds."""
    if (cards < _PARALLEL_MIN or sys.platform != "linux" or threading.active_count() > 1
            or "fork" not in get_all_start_methods()):
        return 1
    return len(os.sched_getaffinity(0))


_WORKER: list[tuple[Renderer, Sequence[Card]]] = []


def _adopt(renderer: Renderer, cards: Sequence[Card]) -> None:
    _WORKER.append((renderer, cards))


def _render_share(first: int, stride: int) -> list[_Entry]:
    renderer, cards = _WORKER[0]
    return [renderer._render_card(card) for card in cards[first::stride]]


def _entry(htmls: tuple[str, ...], *envs: _Env) -> _Entry:
    media = {m.name: m for env in envs for m in env.media.values()}
    problems = [p for env in envs for p in env.problems]
    probes = {key: value for env in envs for key, value in env.probes.items()}
    return (htmls,
            tuple((m.name, str(m.file)) for m in media.values()),
            tuple((p.path, p.line, p.col, p.severity.value, p.message) for p in problems),
            tuple(probes), digest(*probes.values()))


def _parts(entry: _Entry) -> tuple[tuple[str, ...], tuple[Media, ...], tuple[Diagnostic, ...]]:
    htmls, media, problems, _, _ = entry
    return (htmls, tuple(Media(name, Path(file)) for name, file in media),
            tuple(Diagnostic(path, line, col, Severity(severity), message)
                  for path, line, col, severity, message in problems))


def _card_result(entry: _Entry) -> tuple[RenderedCard, tuple[Diagnostic, ...]]:
    (question, answer, context, site_question), media, problems = _parts(entry)
    return RenderedCard(question, answer, context, media, site_question), problems


def _warn_if_truncated(tokens: Sequence[Token], env: _Env) -> None:
    """markdown-it drops whatever lies deeper than its nesting limit: say where."""
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1:
            line = env.first_line + (token.map[0] if token.map else 0)
            env.problems.append(warning(
                env.path, f"nested more than {MAX_NESTING // 2} levels deep: nothing from "
                "here to the end of this text is shown; nest it less deeply", line))
            return


# --- cloze deletions for Anki ------------------------------------------------------------------

_SPAN_RE = re.compile(r"<(/?)span\b([^>]*)>")
_CLOZE_ATTRS_RE = re.compile(r'data-cloze="(\d+)"')
_HINT_ATTR_RE = re.compile(r'title="([^"]*)"')
_ANKI_SYNTAX_RE = re.compile(r"\{\{|\}\}|::")
_ANKI_LITERAL = {"{{": "{&#123;", "}}": "}&#125;", "::": ":&#58;"}


def anki_cloze(site_html: str) -> str:
    """The site's cloze spans as Anki deletions ``{{cN::…::hint}}``. Anki reads ``{{c``,
    ``}}`` and ``::`` anywhere in the field, math included (a ``\\frac{a}{b}}`` would close
    the deletion early), so every other occurrence is written with a character reference:
    the same text to the reader and to MathJax, invisible to Anki's cloze parser."""
    out: list[str] = []
    closers: list[str | None] = []
    pos = 0
    for tag in _SPAN_RE.finditer(site_html):
        out.append(_anki_literal(site_html[pos : tag.start()]))
        pos = tag.end()
        if not tag.group(1):
            number = _CLOZE_ATTRS_RE.search(tag.group(2))
            if number and 'class="ng-cloze"' in tag.group(2):
                hint = _HINT_ATTR_RE.search(tag.group(2))
                out.append(f"{{{{c{number.group(1)}::")
                closers.append(f"::{_anki_literal(hint.group(1))}}}}}" if hint else "}}")
                continue
            closers.append(None)
        elif closers and (closer := closers.pop()) is not None:
            out.append(closer)
            continue
        out.append(_anki_literal(tag.group()))
    out.append(_anki_literal(site_html[pos:]))
    return "".join(out)


def _anki_literal(text: str) -> str:
    return _ANKI_SYNTAX_RE.sub(lambda m: _ANKI_LITERAL[m.group()], text)


# --- repairs on the Markdown source, for display ---------------------------------------------

def _tabs_as_spaces(line: str) -> str:
    """A line's leading TABs as the four columns each stands for, so that an answer indented
    with TABs (as Logseq and outliners write it) dedents like one indented with spaces. A
    line with TABs after its text is a row of cells, its leading TABs empty cells."""
    rest = line.lstrip(" \t")
    if "\t" not in line[: len(line) - len(rest)] or "\t" in rest:
        return line
    return line[: len(line) - len(rest)].expandtabs(4) + rest


def _indent(lines: Sequence[str]) -> int:
    return min((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), default=0)


def _dedent(lines: Sequence[str], cut: int) -> list[str]:
    """Lines less their common indent; the lines before the first one at the margin also
    less theirs: under ``1. Question`` they were the item's own children (its bullets,
    indented four spaces), not code, even when the answer goes on at the margin."""
    lines = [line[cut:] for line in lines]
    margin = next((i for i, line in enumerate(lines) if line.strip() and line[0] != " "),
                  len(lines))
    lead = _indent(lines[:margin])
    return [line[lead:] for line in lines[:margin]] + lines[margin:]


def _repair(lines: Sequence[str], cut: int, md: MarkdownIt, env: dict[str, Any]) -> str:
    """The text dedented and repaired, line for line (so token maps stay note lines)."""
    lines = _dedent(lines, cut)
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
                # One line of HTML and blank lines for the rest: the block ends there.
                out.extend([_table(lines[i:j], md, env)] + [""] * (j - i - 1))
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


def _opaque(lines: Sequence[str]) -> set[int]:
    """Lines inside fences and display math (most answers have none: no need to look)."""
    if not any(mark in line for line in lines for mark in _OPAQUE_MARKS):
        return set()
    return {i for block in opaque_blocks(lines) for i in range(block.start, block.stop)}


_OPAQUE_MARKS = ("```", "~~~", "$$", "\\[")


def _unglyph(line: str, levels: dict[str, int]) -> str:
    """``- ◆ x`` → ``- x``; a paragraph ``□ x`` → a list item, nested by the glyph's rank."""
    if not GLYPH_RE.search(line):
        return line
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


def _table(rows: Sequence[str], md: MarkdownIt, env: dict[str, Any]) -> str:
    """Tab-separated rows (a table that lost its markup) as an HTML table; the first row is
    the header, or the caption when it has a single cell."""
    cells = [[cell.strip() for cell in row.split("\t")] for row in rows]
    width = max(len(row) for row in cells)
    caption = ""
    if len([c for c in cells[0] if c]) == 1 and cells[0][0] and len(cells) > 2:
        caption = f"<caption>{md.renderInline(cells[0][0], env)}</caption>"
        cells = cells[1:]

    def row_html(row: list[str], tag: str) -> str:
        row = row + [""] * (width - len(row))
        return ("<tr>" + "".join(f"<{tag}>{md.renderInline(c, env)}</{tag}>" for c in row)
                + "</tr>")

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


def _with_rules(md: MarkdownIt) -> MarkdownIt:
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_display_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    md.add_render_rule("image", _image)
    md.add_render_rule("html_inline", _raw_html)
    md.add_render_rule("html_block", _raw_html)
    md.add_render_rule("definition", _definition)
    md.add_render_rule("cloze_open", _cloze_open)
    md.add_render_rule("cloze_close", _cloze_close)
    md.core.ruler.push("child_maps", _child_maps)
    md.core.ruler.push("close_inline_html", _close_inline_html)
    return md


def _math_inline(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: EnvType) -> str:
    return _math_inline_html(tokens[idx].content)


def _math_display_inline(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                         env: EnvType) -> str:
    return _math_display_html(tokens[idx].content)


def _math_block(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
    return _math_display_html(tokens[idx].content, "div") + "\n"


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language) if language else TextLexer()
    except ClassNotFound:
        return TextLexer()


def _fence(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return str(highlight(token.content, _lexer(language), _FORMATTER))


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
    return sanitize.markup(
        token.content, lambda src: _media_src(src, env, token),
        lambda pos: find_closer(env, token.content, "-->", pos))


def _definition(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
    """A ``[label]: url`` line no link uses is shown as written, not dropped."""
    token = tokens[idx]
    references: UsedReferences = env["references"]
    label = token.meta["id"]
    defined = dict.get(references, label)  # not `references.get`: that counts as a use
    if defined and defined["map"] == token.map and label in references.used:
        return ""
    state: _Env = env["notegen"]
    first, last = token.map or (0, 0)
    text = "\n".join(line[state.cut:] for line in state.lines[first:last])
    return f'<p class="ng-reference">{sanitize.escape(text)}</p>\n'


def _cloze_open(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                env: EnvType) -> str:
    meta = tokens[idx].meta
    hint = f' title="{sanitize.escape(meta["hint"])}"' if meta.get("hint") else ""
    return f'<span class="ng-cloze" data-cloze="{meta["n"]}" tabindex="0"{hint}>'


def _cloze_close(self: Rule, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: EnvType) -> str:
    return "</span>"


def _child_maps(state: Any) -> None:
    """Give inline tokens their block's line map, for ``path:line`` warnings."""
    for token in state.tokens:
        for child in token.children or ():
            child.map = token.map


def _close_inline_html(state: Any) -> None:
    """An inline tag left open (``a <b>stray`` ) is closed at the end of its paragraph, so it
    cannot bold the rest of the answer."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        open_tags: list[str] = []
        for child in token.children:
            if child.type == "html_inline" and (found := sanitize.element(child.content)):
                name, closing = found
                if not closing:
                    open_tags.append(name)
                elif name in open_tags:
                    del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name):]
        for name in reversed(open_tags):
            closer = Token("html_inline", "", 0)
            closer.content = f"</{name}>"
            token.children.append(closer)


def _media_src(src: str, env: EnvType, token: Token) -> str:
    """An image inside the notes folder becomes its media name; a refused one is a warning
    (and its path stays as written, pointing at nothing published); a URL is left alone."""
    state: _Env = env["notegen"]
    renderer: Renderer = env["notegen_renderer"]
    found = renderer.resolve(state.folder, src)
    if found.media is None and found.refusal is None:
        return src
    state.probes[(str(state.folder), src)] = found.fingerprint
    if found.media is None:
        line, col = _locate(state, token, src)
        state.problems.append(warning(state.path, str(found.refusal), line, col))
        return src
    state.media[found.media.name] = found.media
    return found.media.name


def _locate(state: _Env, token: Token, needle: str) -> tuple[int, int | None]:
    """The note line and column of ``needle`` within the token's block."""
    first, last = token.map or (0, len(state.lines))
    for no in range(first, min(last, len(state.lines))):
        if (col := state.lines[no].find(needle)) >= 0:
            return state.first_line + no, col + 1
    return state.first_line + first, None
