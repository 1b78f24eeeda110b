"""Images: only files inside the notes folder are ever read, packed or published."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from notegen.build import build
from notegen.config import SiteConfig
from notegen.render import Renderer
from notegen.segment import parse_paths

from .conftest import ROOT

SECRET = b"root:x:0:0:secret outside the notes\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"inside the notes" * 4
CHAPTER_PNG = b"\x89PNG\r\n\x1a\n" + b"before the first question"
RAW_PNG = b"\x89PNG\r\n\x1a\n" + b"named by an img tag"

NOTE = """\
# Images

2024年1月1日

![chapter figure](figs/chapter.png)

## 1. Which images are published?

![inside](figs/inside.png) and ![same, by symlink](figs/alias.png)
<img src="figs/raw.png" alt="raw">
![climb](../../../../../../../../etc/passwd)
<img src="../outside/secret.png">
![encoded](%2e%2e/outside/secret.png) ![double](figs/%2E%2E/%2e%2e/outside/secret.png)
![link out](figs/leak.png)
![folder link](shared/secret.png)
![missing](figs/missing.png)
"""


@pytest.fixture()
def notes(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(SECRET)
    notes = tmp_path / "notes"
    (notes / "figs").mkdir(parents=True)
    (notes / "figs" / "inside.png").write_bytes(PNG)
    (notes / "figs" / "chapter.png").write_bytes(CHAPTER_PNG)
    (notes / "figs" / "raw.png").write_bytes(RAW_PNG)
    (notes / "figs" / "alias.png").symlink_to("inside.png")
    (notes / "figs" / "leak.png").symlink_to(outside / "secret.png")
    (notes / "shared").symlink_to(outside, target_is_directory=True)
    (notes / "note.md").write_text(NOTE, encoding="utf-8")
    return notes


def _line(text: str) -> int:
    return next(no for no, line in enumerate(NOTE.split("\n"), 1) if text in line)


def test_only_images_inside_the_notes_folder_are_media(notes: Path) -> None:
    deck, _ = parse_paths([notes], "Media")
    renderer = Renderer(notes)
    rendered, problems = renderer.card(deck.cards[0])
    assert {m.file for m in rendered.media} == {(notes / "figs" / name).resolve()
                                                for name in ("inside.png", "raw.png")}
    names = {m.file.name: m.name for m in rendered.media}
    assert rendered.answer.count(names["inside.png"]) == 2
    assert f'<img src="{names["raw.png"]}" alt="raw"' in rendered.answer
    where = {(p.line, p.message.split(":")[0]) for p in problems}
    assert where == {
        (_line("etc/passwd"), "image outside the notes folder, not published"),
        (_line('<img src="../outside'), "image outside the notes folder, not published"),
        (_line("encoded"), "image outside the notes folder, not published"),
        (_line("link out"), "image outside the notes folder, not published"),
        (_line("folder link"), "image outside the notes folder, not published"),
        (_line("missing"), "image not found"),
    }
    assert all(p.path == deck.cards[0].source.path for p in problems)
    assert all(p.col for p in problems)
    # Chapter text publishes its own images.
    chapter = deck.chapters[0]
    assert chapter.meta_span is not None
    meta = renderer.passage(chapter.path, chapter.meta_span.start, chapter.meta)
    assert [m.file for m in meta.media] == [(notes / "figs" / "chapter.png").resolve()]
    assert meta.media[0].name in meta.html


def test_nothing_outside_the_notes_reaches_the_deck_or_the_site(notes: Path,
                                                                tmp_path: Path) -> None:
    report = build(notes, tmp_path / "out", SiteConfig.load(ROOT / "mkdocs.yml"))
    warned = [str(p) for p in report.problems if "not published" in p.message]
    assert len(warned) == 6, warned  # each way out, once
    with zipfile.ZipFile(report.apkg) as package:
        names = json.loads(package.read("media"))
        packed = [package.read(n) for n in names]
    assert sorted(packed) == sorted([PNG, RAW_PNG])
    published = [f.read_bytes() for f in report.site.rglob("*") if f.is_file()]
    assert not any(SECRET in data for data in published)
    assert sum(data == PNG for data in published) == 1  # beside the chapter's page
    assert sum(data == RAW_PNG for data in published) == 1
    assert sum(data == CHAPTER_PNG for data in published) == 1
