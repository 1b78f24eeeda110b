"""A build publishes everything or nothing, and any MkDocs warning fails it."""

from __future__ import annotations

import html
import re
import shutil
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


# --- notegen replaces only what it made ------------------------------------------------------

CARD = "# C\n\n## 1. Q\n\n- A\n"


def _notes(folder: Path, text: str = CARD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cards.md").write_text(text, encoding="utf-8")
    return folder


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under a folder, with the bytes of its files."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


def test_building_the_site_folder_as_notes_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _notes(tmp_path / "site")
    before = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(["build", "--notes", "site", "--out", "."]) == 1
    err = capsys.readouterr().err
    assert err == ("site: error: the notes folder is site, which every build replaces; "
                   "keep the notes elsewhere or choose another --out\n")
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("notes, out", [
    ("build/site/notes", "build"),
    ("build/Cards.apkg", "build"),
    ("build/.notegen/notes", "build"),
    ("notes", "notes"),
    ("notes", "notes/sub"),
    ("link", "build"),  # a link to build/site
])
def test_every_overlap_of_notes_and_output_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        notes: str, out: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "build" / "site").mkdir(parents=True)
    _notes(tmp_path / notes if notes != "link" else tmp_path / "build" / "site")
    if notes == "link":
        (tmp_path / "link").symlink_to(tmp_path / "build" / "site")
    before = _tree(tmp_path)
    assert run(["build", "--notes", notes, "--out", out, "--deck", "Cards"]) == 1
    err = capsys.readouterr().err
    assert "error: the " in err and "Traceback" not in err
    assert _tree(tmp_path) == before


def test_a_site_folder_notegen_did_not_make_is_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "index.html").write_text("my own page", encoding="utf-8")
    before = _tree(tmp_path)
    assert run(["build", "--notes", str(notes), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert (f"{out}/site: error: not made by notegen (it holds no .notegen-site marker), so "
            "notegen will not replace it: move it away, or choose another --out") in err
    assert _tree(tmp_path) == before


def test_a_link_named_site_is_not_replaced(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "mine").mkdir()
    (out / "site").symlink_to(tmp_path / "mine")
    assert run(["build", "--notes", str(notes), "--out", str(out)]) == 1
    assert f"{out}/site: error: not made by notegen" in capsys.readouterr().err
    assert (out / "site").is_symlink() and not list((tmp_path / "mine").iterdir())


def test_an_apkg_notegen_did_not_write_is_left_alone(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    out.mkdir()
    (out / "Cards.apkg").write_bytes(b"a deck from a friend")
    assert run(["build", "--notes", str(notes), "--out", str(out), "--deck", "Cards"]) == 1
    assert (f"{out}/Cards.apkg: error: not written by notegen (or changed since), so notegen "
            "will not replace it: move it away, or choose another --out"
            ) in capsys.readouterr().err
    assert (out / "Cards.apkg").read_bytes() == b"a deck from a friend"
    assert not (out / "site").exists()


def test_rebuilding_replaces_what_notegen_made(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out), "--deck", "Cards"]
    assert run(argv) == 0
    assert (out / "site" / ".notegen-site").is_file()
    first = (out / "Cards.apkg").read_bytes()
    _notes(notes, CARD + "\n## 2. Another\n\n- B\n")
    assert run(argv) == 0
    assert (out / "Cards.apkg").read_bytes() != first
    assert "Another" in (out / "site" / "c" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == [".notegen", "Cards.apkg", "site"]


@pytest.mark.parametrize("edited", [False, True])
def test_a_renamed_deck_removes_the_old_apkg_unless_edited_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], edited: bool) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out), "--deck"]
    assert run([*argv, "Old"]) == 0
    if edited:
        (out / "Old.apkg").write_bytes(b"edited by hand")
    capsys.readouterr()
    assert run([*argv, "New"]) == 0
    said = capsys.readouterr().err
    if edited:
        assert (f"{out}/Old.apkg: warning: left in place: an earlier build wrote it, but it "
                f"has changed since; the deck is now {out}/New.apkg") in said
        assert (out / "Old.apkg").read_bytes() == b"edited by hand"
    else:
        assert (f"{out}/Old.apkg: warning: removed: an earlier build wrote it, and the deck is "
                f"now {out}/New.apkg") in said
        assert sorted(p.name for p in out.glob("*.apkg")) == ["New.apkg"]


def test_a_failed_first_build_leaves_no_apkg(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    (notes / "notegen-ledger.tsv").mkdir()
    out = tmp_path / "out"
    assert run(["build", "--notes", str(notes), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert (f"{notes}/notegen-ledger.tsv: error: is a folder, not the ledger file; move it "
            "away") in err
    assert not list(out.glob("*.apkg")) and not (out / "site").exists()


def test_a_ledger_folder_is_refused_before_anything_is_published(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out)]
    assert run(argv) == 0
    before = _tree(out)
    (notes / "notegen-ledger.tsv").unlink()
    (notes / "notegen-ledger.tsv").mkdir()
    _notes(notes, CARD + "\n## 2. Another\n\n- B\n")
    assert run(argv) == 1
    assert "notegen-ledger.tsv: error: is a folder" in capsys.readouterr().err
    assert _tree(out) == before


def test_a_symlinked_ledger_is_written_through_the_link(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    kept = tmp_path / "elsewhere" / "ledger.tsv"
    kept.parent.mkdir()
    (notes / "notegen-ledger.tsv").symlink_to(kept)
    assert run(["build", "--notes", str(notes), "--out", str(tmp_path / "out")]) == 0
    assert (notes / "notegen-ledger.tsv").is_symlink()
    assert "\tlive\t" in kept.read_text(encoding="utf-8")
    assert sorted(p.name for p in kept.parent.iterdir()) == ["ledger.tsv"]


def test_an_output_that_is_a_file_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path / "notes")
    (tmp_path / "out").write_text("mine", encoding="utf-8")
    assert run(["build", "--notes", str(notes), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"{tmp_path}/out: error: not a folder; choose another --out\n"
    assert (tmp_path / "out").read_text(encoding="utf-8") == "mine"


def test_what_killed_builds_of_earlier_versions_left_is_removed(tmp_path: Path) -> None:
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    for left in (".staging-4242/site", ".old-4242-site/search"):
        (out / left).mkdir(parents=True)
    (out / ".old-4242-Cards.apkg").write_bytes(b"PK")
    assert run(["build", "--notes", str(notes), "--out", str(out), "--deck", "Cards"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [".notegen", "Cards.apkg", "site"]


def test_outputs_of_notegen_0_1_are_replaced(tmp_path: Path) -> None:
    """notegen 0.1 wrote its site without a marker and kept no record of its decks."""
    notes = _notes(tmp_path / "notes")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out), "--deck", "Cards"]
    assert run(argv) == 0
    (out / "site" / ".notegen-site").unlink()
    shutil.rmtree(out / ".notegen")
    _notes(notes, CARD + "\n## 2. Another\n\n- B\n")
    assert run(argv) == 0
    assert "Another" in (out / "site" / "c" / "index.html").read_text(encoding="utf-8")
    (out / "Cards.apkg").write_bytes(b"not a deck")  # a file of the same name, not notegen's
    shutil.rmtree(out / ".notegen")
    assert run(argv) == 1
