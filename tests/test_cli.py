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
