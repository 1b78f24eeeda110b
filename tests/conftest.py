"""Shared fixtures. The seed notes and their golden items are copied into tests/fixtures/seed
so that the suite stands alone."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

from notegen.build import BuildReport, build
from notegen.config import SiteConfig
from notegen.ir import Deck
from notegen.segment import parse_paths
from notegen.serve import QuietHandler

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "seed" / "deep-learning-interview-notes.md"
GOLDEN = FIXTURES / "seed" / "seed_items.json"
REPO_NOTES = ROOT / "notes"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
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


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BuildReport]]:
    """The repo's notes built with site_url pointing at the local server, so that Material's
    instant navigation is active as it is on the real site."""
    work = tmp_path_factory.mktemp("site")
    notes = work / "notes"
    shutil.copytree(REPO_NOTES, notes)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = base
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                     encoding="utf-8")
    report = build(notes, work / "out", SiteConfig.load(work / "mkdocs.yml"))
    server.RequestHandlerClass = functools.partial(
        QuietHandler, directory=str(report.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base, report
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, one for the whole run (playwright's sync API cannot run twice at
    once, so this fixture lives here, once)."""
    if not CHROMIUM.is_file():
        pytest.fail("Debian's chromium is missing: run scripts/test as root, or "
                    "apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
