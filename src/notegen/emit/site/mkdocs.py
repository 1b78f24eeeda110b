"""MkDocs: the user's ``mkdocs.yml`` plus what notegen's pages need, added in memory (the file
is never rewritten), built in strict mode so that any MkDocs warning fails the build."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...config import SiteConfig
from ...diagnostics import NotegenError, error
from ...ir import Deck
from ...read import display_path
from .assets import ASSETS
from .pages import Page
from .study import nav_entry

_REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "attr_list": {},
    "toc": {"permalink": True},
    "tables": {},
    "pymdownx.arithmatex": {"generic": True},
}


def mkdocs_config(deck: Deck, site_config: SiteConfig, docs: Path, site: Path,
                   pages: Sequence[Page], dictionary: Path, language: str,
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
         "toggle": {"icon": "material/weather-night", "name": labels["dark_mode"]}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/weather-sunny", "name": labels["light_mode"]}},
    ])
    raw.update(
        site_name=site_config.name or deck.name,
        docs_dir=str(docs.resolve()),
        site_dir=str(site.resolve()),
        strict=True,
        theme=theme,
        nav=[{labels["home"]: "index.md"}, nav_entry(language)]
            + [{p.chapter.title: f"{p.slug}/index.md"} for p in pages],
        markdown_extensions=_extensions(raw.get("markdown_extensions") or [], where),
        plugins=_plugins(raw.get("plugins") or ["search"], dictionary, language, where),
        extra_css=[*_paths(raw.get("extra_css"), "extra_css", where), f"{ASSETS}/notegen.css",
                   f"{ASSETS}/study.css"],
        extra_javascript=[
            *_paths(raw.get("extra_javascript"), "extra_javascript", where),
            f"{ASSETS}/mathjax-config.js",
            "assets/mathjax/tex-mml-chtml.js",
            f"{ASSETS}/notegen.js",
            f"{ASSETS}/study.js",
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


def run_mkdocs(raw: dict[str, Any], site_config: SiteConfig) -> None:
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
        except OSError:
            raise  # a full disk, say: the user's files, not their mkdocs.yml, are the matter
        except (Exception, SystemExit) as exc:  # MkDocs' Abort, a theme or plugin failing
            collected.messages.append(str(exc) if isinstance(exc, MkDocsException | SystemExit)
                                      else f"{type(exc).__name__}: {exc}")
        finally:
            config.plugins.on_shutdown()
    if collected.messages:
        raise NotegenError(*(error(where, f"MkDocs: {m}") for m in collected.messages))
