"""One small note per rule and per quirk, each beside the cards it must give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notegen.segment import parse_paths

from .conftest import FIXTURES

CASES = sorted((FIXTURES / "parse").glob("*.md"))


@pytest.mark.parametrize("note", CASES, ids=[c.stem for c in CASES])
def test_fixture(note: Path) -> None:
    expected = json.loads(note.with_suffix(".json").read_text(encoding="utf-8"))
    deck, problems = parse_paths([note], "Fixture")
    assert [f"{p.line}: {p.severity.value}: {p.message}" for p in problems] == expected.get(
        "problems", [])
    assert [{"title": ch.title, "meta": ch.meta} for ch in deck.chapters] == expected["chapters"]
    assert [
        {"chapter": c.chapter, "number": c.number, "title": c.title, "tags": list(c.tags),
         "lines": [c.source.start, c.source.end], "answer": c.answer}
        for c in deck.cards
    ] == expected["cards"]
