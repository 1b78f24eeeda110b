"""Shared fixtures. The seed notes and their golden items are copied into tests/fixtures/seed
so that the suite stands alone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from notegen.ir import Deck
from notegen.segment import parse_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "seed" / "deep-learning-interview-notes.md"
GOLDEN = FIXTURES / "seed" / "seed_items.json"
REPO_NOTES = ROOT / "notes"
# Math spans as a reader finds them in the seed: $$…$$ and $…$ (no money in the seed).
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
MATH_SPAN = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$")


def line_owners(deck: Deck, lines: list[str]) -> dict[int, str]:
    """Line number → the card or chapter holding it; fails on a line held twice."""
    owner: dict[int, str] = {}

    def claim(first: int, last: int, who: str) -> None:
        for no in range(first, last + 1):
            if lines[no - 1].strip():
                assert no not in owner, f"line {no} claimed by {owner[no]} and {who}"
                owner[no] = who

    for chapter in deck.chapters:
        if chapter.line:
            underlined = (not lines[chapter.line - 1].lstrip().startswith("#")
                          and chapter.line < len(lines)
                          and SETEXT_UNDERLINE.match(lines[chapter.line]))
            claim(chapter.line, chapter.line + (1 if underlined else 0), chapter.title)
        if chapter.meta_span:
            claim(chapter.meta_span.start, chapter.meta_span.end, chapter.title)
            assert chapter.meta == "\n".join(
                lines[chapter.meta_span.start - 1 : chapter.meta_span.end])
        for passage in chapter.passages:
            claim(passage.span.start, passage.span.end, f"{chapter.title} (passage)")
            assert passage.text == "\n".join(lines[passage.span.start - 1 : passage.span.end])
        for card in chapter.cards:
            claim(card.source.start, card.source.end, card.title)
            question = card.question.split("\n")
            assert question == lines[card.source.start - 1 : card.source.start - 1 + len(question)]
            assert_answer_from_source(card.answer, card.answer_start, card.source.end, lines)
    return owner


def assert_answer_from_source(answer: str, start: int, end: int, lines: list[str]) -> None:
    """An answer is its source lines: the first may have lost a label (``A: ``) or be one
    cell of its line, the others are whole lines of the card."""
    if not answer:
        return
    parts = answer.split("\n")
    assert start + len(parts) - 1 <= end, (start, end, answer)
    assert parts[0] in lines[start - 1], (start, parts[0])
    assert parts[1:] == lines[start : start + len(parts) - 1], (start, answer)


@pytest.fixture(scope="session")
def golden() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))["items"]
    return items


@pytest.fixture(scope="session")
def seed_deck() -> Deck:
    deck, problems = parse_paths([SEED], "Seed")
    assert not [p for p in problems if p.severity.value == "error"]
    return deck


@pytest.fixture(scope="session")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture()
def notes_copy(tmp_path: Path) -> Path:
    """A private copy of the repo's notes (ledger included) to build and edit."""
    target = tmp_path / "notes"
    shutil.copytree(REPO_NOTES, target)
    return target
