"""The command line as a user meets it: exports, builds and clear one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from notegen.cli import run

from .conftest import FIXTURES, REPO_NOTES, SEED


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = run(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_export_writes_one_json_object_per_card(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "export", str(REPO_NOTES))
    assert status == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 121
    first = records[0]
    assert {"id", "deck", "chapter", "title", "question", "answer", "tags", "source"} <= set(first)
    assert first["title"] == "VGG16采用3*3卷积核的优势?"
    assert first["tags"] == ["深度学习-P35"]
    assert first["source"]["lines"] == [8, 12]
    assert first["source"]["path"].endswith("notes/deep-learning-interview-notes.md")
    assert len({r["id"] for r in records}) == 121
    assert "121 cards" in err


def test_export_to_a_file_and_ids_are_stable(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cards.jsonl"
    assert _run(capsys, "export", str(SEED), "-o", str(target))[0] == 0
    again = tmp_path / "again.jsonl"
    assert _run(capsys, "export", str(SEED), "-o", str(again))[0] == 0
    assert target.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 116


def test_missing_notes_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "build", "--notes", str(tmp_path / "nope"),
                          "--out", str(tmp_path / "out"))
    assert status == 1
    assert err.strip().endswith("nope: error: notes folder not found")
    assert "Traceback" not in err


def test_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "latin1.md").write_bytes("# Kapitel\n\n1. Größe?\n".encode("latin-1"))
    status, _, err = _run(capsys, "export", str(notes))
    assert status == 1
    assert "latin1.md:3:6: error: not valid UTF-8 (byte 0xf6)" in err


def test_empty_file_and_file_without_questions_warn(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "empty.md").write_text("  \n\n", encoding="utf-8")
    (notes / "prose.md").write_text("# Diary\n\nNothing to ask here.\n", encoding="utf-8")
    shutil.copy(FIXTURES / "parse" / "numbered-bullets.md", notes / "cards.md")
    status, out, err = _run(capsys, "export", str(notes))
    assert status == 0
    assert len(out.splitlines()) == 3
    assert "empty.md: warning: empty file, skipped" in err
    assert "prose.md: warning: no questions found" in err


def test_no_questions_anywhere_is_an_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "prose.md").write_text("# Diary\n\nNothing to ask here.\n", encoding="utf-8")
    status, _, err = _run(capsys, "build", "--notes", str(notes), "--out", str(tmp_path / "o"))
    assert status == 1
    assert "error: no questions found in any note; nothing to build" in err
    assert not (tmp_path / "o" / "site").exists()


def test_bad_front_matter_points_at_the_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    note = tmp_path / "fm.md"
    note.write_text("---\nnotegen:\n  questions: sometimes\n---\n# C\n\n## 1. Q\n\nA\n",
                    encoding="utf-8")
    status, _, err = _run(capsys, "export", str(note))
    assert status == 1
    assert "fm.md:3:1: error: notegen.questions is 'sometimes'" in err


@pytest.mark.parametrize("settings, message", [
    ("plugins: [123]", "plugins: 123 should be a name, or a name followed by a mapping"),
    ("plugins: [{search: 5}]", "plugins: {'search': 5} should be a name"),
    ("markdown_extensions: [{toc: x}]", "markdown_extensions: {'toc': 'x'} should be a name"),
    ("extra_css: [1]", "extra_css should be a list of file paths"),
    ("theme: {name: material, language: 5}", "theme.language should be a language code"),
    ("theme: {name: readthedocs}", "notegen's pages need theme.name: material"),
    ("site_name: [unclosed", "mkdocs.yml:2:1: error: cannot read: expected ',' or ']'"),
])
def test_badly_shaped_site_settings_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               settings: str, message: str) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(FIXTURES / "parse" / "numbered-bullets.md", notes / "cards.md")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: Cards\n{settings}\n" if "site_name" not in settings
                      else settings + "\n", encoding="utf-8")
    status, _, err = _run(capsys, "build", "--notes", str(notes), "--out", str(tmp_path / "o"),
                          "--config", str(config))
    assert status == 1
    assert message in err
    assert "Traceback" not in err


def test_export_of_one_file_uses_its_folders_ledger(notes_copy: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    sub = notes_copy / "sub"
    sub.mkdir()
    (notes_copy / "deep-learning-interview-notes.md").rename(sub / "notes.md")
    status, whole, _ = _run(capsys, "export", str(notes_copy))
    status_one, one, err = _run(capsys, "export", str(sub / "notes.md"))
    assert status == status_one == 0
    assert [json.loads(r)["id"] for r in one.splitlines()] == [
        json.loads(r)["id"] for r in whole.splitlines()]
    assert "no identity ledger" not in err


def test_retired_needs_a_notes_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "retired", "--notes", str(tmp_path / "nope"))
    assert status == 1 and "nope: error: notes folder not found" in err
