"""notegen's MkDocs plugins, which notegen inserts into the configuration it builds with.

``PagesPlugin`` gives MkDocs each page's finished HTML and its table of contents (no Markdown
engine reads the notes a second time), and the files the site serves besides its pages. A
page whose HTML, navigation and settings are all as in the previous build is not rendered
through the theme again: its previous output is taken, once its bytes are checked to be
those the previous build wrote.

``SearchPlugin`` stands where Material's search plugin would (the theme shows its search box
when a plugin of that name is loaded) and writes the index built from the Card IR in
Material's ``search_index.json`` format, and as ``search_index.js``, which the theme loads on
pages opened from ``file://``. No page is parsed for it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from material.plugins.search.config import SearchConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ...cache import Table, digest
from ...sanitize import escape
from .assets import StaticFile
from .pages import Heading, PageContent, html_path

SEARCH_PLUGIN = "material/search"
"""The name the theme looks for to show its search box."""
PAGES_PLUGIN = "notegen"
_REUSED = "notegen-reused.html"
"""A template that renders nothing: the page's previous output is written instead."""


@dataclass(frozen=True, slots=True)
class BuiltPage:
    path: str
    """The page's file in the site's sources (``chapter/index.md``)."""
    title: str
    """Plain text."""
    content: PageContent


@dataclass(frozen=True, slots=True)
class Reuse:
    """What lets a page be taken from the previous build."""

    previous: Path | None
    """The site the previous build published, if any."""
    table: Table
    """Page key → digest of the HTML written for it."""
    salt: str
    """Digest of everything on a page besides its own content: settings, navigation,
    theme, versions."""


class PagesPlugin(BasePlugin):  # type: ignore[misc]  # mkdocs is untyped here
    def __init__(self, pages: Sequence[BuiltPage], statics: Sequence[StaticFile],
                 generated: Mapping[str, str], reuse: Reuse | None, templates: Table) -> None:
        """``generated`` maps a file's place in the site to its text; ``templates`` keeps
        the theme's templates compiled from build to build."""
        super().__init__()
        self.pages, self.statics, self.reuse = pages, statics, reuse
        self.generated = generated
        self.templates = templates
        self.rendered: list[str] = []
        """The pages rendered through the theme."""
        self.reused: list[str] = []
        """The pages taken from the previous build."""
        self._env: jinja2.Environment | None = None
        self._contexts: dict[str, Any] = {}

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for static in self.statics:
            files.append(File.generated(config, static.uri, abs_src_path=str(static.source)))
        for uri, text in self.generated.items():
            files.append(File.generated(config, uri, content=text))
        for built in self.pages:
            file = File.generated(config, built.path, content="")
            files.append(file)
            key = page_key(self.reuse.salt, built) if self.reuse else ""
            _NotegenPage(built, file, config, key, self._previous(key, built))
        return files

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        self._env = env
        env.bytecode_cache = _Compiled(self.templates)
        if self.reuse is not None:
            theme = env.loader
            assert theme is not None
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({_REUSED: ""}), theme])
        return env

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> Any:
        if isinstance(page, _NotegenPage) and page.previous is not None:
            self._contexts[page.file.src_uri] = context  # in case the previous output fails
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if not isinstance(page, _NotegenPage):
            return output
        if page.previous is not None:
            output = self._previous_output(page)
        else:
            self.rendered.append(page.built.path)
        if self.reuse is not None:
            data = output.encode("utf-8", errors="xmlcharrefreplace")
            self.reuse.table.put(page.key, digest(data))
        page.content = ""  # written: no need to hold it until the build ends
        return output

    def _previous(self, key: str, built: BuiltPage) -> tuple[Path, str] | None:
        """The previous build's output of this page and the digest it had, if the page has
        not changed since."""
        if self.reuse is None or self.reuse.previous is None:
            return None
        expected = self.reuse.table.get(key)
        file = self.reuse.previous / html_path(built.path)
        return (file, expected) if isinstance(expected, str) else None

    def _previous_output(self, page: _NotegenPage) -> str:
        assert page.previous is not None and self._env is not None
        file, expected = page.previous
        context = self._contexts.pop(page.file.src_uri)
        try:
            data = file.read_bytes()
        except OSError:
            data = b""
        if digest(data) == expected:
            self.reused.append(page.built.path)
            return data.decode("utf-8")
        # Changed or gone since the previous build: render it after all.
        self.rendered.append(page.built.path)
        template = self._env.get_template("main.html")
        return template.render(context)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates in the build cache, keyed by each one's source: a changed theme
    is compiled again (and Jinja checks the source's checksum itself)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.table.get(digest(bucket.key, bucket.checksum))
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.table.put(digest(bucket.key, bucket.checksum), bucket.bytecode_to_string())


def page_key(salt: str, built: BuiltPage) -> str:
    return digest(salt, built.path, built.title, built.content.digest)


class _NotegenPage(Page):  # type: ignore[misc]
    """A page whose HTML and table of contents notegen wrote."""

    def __init__(self, built: BuiltPage, file: File, config: MkDocsConfig, key: str,
                 previous: tuple[Path, str] | None) -> None:
        super().__init__(escape(built.title), file, config)
        self.built, self.key, self.previous = built, key, previous

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        # The theme prints a title from the page's meta as it is, and one from the nav only
        # after unescaping it (``striptags``): so the meta holds it, escaped.
        self.meta = {"title": escape(self.built.title)}
        if self.previous is not None:
            self.meta["template"] = _REUSED

    def render(self, config: MkDocsConfig, files: Files) -> None:
        content = self.built.content
        self.content = content.html
        self.toc = TableOfContents([_anchor(content.toc)])
        self.present_anchor_ids = set(_ids(content.toc))


def _anchor(heading: Heading) -> AnchorLink:
    link = AnchorLink(heading.title, heading.id, heading.level)
    link.children = [_anchor(child) for child in heading.children]
    return link


def _ids(heading: Heading) -> list[str]:
    return [heading.id, *(i for child in heading.children for i in _ids(child))]


class SearchPlugin(BasePlugin[SearchConfig]):  # type: ignore[misc]
    def __init__(self, docs: Callable[[], Sequence[Mapping[str, Any]]]) -> None:
        """``docs`` gives the index's documents, once the pages are built."""
        super().__init__()
        self.docs = docs

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Material's defaults for the theme's language, as its own search plugin takes them.
        translate = config.theme.get_env().get_template(
            "partials/language.html", None, {"config": config}).module.t
        if not self.config.lang:
            self.config.lang = [translate("search.config.lang")]
        if not self.config.separator:
            self.config.separator = translate("search.config.separator")
        if self.config.pipeline is None:
            self.config.pipeline = [p for p in translate("search.config.pipeline").split(",")
                                    if p.strip()]
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        fields = {"title": {"boost": 1e3}, "text": {"boost": 1e0}, "tags": {"boost": 1e6},
                  **self.config.fields}
        settings = {"lang": self.config.lang, "separator": self.config.separator,
                    "pipeline": [p.strip() for p in self.config.pipeline], "fields": fields}
        folder = Path(config.site_dir) / "search"
        folder.mkdir(parents=True, exist_ok=True)
        # Written a document at a time, never whole in memory (it takes megabytes).
        with (folder / "search_index.json").open("w", encoding="utf-8") as data:
            data.write(f'{{"config":{_json(settings)},"docs":[')
            for n, doc in enumerate(self.docs()):
                data.write(f",{_json(doc)}" if n else _json(doc))
            data.write("]}")
        with ((folder / "search_index.json").open("rb") as data,
              (folder / "search_index.js").open("wb") as script):
            script.write(b"var __index = ")
            shutil.copyfileobj(data, script)
