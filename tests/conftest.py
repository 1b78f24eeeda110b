"""Shared fixtures. The seed notes and their golden items are copied into tests/fixtures/seed
so that the suite stands alone."""

from __future__ import annotations

import json
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
