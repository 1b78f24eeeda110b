"""One small note per rule and per quirk, each beside the cards it must give.

Every expected card states its chapter, number, title, tags, lines and answer; a fixture for
a style states more where the style decides it (kind, front, context, section, style), and
the chapter's passages when it has any.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from notegen.ir import Card
from notegen.segment import parse_paths

from .conftest import FIXTURES, line_owners

CASES = sorted((FIXTURES / "parse").glob("*.md"))
_OPTIONAL = ("kind", "front", "context", "section", "style")


def _card(card: Card, expected: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {
        "chapter": card.chapter, "number": card.number, "title": card.title,
        "tags": list(card.tags), "lines": [card.source.start, card.source.end],
        "answer": card.answer}
    for key in _OPTIONAL:
        if key in expected:
            value = getattr(card, key)
            record[key] = value.value if key == "kind" else (
                list(value) if isinstance(value, tuple) else value)
    return record


@pytest.mark.parametrize("note", CASES, ids=[c.stem for c in CASES])
def test_fixture(note: Path) -> None:
    expected = json.loads(note.with_suffix(".json").read_text(encoding="utf-8"))
    deck, problems = parse_paths([note], "Fixture")
    assert [f"{p.line}: {p.severity.value}: {p.message}" for p in problems] == expected.get(
        "problems", [])
    assert [{"title": ch.title, "meta": ch.meta} for ch in deck.chapters] == expected["chapters"]
    cards = expected["cards"]
    assert [_card(c, e) for c, e in zip(deck.cards, cards, strict=False)] == cards
    assert len(deck.cards) == len(cards)
    if "passages" in expected:
        assert [{"lines": [p.span.start, p.span.end], "heading": p.heading, "before": p.before}
                for ch in deck.chapters for p in ch.passages] == expected["passages"]
    lines = note.read_text(encoding="utf-8").split("\n")
    line_owners(deck, lines)
