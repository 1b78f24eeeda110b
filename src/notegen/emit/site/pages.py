"""The site's pages as finished HTML, which no Markdown engine reads again (plugin.py hands it
to MkDocs as it is).

One page per place in the deck (``chapter.deck_path``): the chapters of every file with that
place, each holding in source order its text (date stamps, section headings and what they
introduce) and its cards. A card is an ``<article>``: the shared context, the question as a
heading that opens the answer, the tags, and the answer waiting in a ``<details>`` block.
The home page lists the pages and offers the deck.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from ...cache import digest
from ...diagnostics import Diagnostic
from ...ir import Card, Chapter, Deck, Passage
from ...render import Media, RenderedCard, Renderer
from ...sanitize import escape
from ..anki import tag as anki_tag

LABELS = {
    "zh": {"answer": "答案", "show_all": "显示全部答案", "hide_all": "隐藏全部答案",
           "download": "下载 Anki 牌组", "chapter": "章节", "cards": "卡片",
           "no_answer": "（笔记中没有答案）", "total": "共 {cards} 张卡片，{chapters} 个章节",
           "home": "首页", "dark_mode": "深色模式", "light_mode": "浅色模式", "study": "学习",
           "needs_script": "学习模式需要 JavaScript。"},
    "en": {"answer": "Answer", "show_all": "Show all answers", "hide_all": "Hide all answers",
           "download": "Download the Anki deck", "chapter": "Chapter", "cards": "Cards",
           "no_answer": "(no answer in the notes)",
           "total": "{cards} cards in {chapters} chapters", "home": "Home",
           "dark_mode": "Dark mode", "light_mode": "Light mode", "study": "Study",
           "needs_script": "The study mode needs JavaScript."},
}
HOME = "index.md"
TITLE_ID = "title"
"""The id of every page's ``<h1>``; card ids are a letter and 11 base-32 characters and
section ids start with ``s-``, so none can take it."""

_INDEX = "index.md"


def labels_for(language: str) -> Mapping[str, str]:
    """The words the pages show, in the site's language (Chinese or English)."""
    return LABELS["zh" if language.startswith("zh") else "en"]


@dataclass(frozen=True, slots=True)
class SitePage:
    """The chapters (of one file or several) that share one place in the deck."""

    path: str
    """The page's file in the site's sources: ``folder/chapter/index.md``."""
    deck_path: tuple[str, ...]
    chapters: tuple[Chapter, ...]

    @property
    def title(self) -> str:
        return self.deck_path[-1]

    @property
    def url(self) -> str:
        return html_path(self.path)

    @property
    def address(self) -> str:
        """``url``, as a link writes it."""
        return quote(self.url)

    @property
    def link(self) -> str:
        """The page's address on a web server, relative to the site root (``chapter/``)."""
        return quote(self.path.removesuffix(_INDEX))

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for chapter in self.chapters for card in chapter.cards)


def html_path(source: str) -> str:
    """Where a page from ``chapter/index.md`` is written, relative to the site root: a file,
    not a folder, so that links work from file:// too."""
    return source.removesuffix(".md") + ".html"


def site_pages(deck: Deck) -> list[SitePage]:
    """The pages in the order their first chapter comes in the notes, each in a folder of its
    own named after its deck path (unique and URL-friendly)."""
    grouped: dict[tuple[str, ...], list[Chapter]] = {}
    for chapter in deck.chapters:
        grouped.setdefault(chapter.deck_path, []).append(chapter)
    taken: set[str] = set()
    pages = []
    for deck_path, chapters in grouped.items():
        folders = [slugify(name) or "folder" for name in deck_path[:-1]]
        base = "/".join([*folders, slugify(deck_path[-1]) or "chapter"])
        path, n = base, 2
        while path in taken:
            path, n = f"{base}-{n}", n + 1
        taken.add(path)
        pages.append(SitePage(f"{path}/{_INDEX}", deck_path, tuple(chapters)))
    return pages


def card_pages(deck: Deck) -> dict[str, str]:
    """Card id → the address of its page on a web server, relative to the site root."""
    return {card.id: page.link for page in site_pages(deck) for card in page.cards}


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    return "-".join(re.findall(r"\w+", text))


@dataclass(frozen=True, slots=True)
class Heading:
    """An entry of a page's table of contents."""

    id: str
    title: str
    """HTML."""
    level: int
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True, slots=True)
class Searchable:
    """A part of a page the search finds: the page itself, a section, or a card."""

    location: str
    """Relative to the site root, with the part's anchor (as UTF-8: the search resolves it
    as a URL, and the index is the smaller for it)."""
    title: str
    """HTML, as the page shows it."""
    body: tuple[str, ...]
    """HTML of the text the part holds, in pieces (kept as the page holds them)."""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageContent:
    html: str
    toc: Heading
    """The page's ``<h1>``, everything else below it."""
    media: tuple[Media, ...]
    """The images the page shows; they sit beside it under their flat names, as in Anki."""
    searchable: tuple[Searchable, ...]
    problems: tuple[Diagnostic, ...]
    digest: str
    """Of everything the page shows (its HTML and its table of contents), so of its search
    entries too: what lets a rebuild take the page, and its entries, from the last one."""


def _content(html: str, toc: Heading, media: tuple[Media, ...],
             searchable: tuple[Searchable, ...], problems: tuple[Diagnostic, ...]
             ) -> PageContent:
    return PageContent(html, toc, media, searchable, problems, digest(html, repr(toc)))


def page_content(page: SitePage, rendered: Sequence[tuple[RenderedCard, tuple[Diagnostic, ...]]],
                 renderer: Renderer, labels: Mapping[str, str]) -> PageContent:
    """A chapter page; ``rendered`` holds its cards, in order."""
    writer = _Writer(page, renderer, labels)
    results = iter(rendered)
    for n, chapter in enumerate(page.chapters):
        writer.chapter(chapter)
        if n == 0 and page.cards:
            writer.toolbar()
        before: dict[int, list[Passage]] = defaultdict(list)
        for passage in chapter.passages:
            before[passage.before].append(passage)
        for i, card in enumerate(chapter.cards):
            for passage in before[i]:
                writer.passage(passage)
            writer.card(card, *next(results))
        for passage in before[len(chapter.cards)]:
            writer.passage(passage)
    return writer.finish()


def home_content(title: str, pages: Sequence[SitePage], apkg_name: str,
                 labels: Mapping[str, str]) -> PageContent:
    rows = "".join(
        f'<tr><td><a href="{page.address}">{escape(" / ".join(page.deck_path))}</a></td>'
        f"<td>{len(page.cards)}</td></tr>"
        for page in pages)
    cards = sum(len(page.cards) for page in pages)
    total = labels["total"].format(cards=cards, chapters=len(pages))
    heading = escape(title)
    return _content(
        html=(f"{_h1(heading)}\n<p>{escape(total)}</p>\n"
              f'<p><a class="md-button md-button--primary" href="{quote(apkg_name)}" '
              f'download="{escape(apkg_name)}">{escape(labels["download"])}</a></p>\n'
              f"<table><thead><tr><th>{escape(labels['chapter'])}</th>"
              f"<th>{escape(labels['cards'])}</th></tr></thead><tbody>{rows}</tbody></table>\n"),
        toc=Heading(TITLE_ID, heading, 1), media=(), searchable=(), problems=())


def study_content(labels: Mapping[str, str]) -> PageContent:
    """The Study page: assets/site/study.js fills it; the search leaves it out."""
    heading = escape(labels["study"])
    return _content(
        html=(f'{_h1(heading)}\n<div class="ng-study-page"><noscript>'
              f'{escape(labels["needs_script"])}</noscript></div>\n'),
        toc=Heading(TITLE_ID, heading, 1), media=(), searchable=(), problems=())


def _h1(title: str) -> str:
    return f'<h1 id="{TITLE_ID}">{title}<a class="headerlink" href="#{TITLE_ID}">¶</a></h1>'


@dataclass
class _Node:
    """A table-of-contents entry while the page is written."""

    id: str
    title: str
    level: int
    children: list[_Node] = field(default_factory=list)

    def frozen(self) -> Heading:
        return Heading(self.id, self.title, self.level,
                       tuple(child.frozen() for child in self.children))


class _Writer:
    """Writes one page top to bottom, collecting its contents, images and problems."""

    def __init__(self, page: SitePage, renderer: Renderer,
                 labels: Mapping[str, str]) -> None:
        self.page, self.renderer = page, renderer
        self.labels = {key: escape(text) for key, text in labels.items()}
        title = renderer.title(page.title)
        self.parts = [_h1(title)]
        self.root = _Node(TITLE_ID, title, 1)
        self.sections: list[_Node] = []
        """The sections open at this point of the page, outermost first."""
        self.ids: set[str] = set()
        self.media: dict[str, Media] = {}
        self.problems: list[Diagnostic] = []
        self.page_text: list[str] = []
        self.searchable: list[Searchable] = []

    def chapter(self, chapter: Chapter) -> None:
        self.sections = []
        if chapter.meta_span is not None:
            html = self._text(chapter.path, chapter.meta_span.start, chapter.meta)
            self.parts.append(f'<div class="ng-meta">{html}</div>')
            self.page_text.append(html)

    def toolbar(self) -> None:
        show, hide = self.labels["show_all"], self.labels["hide_all"]
        self.parts.append(
            f'<div class="ng-toolbar"><button type="button" class="md-button ng-toggle-all" '
            f'data-show="{show}" data-hide="{hide}">{show}</button></div>')

    def passage(self, passage: Passage) -> None:
        skip = _heading_lines(passage.text) if passage.heading is not None else 0
        body = "\n".join(passage.text.split("\n")[skip:])
        html = self._text(passage.span.path, passage.span.start + skip, body) if body else ""
        if passage.heading is None:
            self.parts.append(f'<div class="ng-passage">{html}</div>')
            self.page_text.append(html)
            return
        node = _Node(self._section_id(passage.heading), self.renderer.title(passage.heading),
                     passage.level)
        del self.sections[max(0, passage.level - 1):]
        (self.sections[-1] if self.sections else self.root).children.append(node)
        self.sections.append(node)
        self.parts.append(
            f'<h2 id="{node.id}" class="ng-section" data-level="{passage.level}">{node.title}'
            f'<a class="headerlink" href="#{node.id}">¶</a></h2>')
        if html:
            self.parts.append(f'<div class="ng-passage">{html}</div>')
        self.searchable.append(Searchable(f"{self.page.url}#{node.id}", node.title, (html,)))

    def card(self, card: Card, rendered: RenderedCard, problems: tuple[Diagnostic, ...]) -> None:
        self.problems.extend(problems)
        self.media.update((m.name, m) for m in rendered.media)
        cid = escape(card.id)
        level = 3 if card.section else 2
        parts = [f'<article class="ng-card" data-card="{cid}" data-kind="{card.kind.value}" '
                 f'data-tags="{escape(" ".join(anki_tag(t) for t in card.tags))}">']
        if rendered.context:
            parts.append(f'<div class="ng-context">{rendered.context}</div>')
        parts.append(
            f'<h{level} id="{cid}" class="ng-q" tabindex="0" role="button" '
            f'aria-expanded="false" aria-controls="{cid}-a">{rendered.site_question}'
            f'<a class="headerlink" href="#{cid}">¶</a></h{level}>')
        if card.tags:
            tags = "".join(f'<span class="ng-tag">{escape(t)}</span>' for t in card.tags)
            parts.append(f'<p class="ng-tags">{tags}</p>')
        answer = rendered.answer or f'<p class="ng-empty">{self.labels["no_answer"]}</p>'
        parts.append(f'<details class="ng-answer" id="{cid}-a">'
                     f'<summary>{self.labels["answer"]}</summary>'
                     f'<div class="ng-answer-body">{answer}</div></details></article>')
        self.parts.append("".join(parts))
        # A card without a front of its own asks its title: that is its question's HTML.
        title = self.renderer.title(card.title) if card.front else rendered.question
        parent = self.sections[min(len(card.section), len(self.sections)) - 1] if (
            card.section and self.sections) else self.root
        parent.children.append(_Node(cid, title, level))
        self.searchable.append(Searchable(f"{self.page.url}#{cid}", title,
                                          (rendered.context, rendered.answer), card.tags))

    def finish(self) -> PageContent:
        page = Searchable(self.page.url, self.root.title, tuple(self.page_text))
        return _content("\n".join(self.parts), self.root.frozen(),
                        tuple(self.media.values()), (page, *self.searchable),
                        tuple(self.problems))

    def _text(self, path: str, first_line: int, text: str) -> str:
        rendered = self.renderer.passage(path, first_line, text)
        self.problems.extend(rendered.problems)
        self.media.update((m.name, m) for m in rendered.media)
        return rendered.html

    def _section_id(self, heading: str) -> str:
        base = f"s-{slugify(heading)}".rstrip("-")
        sid, n = base, 2
        while sid in self.ids:
            sid, n = f"{base}-{n}", n + 1
        self.ids.add(sid)
        return sid


_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_UNDERLINE_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")


def _heading_lines(text: str) -> int:
    """How many lines a section's heading takes at the top of its passage: one for ``## x``,
    two for a Setext heading (its text and the ``===`` or ``---`` under it)."""
    lines = text.split("\n", 2)
    setext = (not _ATX_RE.match(lines[0]) and len(lines) > 1
              and _UNDERLINE_RE.match(lines[1]) is not None)
    return 2 if setext else 1
