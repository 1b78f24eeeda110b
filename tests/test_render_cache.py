"""The render cache never serves stale HTML, and rendering on every core gives the same
result as rendering on one."""

from __future__ import annotations

import importlib
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from notegen.cache import Cache
from notegen.ir import Card
from notegen.render import Renderer
from notegen.segment import parse_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
synthetic_notes = importlib.import_module("bench").synthetic_notes

NOTE = """\
# Cache

## 1. What is shown?

![figure](fig.png) and $x$

## 2. Another?

Plain text.
"""


@pytest.fixture()
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "fig.png").write_bytes(b"first image")
    (folder / "note.md").write_text(NOTE, encoding="utf-8")
    return folder


def _render(notes: Path, cache_dir: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """Render every card with the cache of the previous build, then save it, as a build does;
    returns each card's answer, media names and how many renders the cache saved."""
    cache = Cache(cache_dir)
    table = cache.table("render")
    deck, _ = parse_paths([notes], "Cache")
    results = Renderer(notes, table).cards(deck.cards)
    cache.save()
    return [(r.answer, tuple(m.name for m in r.media), table.hits) for r, _ in results]


def test_a_rebuild_reuses_renders_and_never_serves_stale_html(notes: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _render(notes, cache)
    warm = _render(notes, cache)
    assert [r[:2] for r in warm] == [r[:2] for r in cold] and warm[0][2] == 2

    note = notes / "note.md"
    note.write_text(NOTE.replace("Plain text.", "Edited text."), encoding="utf-8")
    edited = _render(notes, cache)
    assert "Edited text." in edited[1][0] and edited[0][:2] == cold[0][:2]
    assert edited[0][2] == 1  # the untouched card came from the cache

    (notes / "fig.png").write_bytes(b"second image")  # same name, new bytes
    image = _render(notes, cache)
    assert image[0][1] != cold[0][1] and image[0][1][0] in image[0][0]

    (notes / "fig.png").unlink()
    gone = _render(notes, cache)
    assert gone[0][1] == () and "fig.png" in gone[0][0]


def test_deleting_the_cache_changes_nothing(notes: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _render(notes, cache)
    warm = _render(notes, cache)
    for file in cache.iterdir():
        file.unlink()
    cold = _render(notes, cache)
    assert [r[:2] for r in cold] == [r[:2] for r in warm] and cold[0][2] == 0


def test_warnings_come_back_from_the_cache(notes: Path, tmp_path: Path) -> None:
    (notes / "fig.png").unlink()
    deck, _ = parse_paths([notes], "Cache")
    cache = Cache(tmp_path / "cache")
    first = Renderer(notes, cache.table("render")).card(deck.cards[0])
    cache.save()
    again = Renderer(notes, Cache(tmp_path / "cache").table("render")).card(deck.cards[0])
    assert first == again and [p.message for p in again[1]] == ["image not found: fig.png"]


def test_every_core_renders_what_one_core_renders(tmp_path: Path) -> None:
    synthetic_notes(tmp_path / "notes", 600)
    deck, _ = parse_paths([tmp_path / "notes"], "Synthetic")
    cards: list[Card] = list(deck.cards)
    cards[7] = replace(cards[7], answer=cards[7].answer + "\n\n![lost](nowhere.png)")
    # Three processes even on one core: else this would compare one process with itself.
    together = Renderer(tmp_path / "notes").cards(cards, workers=3)
    alone = [Renderer(tmp_path / "notes").card(card) for card in cards]
    assert together == alone
    assert [p.message for p in together[7][1]] == ["image not found: nowhere.png"]
