"""A build publishes everything or nothing, and any MkDocs warning fails it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from notegen.build import build
from notegen.cli import run
from notegen.config import SiteConfig

from .conftest import FIXTURES


def test_a_failed_build_leaves_the_previous_output(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.md").write_text(
        (FIXTURES / "parse" / "numbered-bullets.md").read_text(encoding="utf-8"),
        encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Cards\ntheme:\n  name: material\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out), "--config", str(config)]
    assert run(argv) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("Cards.apkg") in before and Path("site/index.html") in before
    capsys.readouterr()

    (notes / "cards.md").write_text("# 数据\n\n## 13. A new question\n\n- new\n",
                                    encoding="utf-8")
    config.write_text("site_name: Cards\ntheme:\n  name: material\nplugins:\n"
                      "  - search:\n      no_such_option: 1\n", encoding="utf-8")
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml: error: MkDocs:" in err and "no_such_option" in err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(out.glob(".staging-*"))


def test_a_ledger_that_cannot_be_written_publishes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.md").write_text("# C\n\n## 1. Q\n\n- A\n", encoding="utf-8")
    (notes / "notegen-ledger.tsv.new").mkdir()  # where the ledger is written first
    out = tmp_path / "out"
    assert run(["build", "--notes", str(notes), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "notegen-ledger.tsv.new: error:" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == []


def test_output_inside_the_notes_folder_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.md").write_text("# C\n\n## 1. Q\n\n- A\n", encoding="utf-8")
    assert run(["build", "--notes", str(notes), "--out", str(notes / "out")]) == 1
    assert "the output folder must be outside the notes folder" in capsys.readouterr().err


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def test_titles_read_on_the_site_exactly_as_in_the_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text(
        "# C (draft) [v2]\n\n"
        "## 1. Why use ReLU (rectified linear unit) here? \\*not emphasis\\* a<b & $5 \\\\ f(x)\n\n"
        "- A\n\n## 2. What is $\\sigma(x)$ for [1]\n\n- B\n", encoding="utf-8")
    report = build(notes, tmp_path / "out", SiteConfig())
    first, second = report.deck.cards
    page = next((tmp_path / "out" / "site").glob("*/index.html")).read_text(encoding="utf-8")
    headings = dict(re.findall(r'<h2 id="(\w+)" class="ng-q"[^>]*>(.*?)<a class="headerlink"',
                               page))
    assert _text(headings[first.id]) == first.title
    assert first.title == ("Why use ReLU (rectified linear unit) here? *not emphasis* a<b & $5 "
                           "\\ f(x)")
    assert "arithmatex" not in headings[first.id]
    assert headings[second.id].count('class="arithmatex"') == 1
    assert "\\(\\sigma(x)\\)" in headings[second.id]
    assert _text(re.findall(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", page)[0]) == "C (draft) [v2]"
