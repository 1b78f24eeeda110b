"""The site's own files: notegen's scripts and styles, and MathJax 3 served from the site."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import mathjax

# What MathJax 3 loads to typeset TeX with its menu off: about 2 MB.
_MATHJAX_PARTS = ("tex-mml-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2")
ASSETS = "assets/notegen"


def copy_assets(docs: Path) -> None:
    own = files("notegen").joinpath("assets/site")
    target = docs / ASSETS
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
