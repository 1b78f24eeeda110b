"""The files the site serves besides its pages: notegen's scripts and styles, MathJax 3 served
from the site itself, the iframe-worker shim (so that search works from ``file://``), the
user's own ``extra_css`` and ``extra_javascript`` files, and the deck.

MkDocs copies each from where it lies; nothing is staged in between.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import mathjax

from ...diagnostics import Diagnostic, error

ASSETS = "assets/notegen"
MATHJAX = "assets/mathjax"
POLYFILLS = (f"{ASSETS}/head/file-protocol.js", f"{ASSETS}/head/iframe-worker/shim.js")
"""Scripts the theme loads in every page's <head>, before itself: the theme without instant
navigation from file://, and search's worker in an iframe there (Material looks for a
polyfill whose path names iframe-worker before it would add one from a CDN; this one is
vendored: iframe-worker 1.0.4, MIT, its licence beside it)."""
_OWN = Path(__file__).resolve().parents[2] / "assets" / "site"
# What MathJax 3 loads to typeset TeX with its menu off: about 2 MB. django-static-mathjax
# ships MathJax 3's es5 build (it needs no Django).
_MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
_MATHJAX_PARTS = ("tex-mml-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2")
_MATHJAX_CONFIG = "mathjax-config.js"


@dataclass(frozen=True, slots=True)
class StaticFile:
    uri: str
    """Where the site serves it, relative to the site root."""
    source: Path


def own_files() -> list[StaticFile]:
    return [*_tree(_OWN, ASSETS), *(file for part in _MATHJAX_PARTS
                                     for file in _tree(_MATHJAX / part, f"{MATHJAX}/{part}"))]


def stylesheets() -> list[str]:
    return [f"{ASSETS}/{file.name}" for file in sorted(_OWN.glob("*.css"))]


def scripts() -> list[str]:
    """In order: MathJax's configuration before MathJax, then notegen's own."""
    own = [f"{ASSETS}/{file.name}" for file in sorted(_OWN.glob("*.js"))
           if file.name != _MATHJAX_CONFIG]
    return [f"{ASSETS}/{_MATHJAX_CONFIG}", f"{MATHJAX}/tex-mml-chtml.js", *own]


def _tree(source: Path, uri: str) -> Iterator[StaticFile]:
    if source.is_file():
        yield StaticFile(uri, source)
        return
    for file in sorted(source.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts:
            yield StaticFile(f"{uri}/{file.relative_to(source).as_posix()}", file)


def user_files(entries: Sequence[Any], key: str, config_file: Path | None, docs_dir: str,
               where: str) -> tuple[list[StaticFile], list[Diagnostic]]:
    """The local files a user's ``extra_css`` or ``extra_javascript`` names, looked up in
    their docs folder, then beside ``mkdocs.yml``; a name that leaves that folder or names
    no file is an error (the page would link to nothing)."""
    if config_file is None:
        return [], []
    base = config_file.resolve().parent
    found: list[StaticFile] = []
    problems: list[Diagnostic] = []
    for entry in entries:
        name = entry.get("path") if isinstance(entry, dict) else entry
        if not isinstance(name, str) or _is_url(name):
            continue
        uri = PurePosixPath(name).as_posix()
        candidates = [(base / docs_dir / uri).resolve(), (base / uri).resolve()]
        file = next((c for c in candidates if c.is_relative_to(base) and c.is_file()), None)
        if file is None:
            problems.append(error(where, f"{key}: {name}: no such file in {docs_dir}/ or "
                                  "beside mkdocs.yml"))
        else:
            found.append(StaticFile(uri, file))
    return found, problems


def _is_url(name: str) -> bool:
    parts = urlsplit(name)
    return bool(parts.scheme or parts.netloc) or name.startswith("/")
