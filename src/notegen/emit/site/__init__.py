"""Site emitter: the Card IR as a MkDocs Material site with Chinese search and offline math.

notegen writes each page's HTML itself (pages.py: one page per place in the deck, each card a
heading that opens its answer), the navigation (nav.py) and the search index (search.py), and
MkDocs puts the theme around them (plugin.py), from the user's ``mkdocs.yml`` plus what the
pages need, added in memory (mkdocs.py): the user's file is never rewritten. Any MkDocs
warning fails the build.

Math is typeset by MathJax 3 served from the site itself; fonts are the theme's fallbacks;
nothing is fetched from another host. The site works from ``file://`` as well as from a
server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...cache import Cache
from ...config import SiteConfig
from ...diagnostics import Diagnostic, NotegenError
from ...ir import Deck
from ...render import Renderer
from .assets import StaticFile, own_files, user_files
from .chinese import Chinese, KeptJieba
from .mkdocs import listed, mkdocs_config, reuse_salt, run_mkdocs, settings
from .nav import nav_config
from .pages import (
    HOME,
    SitePage,
    card_pages,
    home_content,
    labels_for,
    page_content,
    site_pages,
    study_content,
)
from .plugin import PAGES_PLUGIN, SEARCH_PLUGIN, BuiltPage, PagesPlugin, Reuse, SearchPlugin
from .search import index_docs, note_terms
from .study import STUDY_PAGE, study_data

__all__ = ["SiteReport", "build_site", "card_pages"]


@dataclass(frozen=True, slots=True)
class SiteReport:
    problems: tuple[Diagnostic, ...]
    rendered: tuple[str, ...]
    """The pages (their sources, ``chapter/index.md``) rendered through the theme."""
    reused: tuple[str, ...]
    """The pages taken as they were from the previous build."""
    cuts: int
    """How many runs of Chinese text jieba cut (the rest came from the cache)."""


def build_site(deck: Deck, renderer: Renderer, out: Path, apkg_name: str,
               site_config: SiteConfig, cache: Cache | None = None,
               previous: Path | None = None, jieba: KeptJieba | None = None) -> SiteReport:
    """Build ``out/site`` (``out`` holds the deck, ``apkg_name``). Pages that have not
    changed since the build that published ``previous`` are taken from there; jieba's
    process is ``jieba``'s, when it is kept for the next build."""
    cache = cache or Cache(None)
    site = settings(deck, site_config)
    chinese = Chinese(site.dictionaries, cache.table("site-words"), jieba)
    try:
        # Asked first, so that jieba loads while the pages are written.
        search = ((site.search, note_terms(deck, chinese, cache)) if site.search is not None
                  else None)
        labels = labels_for(site.language)
        pages = site_pages(deck)
        built, statics, generated, problems = _pages(deck, pages, renderer, apkg_name, out,
                                                     labels)
        raw = mkdocs_config(site_config, site_config.name or deck.name, out / "docs",
                            out / "site", nav_config(labels, pages), site)
        for key in ("extra_css", "extra_javascript"):
            found, wrong = user_files(listed(site_config.raw.get(key), key, site.where),
                                      key, site_config.file,
                                      str(site_config.raw.get("docs_dir") or "docs"),
                                      site.where)
            if wrong:
                raise NotegenError(*wrong)
            statics.extend(found)
        salt = reuse_salt(raw, site_config, site)
        reuse = Reuse(previous, cache.table("site-pages"), salt) if salt is not None else None
        pages_plugin = PagesPlugin(built, statics, generated, reuse,
                                   cache.table("site-templates"))
        plugins: list[tuple[str, object, dict[str, object]]] = [(PAGES_PLUGIN, pages_plugin, {})]
        if search is not None:
            options, terms = search
            chinese.use(terms())
            docs = index_docs([(page.path, page.content) for page in built], chinese,
                              cache.table("site-search"))
            plugins.append((SEARCH_PLUGIN, SearchPlugin(docs), dict(options)))
        (out / "docs").mkdir(parents=True, exist_ok=True)
        run_mkdocs(raw, site_config, plugins)
    finally:
        chinese.close()
    return SiteReport(tuple(problems), tuple(pages_plugin.rendered),
                      tuple(pages_plugin.reused), chinese.cuts)


def _pages(deck: Deck, pages: Sequence[SitePage], renderer: Renderer, apkg_name: str,
           out: Path, labels: Mapping[str, str]
           ) -> tuple[list[BuiltPage], list[StaticFile], dict[str, str], list[Diagnostic]]:
    """The home page, the Study page and every chapter page, the files the site serves (the
    study mode's data among them, written by the build), and the problems found rendering."""
    cards = [card for page in pages for card in page.cards]
    results = renderer.cards(cards)
    rendered = iter(results)
    built = [BuiltPage(HOME, labels["home"], home_content(deck.name, pages, apkg_name, labels)),
             BuiltPage(STUDY_PAGE, labels["study"], study_content(labels))]
    statics = [*own_files(), StaticFile(apkg_name, out / apkg_name)]
    problems: list[Diagnostic] = []
    for page in pages:
        content = page_content(page, [next(rendered) for _ in page.cards], renderer, labels)
        built.append(BuiltPage(page.path, page.title, content))
        folder = page.path.removesuffix("index.md")
        statics.extend(StaticFile(folder + media.name, media.file) for media in content.media)
        problems.extend(content.problems)
    generated = study_data(pages, [r for r, _ in results])
    return built, statics, generated, problems
