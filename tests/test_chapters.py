"""Chapters as a reader names them: numbers are not part of the name, and two files that give
one name to their chapters are told so."""

from __future__ import annotations

from pathlib import Path

from notegen.build import build, load
from notegen.config import LEDGER_NAME, SiteConfig
from notegen.ledger import Match

from .conftest import ROOT

NOTE = "# {number} CNN\n\n## 1. What is a kernel?\n\nA small matrix.\n\n# {other} RNN\n\n" \
       "## 1. What is a hidden state?\n\nA memory.\n"


def test_renumbered_chapters_keep_their_subdecks_and_their_cards(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    note.write_text(NOTE.format(number="3.", other="4."), encoding="utf-8")
    first = build(notes, tmp_path / "out", SiteConfig.load(ROOT / "mkdocs.yml"))
    assert [c.title for c in first.deck.chapters] == ["CNN", "RNN"]
    assert (notes / LEDGER_NAME).is_file()
    note.write_text(NOTE.format(number="第1章", other="Chapter 2:"), encoding="utf-8")
    again = load([notes], "Deck")
    assert [c.deck_path for c in again.deck.chapters] == [c.deck_path
                                                           for c in first.deck.chapters]
    assert [c.id for c in again.deck.cards] == [c.id for c in first.deck.cards]
    assert set(again.identified.matches.values()) == {Match.EXACT}


def test_two_files_with_one_chapter_name_share_it_and_are_told(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "a").mkdir(parents=True)
    (notes / "a" / "sorting.md").write_text("# Sorting\n\n## 1. Quick?\n\nPivot.\n",
                                            encoding="utf-8")
    (notes / "a" / "more.md").write_text("# Sorting\n\n## 1. Merge?\n\nHalves.\n",
                                         encoding="utf-8")
    loaded = load([notes], "Deck")
    assert len({c.deck_path for c in loaded.deck.chapters}) == 1
    (clash,) = [p for p in loaded.problems if "also in" in p.message]
    assert clash.line == 1 and "share one subdeck and one page" in clash.message
