"""Other people's real notes (tests/fixtures/devcorpus, licences in its SOURCES.md), read with
no configuration: the questions a careful reader makes cards from, and where each answer ends.

A card counts when it starts on an expected item's line (its question, the label or
``<details>`` its block starts with, or one of the questions an item's shared answer covers);
an item marked ambiguous may be read either way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from notegen.ir import Card
from notegen.segment import parse_paths

from .conftest import FIXTURES, line_owners

CORPUS = FIXTURES / "devcorpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (CORPUS / "expected.json").read_text(encoding="utf-8"))["files"]


def _item_lines(item: dict[str, Any]) -> set[int]:
    lines = {item["line"], *(s["line"] for s in item.get("sub_questions", []))}
    if "block_start" in item:
        lines.add(item["block_start"])
    return lines


@dataclass
class Score:
    cards: list[Card]
    matched: dict[int, Card]  # item index → card
    extra: list[Card]
    missed: list[dict[str, Any]]

    @property
    def f1(self) -> float:
        true = len(self.cards) - len(self.extra)
        precision = true / len(self.cards) if self.cards else 0.0
        required = true + len(self.missed)
        recall = (required - len(self.missed)) / required if required else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def report(self) -> str:
        lines = [f"F1 {self.f1:.3f}: {len(self.cards)} cards"]
        lines += [f"  extra card at {c.source.start}: {c.title[:70]!r}" for c in self.extra]
        lines += [f"  missed item at {i['line']}: {i['title'][:70]!r}" for i in self.missed]
        return "\n".join(lines)


def score(name: str) -> Score:
    items = EXPECTED[name]["items"]
    deck, _ = parse_paths([CORPUS / name], "Corpus")
    matched: dict[int, Card] = {}
    extra = []
    for card in deck.cards:
        hits = [i for i, item in enumerate(items)
                if card.source.start in _item_lines(item) and i not in matched]
        if hits:
            matched[hits[0]] = card
        else:
            extra.append(card)
    missed = [item for i, item in enumerate(items)
              if i not in matched and not item.get("ambiguous")]
    return Score(list(deck.cards), matched, extra, missed)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_questions_are_found(name: str) -> None:
    result = score(name)
    assert result.f1 >= 0.95, result.report()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answers_end_where_a_reader_ends_them(name: str) -> None:
    items = EXPECTED[name]["items"]
    wrong = [f"item at {items[i]['line']} ends at {card.source.end}, "
             f"expected {items[i]['answer_end']}"
             for i, card in score(name).matched.items()
             if not items[i].get("ambiguous") and card.source.end != items[i]["answer_end"]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nothing_is_lost(name: str) -> None:
    path = CORPUS / name
    deck, _ = parse_paths([path], "Corpus")
    lines = path.read_text(encoding="utf-8").split("\n")
    owners = line_owners(deck, lines)
    body_start = _body_start(lines)
    filled = {no for no, line in enumerate(lines, 1) if line.strip() and no > body_start}
    assert filled == set(owners), sorted(filled - set(owners))[:10]


def _body_start(lines: list[str]) -> int:
    """The front matter's last line (0 when there is none)."""
    if lines and lines[0].strip() == "---":
        return next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")) + 1
    return 0
