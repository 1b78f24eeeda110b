"""Cloze fronts: Anki deletions with math intact for the deck, click-to-reveal on the site."""

from __future__ import annotations

import html
import re
from pathlib import Path

import genanki
import pytest

from notegen.ir import Card, CardKind, Span
from notegen.render import Renderer

from .ankitools import TEMPLATE_ERRORS, fresh_collection, import_apkg

FRONT = ("The ==derivative== of $\\frac{1}{\\frac{1}{x}}$ is {{c3::$1$::a number}}, "
         "and ==$\\frac{a}{\\frac{b}{c}}$ with std::vector== is {{c4::outer {{c5::inner}}}}.")


def _cloze(front: str, extra: str = "") -> Card:
    return Card("z1", "Deck", "Chapter", None, "cloze", front, extra, 3, (),
                Span("notes/a.md", 2, 3), kind=CardKind.CLOZE, front=front)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(Path("notes"))


def test_deletions_are_numbered_and_marked_up(renderer: Renderer) -> None:
    rendered, problems = renderer.card(_cloze(FRONT, "Extra $x$"))
    assert not problems
    question = rendered.question
    # ==x== deletions count up from 1, skipping the numbers {{cN::}} uses; hints are kept.
    assert question.startswith("<p>The {{c1::derivative}} of ")
    assert "{{c3::<span class=\"arithmatex\">\\(1\\)</span>::a number}}" in question
    assert "{{c2::<span class=\"arithmatex\">" in question
    assert "{{c4::outer {{c5::inner}}}}" in question
    # Anki would read `}}` (math) and `::` (text) as cloze syntax: written as references.
    assert "\\frac{1}{\\frac{1}{x}&#125;" in question and "std:&#58;vector" in question
    site = rendered.site_question
    assert "{{" not in site and "&#125;" not in site
    assert ('<span class="ng-cloze" data-cloze="1" tabindex="0">derivative</span>') in site
    assert 'data-cloze="3" tabindex="0" title="a number">' in site
    assert "\\frac{a}{\\frac{b}{c}}" in site
    assert '<span class="arithmatex">\\(x\\)</span>' in rendered.answer


def test_an_unclosed_deletion_is_text(renderer: Renderer) -> None:
    site = renderer.card(_cloze("a ==b and {{c1::c"))[0].site_question
    assert site == "<p>a ==b and {{c1::c</p>"


CLOZE_MODEL = genanki.Model(
    1607392319, "test cloze", model_type=genanki.Model.CLOZE,
    fields=[{"name": "Text"}, {"name": "Extra"}],
    templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}<hr id=answer>{{Extra}}"}])


class _ClozeNote(genanki.Note):  # type: ignore[misc]
    """genanki finds deletions with a lazy regex that misses nested ones; Anki's own parser
    makes a card for each number, nested or not."""

    @property
    def cards(self) -> list[genanki.Card]:
        numbers = {int(n) for n in re.findall(r"\{\{c(\d+)::", self.fields[0])}
        return [genanki.Card(n - 1) for n in sorted(numbers)]


def _visible(card_html: str) -> str:
    """What the reader sees: tags removed, references resolved."""
    return html.unescape(re.sub(r"<[^>]+>", "", card_html))


@pytest.mark.anki
def test_real_anki_shows_blanks_on_the_front_and_math_on_the_back(renderer: Renderer,
                                                                  tmp_path: Path) -> None:
    rendered, _ = renderer.card(_cloze(FRONT, "Extra"))
    deck = genanki.Deck(2059400110, "Cloze")
    deck.add_note(_ClozeNote(model=CLOZE_MODEL, fields=[rendered.question, rendered.answer],
                               guid="z1"))
    apkg = tmp_path / "cloze.apkg"
    genanki.Package(deck).write_to_file(str(apkg))
    col = fresh_collection(tmp_path / "anki")
    assert import_apkg(col, apkg).new == 1
    cards = {col.get_card(cid).ord + 1: col.get_card(cid) for cid in col.find_cards("")}
    assert sorted(cards) == [1, 2, 3, 4, 5]
    for card in cards.values():
        shown = card.question() + card.answer()
        assert not any(e in shown for e in TEMPLATE_ERRORS)
    front, back = _visible(cards[1].question()), _visible(cards[1].answer())
    assert "The [...] of \\(\\frac{1}{\\frac{1}{x}}\\) is \\(1\\)" in front
    assert "derivative" not in front
    assert "The derivative of \\(\\frac{1}{\\frac{1}{x}}\\) is \\(1\\)" in back
    assert "\\(\\frac{a}{\\frac{b}{c}}\\) with std::vector is outer inner." in back
    assert "[a number]" in _visible(cards[3].question())
    front2 = _visible(cards[2].question())
    assert "[...] is" in front2 and "std::vector" not in front2
    assert "\\(\\frac{a}{\\frac{b}{c}}\\) with std::vector" in _visible(cards[2].answer())
    assert "[...]." in _visible(cards[4].question())
    assert "outer [...]." in _visible(cards[5].question())
