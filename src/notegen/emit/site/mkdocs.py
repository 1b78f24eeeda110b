"""MkDocs: the user's ``mkdocs.yml`` plus what notegen's pages need, added in memory (the file
is never rewritten), built in strict mode so that any MkDocs warning fails the build."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ...cache import digest
from ...config import SEARCH_PLUGINS, SiteConfig
from ...diagnostics import NotegenError, error
from ...ir import Deck
from ...read import display_path
from ...sanitize import escape
from .assets import POLYFILLS, scripts, stylesheets
from .chinese import HAN_RE, Dictionaries
from .pages import labels_for

# Features the pages rely on: a navigation bounded on every page, links to the previous and
# next chapter.
_FEATURES = ("navigation.prune", "navigation.footer")
_DEFAULT_FEATURES = ("navigation.instant", "navigation.tracking", "navigation.top",
                     "search.highlight", "content.code.copy")
# They fetch from CDNs: notegen's site makes no outside request (and works offline as it is).
_DROPPED = ("privacy", "material/privacy", "offline", "material/offline")
_CODE = digest(*(file.read_bytes() for file in sorted(Path(__file__).parent.glob("*.py"))))


@dataclass(frozen=True, slots=True)
class Settings:
    """What the build takes from ``mkdocs.yml`` besides the configuration MkDocs reads."""

    where: str
    """The file, as messages name it."""
    language: str
    search: Mapping[str, Any] | None
    """Options of the search plugin; None when the site has no search."""
    dictionaries: Dictionaries
    plugins: tuple[tuple[str, dict[str, Any]], ...]
    """The user's plugins that run as they are (not search, nor those notegen drops), with
    their options."""
    others: bool
    """Whether plugins or hooks of the user's own run too."""


def settings(deck: Deck, site_config: SiteConfig) -> Settings:
    raw = site_config.raw
    where = _where(site_config)
    plugins = _named(raw.get("plugins") or ["search"], "plugins", where)
    search = next((dict(options) for name, options in plugins if name in SEARCH_PLUGINS), None)
    own = tuple((name, options) for name, options in plugins
                if name not in (*SEARCH_PLUGINS, *_DROPPED))
    language = _language(deck, raw, where)
    if search is not None and language.startswith("zh"):
        # Material's Chinese defaults, and its search segments Chinese only with `lang: zh`
        # set here (the theme's language alone leaves it at English).
        search.setdefault("lang", "zh")
        search.setdefault("separator", "[\\s\\u200b\\u3000\\-、。，．？！；]+")
    base = site_config.file.resolve().parent if site_config.file else Path.cwd()
    files = {}
    for option in ("jieba_dict", "jieba_dict_user"):
        if search is not None and isinstance(name := search.pop(option, None), str):
            files[option] = base / name
            if not files[option].is_file():
                raise NotegenError(error(where, f"search: {option}: no such file: {name}"))
    return Settings(
        where=where, language=language, search=search,
        dictionaries=Dictionaries(files.get("jieba_dict"), files.get("jieba_dict_user")),
        plugins=own, others=bool(raw.get("hooks") or own))


def mkdocs_config(site_config: SiteConfig, name: str, docs: Path, site: Path,
                  nav: Sequence[Any], settings: Settings) -> dict[str, Any]:
    raw = dict(site_config.raw)
    where = settings.where
    theme = raw.get("theme")
    theme = dict(theme) if isinstance(theme, Mapping) else {"name": theme or "material"}
    if theme.get("name") != "material":
        raise NotegenError(error(where, "notegen's pages need theme.name: material"))
    theme["font"] = False  # else Material asks Google Fonts
    theme.setdefault("language", settings.language)
    features = theme.get("features", _DEFAULT_FEATURES)
    if not isinstance(features, list | tuple):
        raise NotegenError(error(where, "theme.features should be a list"))
    theme["features"] = [*features, *(f for f in _FEATURES if f not in features)]
    labels = labels_for(settings.language)
    theme.setdefault("palette", [
        {"media": "(prefers-color-scheme: light)", "scheme": "default",
         "toggle": {"icon": "material/weather-night", "name": labels["dark_mode"]}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/weather-sunny", "name": labels["light_mode"]}},
    ])
    extra = raw.get("extra") or {}
    if not isinstance(extra, Mapping):
        raise NotegenError(error(where, "extra should be a mapping of settings"))
    polyfills = listed(extra.get("polyfills"), "extra.polyfills", where)
    raw.update(
        # The theme prints the site's name as it is, in the header and in every page title.
        site_name=escape(name),
        docs_dir=str(docs.resolve()),
        site_dir=str(site.resolve()),
        # Pages as files (chapter/index.html), not folders: links then work from file:// too.
        use_directory_urls=False,
        strict=True,
        theme=theme,
        nav=list(nav),
        markdown_extensions=[{n: options} if options else n for n, options in _named(
            raw.get("markdown_extensions") or [], "markdown_extensions", where)],
        extra={**extra, "polyfills": [*POLYFILLS, *polyfills]},
        plugins=[{n: options} if options else n for n, options in settings.plugins],
        extra_css=[*listed(raw.get("extra_css"), "extra_css", where), *stylesheets()],
        extra_javascript=[*listed(raw.get("extra_javascript"), "extra_javascript", where),
                          *scripts()],
    )
    raw.pop("INHERIT", None)
    return raw


def reuse_salt(raw: Mapping[str, Any], site_config: SiteConfig, settings: Settings
               ) -> str | None:
    """A digest of everything that goes into every page besides its own content: the
    configuration (navigation included), the theme and its overrides, the versions of what
    renders it. None when plugins or hooks of the user's own run, which may add anything to
    a page."""
    if settings.others:
        return None
    theme = raw["theme"]
    custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
    overrides: list[bytes] = []
    if isinstance(custom, str) and site_config.file is not None:
        folder = site_config.file.resolve().parent / custom
        overrides = [item for file in sorted(folder.rglob("*")) if file.is_file()
                     for item in (file.relative_to(folder).as_posix().encode(),
                                  file.read_bytes())]
    # Where the build writes (a staging folder of its own) is on no page.
    shown = {key: value for key, value in raw.items() if key not in ("docs_dir", "site_dir")}
    return digest(_CODE, metadata.version("mkdocs"), metadata.version("mkdocs-material"),
                  json.dumps(shown, sort_keys=True, default=repr), *overrides)


def _language(deck: Deck, raw: Mapping[str, Any], where: str) -> str:
    theme = raw.get("theme")
    if isinstance(theme, Mapping) and theme.get("language"):
        if not isinstance(theme["language"], str):
            raise NotegenError(error(where, "theme.language should be a language code such "
                                     "as zh"))
        return theme["language"]
    titles = "".join(card.title for card in deck.cards)
    han = sum(len(run) for run in HAN_RE.findall(titles))
    return "zh" if han * 3 > len(titles) else "en"


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


def listed(value: Any, key: str, where: str) -> list[Any]:
    """A setting of file paths as a list: one path may be written alone."""
    items = value if isinstance(value, list) else [value] if value else []
    if not all(isinstance(item, str | Mapping) for item in items):
        raise NotegenError(error(where, f"{key} should be a list of file paths"))
    return list(items)


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


def run_mkdocs(raw: dict[str, Any], site_config: SiteConfig,
               plugins: Sequence[tuple[str, Any, Mapping[str, Any]]]) -> None:
    """Build the site; ``plugins`` (name, plugin, options) join those the configuration
    loads."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import MkDocsException

    where = _where(site_config)
    config_file = str(site_config.file) if site_config.file else None
    config = MkDocsConfig(config_file_path=config_file)
    config.load_dict(raw)
    with _mkdocs_warnings() as collected:
        failed, warned = config.validate()
        problems = [f"{key}: {exc}" for key, exc in (*failed, *warned)]
        for name, plugin, options in [] if problems else plugins:
            failed, warned = plugin.load_config(dict(options), config_file)
            problems += [f"plugins: {name}: {key}: {exc}" for key, exc in (*failed, *warned)]
            config.plugins[name] = plugin
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
