"""Site emitter: the Card IR as a MkDocs Material site with Chinese search and offline math.

notegen writes the pages (one per chapter, each card a heading with its stable id and its
answer in a collapsible block) and builds them with MkDocs in strict mode, from the user's
``mkdocs.yml`` plus what the pages need (math, search, scripts), which notegen adds in memory:
the user's file is never rewritten. Any MkDocs warning fails the build.

Math is typeset by MathJax 3 served from the site itself; fonts are the theme's fallbacks;
nothing is fetched from another host.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import mathjax

from .. import terms
from ..config import SiteConfig
from ..diagnostics import Diagnostic, NotegenError, error
from ..ir import Chapter, Deck
from ..read import display_path
from ..render import Media, Renderer, markdown_text

# What MathJax 3 loads to typeset TeX with its menu off: about 2 MB.
_MATHJAX_PARTS = ("tex-mml-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2")
_ASSETS = "assets/notegen"
_CJK_RE = re.compile(r"[\u3400-\u9fff]")

_LABELS = {
    "zh": {"answer": "答案", "show_all": "显示全部答案", "hide_all": "隐藏全部答案",
           "download": "下载 Anki 牌组", "chapter": "章节", "cards": "卡片",
           "no_answer": "（笔记中没有答案）", "total": "共 {cards} 张卡片，{chapters} 个章节",
           "home": "首页"},
    "en": {"answer": "Answer", "show_all": "Show all answers", "hide_all": "Hide all answers",
           "download": "Download the Anki deck", "chapter": "Chapter", "cards": "Cards",
           "no_answer": "(no answer in the notes)",
           "total": "{cards} cards in {chapters} chapters", "home": "Home"},
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
class _Page:
    slug: str
    chapter: Chapter


def build_site(deck: Deck, renderer: Renderer, out: Path, apkg_name: str,
               site_config: SiteConfig) -> list[Diagnostic]:
    """Write ``out/docs`` and build it into ``out/site``."""
    docs = out / "docs"
    language = _language(deck, site_config)
    labels = _LABELS["zh" if language.startswith("zh") else "en"]
    pages = [_Page(slug, ch) for slug, ch in zip(chapter_slugs(deck), deck.chapters, strict=True)]
    problems: list[Diagnostic] = []
    for page in pages:
        text, media, found = _chapter_page(page.chapter, renderer, labels)
        problems.extend(found)
        _write(docs / page.slug / "index.md", text)
        for item in media:
            shutil.copyfile(item.file, docs / page.slug / item.name)
    _write(docs / "index.md", _home_page(deck, pages, apkg_name, labels))
    shutil.copyfile(out / apkg_name, docs / apkg_name)
    _copy_assets(docs)
    dictionary = out / "jieba-user-dict.txt"
    _write(dictionary, "\n".join(search_terms(deck)) + "\n")
    config = _mkdocs_config(deck, site_config, docs, out / "site", pages, dictionary, language,
                            labels)
    _run_mkdocs(config, site_config)
    return problems


def _language(deck: Deck, site_config: SiteConfig) -> str:
    theme = site_config.raw.get("theme")
    if isinstance(theme, Mapping) and theme.get("language"):
        return str(theme["language"])
    titles = "".join(card.title for card in deck.cards)
    return "zh" if len(_CJK_RE.findall(titles)) * 3 > len(titles) else "en"


def _chapter_page(chapter: Chapter, renderer: Renderer, labels: Mapping[str, str]
                  ) -> tuple[str, list[Media], list[Diagnostic]]:
    """The page's Markdown, and the images its cards show (they sit beside the page, so the
    same flat media names work on the site and in Anki)."""
    parts = [f"# {renderer.title_markdown(chapter.title)}\n"]
    if meta := renderer.chapter_meta(chapter):
        parts.append(f'<div class="ng-meta">{meta}</div>\n')
    if chapter.cards:
        parts.append(
            f'<p class="ng-toolbar"><button type="button" class="md-button ng-toggle-all" '
            f'data-show="{labels["show_all"]}" data-hide="{labels["hide_all"]}">'
            f'{labels["show_all"]}</button></p>\n')
    problems: list[Diagnostic] = []
    media: dict[str, Media] = {}
    for card in chapter.cards:
        rendered, found = renderer.card(card)
        problems.extend(found)
        parts.append(f"## {renderer.title_markdown(card.title)} {{#{card.id} .ng-card}}\n")
        if card.tags:
            tags = "".join(f'<span class="ng-tag">{html.escape(t)}</span>' for t in card.tags)
            parts.append(f'<p class="ng-tags">{tags}</p>\n')
        answer = rendered.answer or f'<p class="ng-empty">{labels["no_answer"]}</p>'
        parts.append(f'<details class="ng-answer">\n'
                     f'<summary data-search-exclude>{labels["answer"]}</summary>\n'
                     f'{answer}\n</details>\n')
        media.update((m.name, m) for m in rendered.media)
    return "\n".join(parts), list(media.values()), problems


def _home_page(deck: Deck, pages: Sequence[_Page], apkg_name: str,
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


def search_terms(deck: Deck) -> list[str]:
    """A jieba user dictionary of the notes' own terms, so that 过拟合 or 交叉熵 stay whole
    words in the search index and in queries."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    jieba.initialize()
    texts = [card.title for card in deck.cards] + [card.answer for card in deck.cards]
    found = terms.discover(texts, lambda word: jieba.dt.FREQ.get(word, 0) > 0)
    return list(dict.fromkeys([*found, *terms.bold_phrases(texts)]))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_assets(docs: Path) -> None:
    own = files("notegen").joinpath("assets/site")
    target = docs / _ASSETS
    target.mkdir(parents=True, exist_ok=True)
    for item in own.iterdir():
        if item.is_file():
            (target / item.name).write_bytes(item.read_bytes())
    mathjax = _mathjax_root()
    for part in _MATHJAX_PARTS:
        source = mathjax / part
        if source.is_dir():
            shutil.copytree(source, docs / "assets/mathjax" / part)
        else:
            (docs / "assets/mathjax" / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, docs / "assets/mathjax" / part)


def _mathjax_root() -> Path:
    """django-static-mathjax ships MathJax 3's es5 build (it needs no Django)."""
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


# --- MkDocs --------------------------------------------------------------------------------

_REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "attr_list": {},
    "toc": {"permalink": True},
    "tables": {},
    "pymdownx.arithmatex": {"generic": True},
}


def _mkdocs_config(deck: Deck, site_config: SiteConfig, docs: Path, site: Path,
                   pages: Sequence[_Page], dictionary: Path, language: str,
                   labels: Mapping[str, str]) -> dict[str, Any]:
    raw = dict(site_config.raw)
    where = _where(site_config)
    theme = raw.get("theme")
    theme = dict(theme) if isinstance(theme, Mapping) else {"name": theme or "material"}
    if theme.get("name") != "material":
        raise NotegenError(error(where, "notegen's pages need theme.name: material"))
    if not isinstance(theme.get("language", ""), str):
        raise NotegenError(error(where, "theme.language should be a language code such as zh"))
    theme["font"] = False  # else Material asks Google Fonts
    theme.setdefault("language", language)
    theme.setdefault("features", ["navigation.instant", "navigation.tracking", "navigation.top",
                                  "search.highlight", "content.code.copy"])
    theme.setdefault("palette", [
        {"media": "(prefers-color-scheme: light)", "scheme": "default",
         "toggle": {"icon": "material/weather-night", "name": "Dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/weather-sunny", "name": "Light mode"}},
    ])
    raw.update(
        site_name=site_config.name or deck.name,
        docs_dir=str(docs.resolve()),
        site_dir=str(site.resolve()),
        strict=True,
        theme=theme,
        nav=[{labels["home"]: "index.md"}] + [{p.chapter.title: f"{p.slug}/index.md"}
                                               for p in pages],
        markdown_extensions=_extensions(raw.get("markdown_extensions") or [], where),
        plugins=_plugins(raw.get("plugins") or ["search"], dictionary, language, where),
        extra_css=[*_paths(raw.get("extra_css"), "extra_css", where), f"{_ASSETS}/notegen.css"],
        extra_javascript=[
            *_paths(raw.get("extra_javascript"), "extra_javascript", where),
            f"{_ASSETS}/mathjax-config.js",
            "assets/mathjax/tex-mml-chtml.js",
            f"{_ASSETS}/notegen.js",
        ],
    )
    raw.pop("INHERIT", None)
    return raw


def _named(value: Any, key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    """A setting listing names, each optionally with options: ``- name`` or
    ``- name: {option: value}``."""
    items: list[tuple[str, dict[str, Any]]] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            items.append((item, {}))
        elif (isinstance(item, Mapping) and len(item) == 1
              and isinstance(options := next(iter(item.values())), Mapping | None)):
            items.append((str(next(iter(item))), dict(options or {})))
        else:
            raise NotegenError(error(where, f"{key}: {item!r} should be a name, or a name "
                                     "followed by a mapping of options"))
    return items


def _paths(value: Any, key: str, where: str) -> list[Any]:
    items = value if isinstance(value, list) else [value] if value else []
    if not all(isinstance(item, str | Mapping) for item in items):
        raise NotegenError(error(where, f"{key} should be a list of file paths"))
    return list(items)


def _extensions(user: Any, where: str) -> list[Any]:
    merged = dict(_named(user, "markdown_extensions", where))
    for name, options in _REQUIRED_EXTENSIONS.items():
        merged[name] = {**merged.get(name, {}), **options}
    return [{name: options} if options else name for name, options in merged.items()]


def _plugins(user: Any, dictionary: Path, language: str, where: str) -> list[Any]:
    plugins: list[Any] = []
    search: dict[str, Any] = {}
    for name, options in _named(user, "plugins", where):
        if name in ("search", "material/search"):
            search = options
        elif name in ("privacy", "material/privacy", "offline", "material/offline"):
            continue  # they fetch from CDNs; notegen's site makes no outside request
        else:
            plugins.append({name: options} if options else name)
    if language.startswith("zh"):
        # Material's Chinese defaults, and its search segments Chinese only with `lang: zh`
        # set here (the theme's language alone leaves it at English).
        search.setdefault("lang", "zh")
        search.setdefault("separator", "[\\s\\u200b\\u3000\\-、。，．？！；]+")
    search["jieba_dict_user"] = str(dictionary.resolve())  # jieba reads it relative to the cwd
    return [{"search": search}, *plugins]


def _where(site_config: SiteConfig) -> str:
    return display_path(site_config.file) if site_config.file else "mkdocs.yml"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_warnings() -> Iterator[_Collect]:
    handler = _Collect()
    # MkDocs' strict mode counts only its own loggers; Python-Markdown's count here too.
    loggers = [logging.getLogger(name) for name in ("mkdocs", "MARKDOWN")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _run_mkdocs(raw: dict[str, Any], site_config: SiteConfig) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import MkDocsException

    where = _where(site_config)
    config = MkDocsConfig(config_file_path=str(site_config.file) if site_config.file else None)
    config.load_dict(raw)
    with _mkdocs_warnings() as collected:
        failed, warned = config.validate()
        problems = [f"{key}: {exc}" for key, exc in (*failed, *warned)]
        if problems:
            raise NotegenError(*(error(where, f"MkDocs: {p}") for p in problems))
        try:
            config.plugins.on_startup(command="build", dirty=False)
            mkdocs_build(config)
        except (Exception, SystemExit) as exc:  # MkDocs' Abort, a theme or plugin failing
            collected.messages.append(str(exc) if isinstance(exc, MkDocsException | SystemExit)
                                      else f"{type(exc).__name__}: {exc}")
        finally:
            config.plugins.on_shutdown()
    if collected.messages:
        raise NotegenError(*(error(where, f"MkDocs: {m}") for m in collected.messages))
