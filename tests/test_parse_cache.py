"""Each note's parse is cached by its text: a parse from the cache is the parse, ids included."""

from __future__ import annotations

import marshal
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegen.cache import Table
from notegen.ir import from_record, to_record
from notegen.ledger import natural_id
from notegen.segment import parse_paths

from .conftest import FIXTURES, REPO_NOTES

_NOTES = sorted([*FIXTURES.glob("parse/*.md"), *FIXTURES.glob("devcorpus/*.md"),
                 *FIXTURES.glob("render/*.md"), REPO_NOTES])


@pytest.mark.parametrize("path", _NOTES, ids=lambda p: p.name)
def test_the_ir_comes_back_whole_from_what_the_cache_stores(path: Path) -> None:
    deck, problems = parse_paths([path], "Records")
    stored = marshal.dumps(to_record((deck, tuple(problems))))
    assert from_record(marshal.loads(stored)) == (deck, tuple(problems))


def test_the_cache_serves_an_unchanged_note_and_parses_a_changed_one(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(3):
        (notes / f"{n}.md").write_text(f"# C{n}\n\n## 1. Q{n}?\n\nA{n}\n", encoding="utf-8")
    first = Table({})
    parse_paths([notes], "Deck", first)
    assert (first.hits, first.misses) == (0, 3)
    (notes / "1.md").write_text("# C1\n\n## 1. Q1?\n\nA1, edited\n", encoding="utf-8")
    second = Table(dict(first.entries))
    deck, _ = parse_paths([notes], "Deck", second)
    assert (second.hits, second.misses) == (2, 1)
    assert deck.cards[1].answer == "A1, edited"
    assert len(second.entries) == 3, "the entry of the note as it was is dropped"


_TITLES = st.lists(st.sampled_from(["什么是过拟合？", "What is X?", "什么是过拟合？ ", "Why?"]),
                   max_size=4)
_NOTE = st.tuples(st.sampled_from(["第1章", "Ch", "第1章"]), _TITLES,
                  st.sampled_from(["答案", "A $x$", ""]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(builds=st.lists(st.lists(_NOTE, min_size=3, max_size=3), min_size=2, max_size=4))
def test_a_parse_from_the_cache_is_the_parse_of_the_notes_as_they_are(
        tmp_path_factory: pytest.TempPathFactory,
        builds: list[list[tuple[str, list[str], str]]]) -> None:
    """Notes whose (chapter, title) pairs recur within and across files, edited build after
    build: each card's id depends on the notes before it, which the cache does not see."""
    notes = tmp_path_factory.mktemp("notes")
    table = Table({})
    for files in builds:
        for n, (chapter, titles, answer) in enumerate(files):
            questions = "".join(f"## {i}. {t}\n\n{answer}\n\n" for i, t in enumerate(titles, 1))
            (notes / f"{n}.md").write_text(f"# {chapter}\n\n{questions}", encoding="utf-8")
        table = Table(dict(table.entries))
        deck, problems = parse_paths([notes], "Deck", table)
        assert (deck, problems) == parse_paths([notes], "Deck")
        # The nth card of a (chapter, title) pair in the deck has the nth occurrence's id.
        seen: Counter[tuple[str, str]] = Counter()
        for card in deck.cards:
            assert card.id == natural_id(card.key, seen[card.key])
            seen[card.key] += 1
