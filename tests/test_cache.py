"""The build cache only saves work: a build with it and one without write the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

from notegen.build import build
from notegen.cache import CACHE_NAME
from notegen.config import SiteConfig

from .conftest import ROOT


def _outputs(out: Path) -> dict[str, bytes]:
    """The deck and every file of the site."""
    return {str(f.relative_to(out)): f.read_bytes() for f in sorted(out.rglob("*"))
            if f.is_file() and (f.suffix == ".apkg" or f.relative_to(out).parts[0] == "site")}


def test_a_build_without_the_cache_writes_what_one_with_it_writes(notes_copy: Path,
                                                                 tmp_path: Path) -> None:
    config = SiteConfig.load(ROOT / "mkdocs.yml")
    out = tmp_path / "out"
    build(notes_copy, out, config)
    build(notes_copy, out, config)  # renders, words and pages from the cache
    cached = _outputs(out)
    assert any(name.endswith(".apkg") for name in cached) and "site/index.html" in cached
    shutil.rmtree(out / CACHE_NAME)
    build(notes_copy, out, config)
    assert _outputs(out) == cached
