"""`notegen export`: one JSON object a line, holding the cards' text exactly."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from notegen.emit.export import write_jsonl
from notegen.ir import Card, Chapter, Deck, Span

# Characters that some reader of "lines" takes for a line break (str.splitlines, JavaScript).
BREAKS = ("\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
TEXT = st.lists(st.one_of(st.sampled_from(BREAKS), st.characters(codec="utf-8")),
                max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(cards=st.lists(st.tuples(TEXT, TEXT, TEXT), min_size=1, max_size=5))
def test_titles_answers_and_chapters_come_back_unchanged(
        cards: list[tuple[str, str, str]]) -> None:
    chapters = tuple(
        Chapter(title=chapter, path="n.md", line=0, meta="", meta_span=None, cards=(Card(
            id=f"c{n:011d}", deck="Deck", chapter=chapter, number=None, title=title,
            question=title, answer=answer, answer_start=2, tags=(),
            source=Span("n.md", 1, 2)),))
        for n, (title, answer, chapter) in enumerate(cards))
    out = io.StringIO()
    assert write_jsonl(Deck("Deck", chapters), out) == len(cards)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(cards)
    assert [(r["title"], r["answer"], r["chapter"]) for r in map(json.loads, lines)] == cards
