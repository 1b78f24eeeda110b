"""Fidelity on the first user's real notes, against the golden items a careful reader
extracts from them."""

from __future__ import annotations

from typing import Any

from notegen.ir import Deck
from notegen.segment import parse_paths

from .conftest import MATH_SPAN, REPO_NOTES, SEED, line_owners


def _item(card: Any) -> tuple[int, str, str | None, str, list[str]]:
    return (card.source.start, card.chapter, card.number, card.title, list(card.tags))


def _golden(item: dict[str, Any]) -> tuple[int, str, str | None, str, list[str]]:
    number = None if item["number"] is None else str(item["number"])
    return (item["line"], item["chapter"], number, item["title"], item["tags"])


def test_all_required_items_and_nothing_else(seed_deck: Deck, golden: list[dict[str, Any]]
                                              ) -> None:
    required = [_golden(i) for i in golden if not i.get("stretch")]
    assert len(required) == 116
    assert [_item(c) for c in seed_deck.cards] == required


def test_marked_stretch_items_become_cards(golden: list[dict[str, Any]]) -> None:
    deck, _ = parse_paths([REPO_NOTES], "Repo")
    assert [_item(c) for c in deck.cards] == [_golden(i) for i in golden]
    assert len(deck.cards) == 121


def test_answers_run_from_the_question_to_the_next_question(
        seed_deck: Deck, seed_lines: list[str]) -> None:
    cards = seed_deck.cards
    starts = sorted({c.source.start for c in cards} | {
        ch.line for ch in seed_deck.chapters if ch.line})
    for card in cards:
        following = [s for s in starts if s > card.source.start]
        stop = following[0] if following else len(seed_lines) + 1
        region = seed_lines[card.source.start : stop - 1]  # lines after the question
        filled = [i for i, line in enumerate(region) if line.strip()]
        expected = "\n".join(region[filled[0] : filled[-1] + 1]) if filled else ""
        assert card.answer == expected, card.title
        assert card.question == seed_lines[card.source.start - 1]
        assert card.source.end < stop


def test_every_line_lands_in_exactly_one_card_or_chapter(
        seed_deck: Deck, seed_lines: list[str]) -> None:
    owner = line_owners(seed_deck, seed_lines)
    filled = {no for no, line in enumerate(seed_lines, 1) if line.strip()}
    assert filled == set(owner), sorted(filled - set(owner))[:10]


def test_chapter_date_stamps_are_kept(seed_deck: Deck) -> None:
    assert [ch.meta for ch in seed_deck.chapters] == [
        "2022年4月23日 21:34", "2022年5月6日 22:14", "2022年5月6日 22:03",
        "2022年4月23日 22:05", "2022年5月8日 10:07"]




def test_every_math_span_survives_byte_for_byte(seed_deck: Deck) -> None:
    text = SEED.read_text(encoding="utf-8")
    spans = [m.group(0) for m in MATH_SPAN.finditer(text)]
    assert len(spans) == 189
    held = "\n".join(c.question + "\n" + c.answer for c in seed_deck.cards)
    for span in set(spans):
        assert held.count(span) == text.count(span), span
