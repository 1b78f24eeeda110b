"""The site's pages: one per chapter, each card a heading with its stable id and its answer
in a collapsible block, and a home page listing the chapters and the deck."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from ...diagnostics import Diagnostic
from ...ir import Chapter, Deck
from ...markdown import math_parser
from ...render import Media, Renderer

LABELS = {
    "zh": {"answer": "答案", "show_all": "显示全部答案", "hide_all": "隐藏全部答案",
           "download": "下载 Anki 牌组", "chapter": "章节", "cards": "卡片",
           "no_answer": "（笔记中没有答案）", "total": "共 {cards} 张卡片，{chapters} 个章节",
           "home": "首页", "dark_mode": "深色模式", "light_mode": "浅色模式"},
    "en": {"answer": "Answer", "show_all": "Show all answers", "hide_all": "Hide all answers",
           "download": "Download the Anki deck", "chapter": "Chapter", "cards": "Cards",
           "no_answer": "(no answer in the notes)",
           "total": "{cards} cards in {chapters} chapters", "home": "Home",
           "dark_mode": "Dark mode", "light_mode": "Light mode"},
}


def chapter_slugs(deck: Deck) -> list[str]:
    """One page folder per chapter, named after its title (unique, URL-friendly)."""
    slugs: list[str] = []
    for chapter in deck.chapters:
        base = slugify(chapter.title) or "chapter"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.append(slug)
    return slugs


def card_pages(deck: Deck) -> dict[str, str]:
    """Card id → the page it is on, relative to the site root (``slug/``)."""
    return {card.id: f"{quote(slug)}/" for slug, chapter in zip(chapter_slugs(deck),
                                                              deck.chapters, strict=True)
            for card in chapter.cards}


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    return "-".join(re.findall(r"[\w]+", text))


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    chapter: Chapter


def chapter_page(chapter: Chapter, renderer: Renderer, labels: Mapping[str, str]
                  ) -> tuple[str, list[Media], list[Diagnostic]]:
    """The page's Markdown, and the images its cards show (they sit beside the page, so the
    same flat media names work on the site and in Anki)."""
    parts = [f"# {title_markdown(chapter.title)}\n"]
    problems: list[Diagnostic] = []
    media: dict[str, Media] = {}
    if chapter.meta_span is not None and (meta := renderer.passage(
            chapter.path, chapter.meta_span.start, chapter.meta)).html:
        parts.append(f'<div class="ng-meta">{meta.html}</div>\n')
        problems.extend(meta.problems)
        media.update((m.name, m) for m in meta.media)
    if chapter.cards:
        parts.append(
            f'<p class="ng-toolbar"><button type="button" class="md-button ng-toggle-all" '
            f'data-show="{labels["show_all"]}" data-hide="{labels["hide_all"]}">'
            f'{labels["show_all"]}</button></p>\n')
    for card in chapter.cards:
        rendered, found = renderer.card(card)
        problems.extend(found)
        parts.append(f"## {title_markdown(card.title)} {{#{card.id} .ng-card}}\n")
        if card.tags:
            tags = "".join(f'<span class="ng-tag">{html.escape(t)}</span>' for t in card.tags)
            parts.append(f'<p class="ng-tags">{tags}</p>\n')
        answer = rendered.answer or f'<p class="ng-empty">{labels["no_answer"]}</p>'
        parts.append(f'<details class="ng-answer">\n'
                     f'<summary data-search-exclude>{labels["answer"]}</summary>\n'
                     f'{answer}\n</details>\n')
        media.update((m.name, m) for m in rendered.media)
    return "\n".join(parts), list(media.values()), problems


def home_page(deck: Deck, pages: Sequence[Page], apkg_name: str,
               labels: Mapping[str, str]) -> str:
    rows = "\n".join(
        f"| [{markdown_text(p.chapter.title)}]({quote(p.slug)}/index.md) | "
        f"{len(p.chapter.cards)} |"
        for p in pages)
    total = labels["total"].format(cards=len(deck.cards), chapters=len(deck.chapters))
    return (
        f"# {markdown_text(deck.name)}\n\n{total}\n\n"
        f"[{labels['download']}]({quote(apkg_name)})"
        f'{{ .md-button .md-button--primary download="{html.escape(apkg_name)}" }}\n\n'
        f"| {labels['chapter']} | {labels['cards']} |\n|---|---:|\n{rows}\n"
    )


_TITLES = math_parser()


def title_markdown(title: str) -> str:
    """A plain-text title as Markdown that Python-Markdown reads back as the same text,
    its math left for arithmatex."""
    tokens = _TITLES.parseInline(title)
    return "".join(
        f"{token.markup}{token.content}{_closing(token.markup)}"
        if token.type in ("math_inline", "math_inline_double") else markdown_text(token.content)
        for token in (tokens[0].children or [] if tokens else []))


def markdown_text(text: str) -> str:
    """Plain text as Markdown: every ASCII punctuation mark as a character reference, so
    that nothing in it (``*``, ``[``, ``\\(``, ``$``, ``<``) means Markdown, HTML or math."""
    return _PUNCTUATION_RE.sub(lambda m: f"&#{ord(m.group())};", text)


_PUNCTUATION_RE = re.compile(r"[!-/:-@\[-`{-~]")


def _closing(markup: str) -> str:
    return "\\)" if markup == "\\(" else markup
