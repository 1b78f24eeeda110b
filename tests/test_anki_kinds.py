"""Basic, reversed and cloze cards in real Anki: each kind has a note type of its own, and
Anki renders what the notes meant."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from anki.cards import Card

from notegen.build import build
from notegen.config import SiteConfig
from notegen.emit.anki import CLOZE_MODEL_NAME, MODEL_NAME, REVERSED_MODEL_NAME

from .ankitools import TEMPLATE_ERRORS, fresh_collection, import_apkg

pytestmark = pytest.mark.anki


def _notes(folder: Path) -> Path:
    folder.mkdir()
    (folder / "basics.md").write_text(
        "# Basics\n\n## What does TCP guarantee?\n\nOrdered, reliable delivery.\n",
        encoding="utf-8")
    (folder / "flashcards.md").write_text(
        "#flashcards\n\n"
        "Capital of Kenya:::Nairobi\n\n"
        "The derivative of ==$x^2$== is ==$2x$==.\n\n"
        "Euler: {{c1::$e^{i\\pi} + 1 = 0$}}, found in {{c2::1748::year}}.\n",
        encoding="utf-8")
    return folder


def test_every_kind_imports_and_renders(tmp_path: Path) -> None:
    report = build(_notes(tmp_path / "notes"), tmp_path / "out", SiteConfig())
    col = fresh_collection(tmp_path / "anki")
    counts = import_apkg(col, report.apkg)
    assert (counts.new, counts.conflicting) == (4, 0)

    kinds: dict[str, list[list[Card]]] = defaultdict(list)
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = [col.get_card(cid) for cid in note.card_ids()]
        for card in cards:
            shown = card.question() + card.answer()
            assert not any(e in shown for e in TEMPLATE_ERRORS), shown[:300]
        kinds[note.note_type()["name"]].append(cards)
    assert len(kinds[MODEL_NAME]) == 1
    (reversed_cards,) = kinds[REVERSED_MODEL_NAME]
    assert len(reversed_cards) == 2
    forth, back = sorted(reversed_cards, key=lambda c: c.ord)
    assert "Capital of Kenya" in forth.question() and "Nairobi" not in forth.question()
    assert "Nairobi" in back.question() and "Capital of Kenya" not in back.question()

    clozes = kinds[CLOZE_MODEL_NAME]
    assert sorted(len(cards) for cards in clozes) == [2, 2]  # one card per deletion
    derivative = next(cards for cards in clozes if "derivative" in cards[0].answer())
    first = min(derivative, key=lambda c: c.ord)
    assert "[...]" in first.question() and "x^2" not in first.question()
    assert "\\(x^2\\)" in first.answer() and "\\(2x\\)" in first.answer()
    euler = next(cards for cards in clozes if "Euler" in cards[0].answer())
    year = max(euler, key=lambda c: c.ord)
    assert "[year]" in year.question() and "1748" in year.answer()
    assert "\\(e^{i\\pi} + 1 = 0\\)" in year.question()  # the other deletion is shown
    col.close()
