"""Site emitter: the Card IR as a MkDocs Material site with Chinese search and offline math.

notegen writes the pages (one per chapter, each card a heading with its stable id and its
answer in a collapsible block) and builds them with MkDocs in strict mode, from the user's
``mkdocs.yml`` plus what the pages need (math, search, scripts), which notegen adds in memory:
the user's file is never rewritten. Any MkDocs warning fails the build.

Math is typeset by MathJax 3 served from the site itself; fonts are the theme's fallbacks;
nothing is fetched from another host.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from ...config import SiteConfig
from ...diagnostics import Diagnostic
from ...ir import Deck
from ...render import Renderer
from .assets import copy_assets
from .mkdocs import mkdocs_config, run_mkdocs
from .pages import LABELS, Page, card_pages, chapter_page, chapter_slugs, home_page
from .search import search_terms
from .study import write_study

__all__ = ["build_site", "card_pages"]

_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def build_site(deck: Deck, renderer: Renderer, out: Path, apkg_name: str,
               site_config: SiteConfig) -> list[Diagnostic]:
    """Write ``out/docs`` and build it into ``out/site``."""
    docs = out / "docs"
    language = _language(deck, site_config)
    labels = LABELS["zh" if language.startswith("zh") else "en"]
    pages = [Page(slug, ch) for slug, ch in zip(chapter_slugs(deck), deck.chapters, strict=True)]
    problems: list[Diagnostic] = []
    for page in pages:
        text, media, found = chapter_page(page.chapter, renderer, labels)
        problems.extend(found)
        _write(docs / page.slug / "index.md", text)
        for item in media:
            shutil.copyfile(item.file, docs / page.slug / item.name)
    _write(docs / "index.md", home_page(deck, pages, apkg_name, labels))
    shutil.copyfile(out / apkg_name, docs / apkg_name)
    copy_assets(docs)
    write_study(docs, deck.cards, [r for r, _ in renderer.cards(deck.cards)], card_pages(deck),
                language)
    dictionary = out / "jieba-user-dict.txt"
    _write(dictionary, "\n".join(search_terms(deck)) + "\n")
    config = mkdocs_config(deck, site_config, docs, out / "site", pages, dictionary, language,
                            labels)
    run_mkdocs(config, site_config)
    return problems


def _language(deck: Deck, site_config: SiteConfig) -> str:
    theme = site_config.raw.get("theme")
    if isinstance(theme, Mapping) and theme.get("language"):
        return str(theme["language"])
    titles = "".join(card.title for card in deck.cards)
    return "zh" if len(_CJK_RE.findall(titles)) * 3 > len(titles) else "en"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
