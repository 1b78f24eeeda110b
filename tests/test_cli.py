"""The command line as a user meets it: exports, builds and clear one-line errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from notegen import __version__
from notegen.cli import cli, run
from notegen.config import LEDGER_NAME, NOTES_SETTINGS_NAME

from .ankitools import fresh_collection, import_apkg, review_all
from .conftest import FIXTURES, REPO_NOTES, ROOT, SEED


def _notes(tmp_path: Path, fixture: str = "numbered-bullets.md") -> Path:
    """A notes folder holding one fixture note, as cards.md."""
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(FIXTURES / "parse" / fixture, notes / "cards.md")
    return notes


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
    assert "nope: error: notes folder not found: run notegen in the folder that holds it" in err
    assert "Traceback" not in err


def test_notes_given_a_file_says_what_to_do(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    note = notes / "cards.md"
    status, _, err = _run(capsys, "build", "--notes", str(note), "--out", str(tmp_path / "o"))
    assert status == 1
    assert f"{note}: error: --notes takes the folder that holds your notes, not one note" in err
    assert f"--notes {notes}" in err and f"`notegen export {note}`" in err
    assert "not found" not in err
    assert not (tmp_path / "o").exists()


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


# --- help, version, quiet ----------------------------------------------------------------

def test_version_and_short_help_options(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--version")
    assert status == 0 and out.strip() == f"notegen, version {__version__}"
    status, out, _ = _run(capsys, "-h")
    assert status == 0 and out.startswith("Usage: notegen [OPTIONS] COMMAND")
    status, out, _ = _run(capsys, "build", "-h")
    assert status == 0 and "--only [anki|site]" in out and "-q, --quiet" in out


def test_top_level_help_gives_each_command_its_whole_description(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    status, out, _ = _run(capsys, "--help")
    assert status == 0
    for name, command in cli.commands.items():
        description = command.get_short_help_str(limit=10_000)
        assert re.search(rf"^  {name} +{re.escape(description)}$", out, re.M), (name, out)
    assert "..." not in out.split("Commands:")[1]


NOTE_WITH_A_WARNING = "# C\n\n## 1. Q one\n\nA\n\n## 2. Q without an answer\n"


def test_warnings_go_to_stderr_and_quiet_keeps_only_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text(NOTE_WITH_A_WARNING, encoding="utf-8")
    argv = ["build", "--notes", str(notes), "--out", str(tmp_path / "o")]
    status, out, err = _run(capsys, *argv)
    assert status == 0
    warning = "n.md:7: warning: 'Q without an answer' has no answer"
    assert warning in err and warning not in out
    assert "warning:" not in out and "\n1 warning\n" in out
    assert "2 cards in 1 chapters" in out
    status, out, err = _run(capsys, *argv, "-q")
    assert status == 0 and out == ""
    assert warning in err and "cards" not in err
    status, out, err = _run(capsys, "export", str(notes), "-q")
    assert status == 0 and len(out.splitlines()) == 2 and err == ""


def test_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "serve", "--port", "70000")
    assert status == 2
    assert "Invalid value for '--port': 70000 is not in the range 0<=x<=65535" in err
    assert "Traceback" not in err


# --- one output at a time ------------------------------------------------------------------

def test_only_anki_or_only_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    ledger = notes / LEDGER_NAME
    out = tmp_path / "o"
    status, stdout, _ = _run(capsys, "build", "--notes", str(notes), "--out", str(out),
                             "--deck", "Cards", "--only", "site")
    assert status == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["site"]
    assert (out / "site" / "index.html").is_file()
    assert not ledger.exists(), "a site alone writes nothing to Anki, so no ledger"
    assert "site: " in stdout and "deck: " not in stdout

    status, stdout, _ = _run(capsys, "build", "--notes", str(notes), "--out", str(out),
                             "--deck", "Cards", "--only", "anki")
    assert status == 0 and ledger.is_file()
    assert "deck: " in stdout and "site: " not in stdout
    apkg = (out / "Cards.apkg").read_bytes()
    site = (out / "site" / "index.html").stat().st_mtime_ns
    ledger_text = ledger.read_text(encoding="utf-8")

    (notes / "cards.md").write_text((notes / "cards.md").read_text(encoding="utf-8")
                                    + "- 16. 新的问题\n  - 新的答案\n", encoding="utf-8")
    assert _run(capsys, "build", "--notes", str(notes), "--out", str(out), "--deck", "Cards",
                "--only", "site")[0] == 0
    assert "新的问题" in (out / "site" / "index.html").read_text(encoding="utf-8") or any(
        "新的问题" in p.read_text(encoding="utf-8") for p in (out / "site").rglob("*.html"))
    assert (out / "Cards.apkg").read_bytes() == apkg, "the deck is left as it was"
    assert (out / "site" / "Cards.apkg").read_bytes() == apkg, "and is the one the site offers"
    assert ledger.read_text(encoding="utf-8") == ledger_text
    assert _run(capsys, "build", "--notes", str(notes), "--out", str(out), "--deck", "Cards",
                "--only", "anki")[0] == 0
    assert (out / "site" / "index.html").stat().st_mtime_ns != site
    assert (out / "Cards.apkg").read_bytes() != apkg


# --- the identity ledger's first build -----------------------------------------------------

def test_a_first_build_starts_the_ledger_without_alarm(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    status, out, err = _run(capsys, "build", "--notes", str(notes), "--out",
                            str(tmp_path / "o"))
    assert status == 0
    assert "identity ledger" not in err and "warning" not in err
    assert f"ledger: started {notes / LEDGER_NAME}; commit it with your notes" in out


def test_no_ledger_talk_before_a_fatal_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "prose.md").write_text("# Diary\n\nNothing to ask here.\n", encoding="utf-8")
    status, out, err = _run(capsys, "build", "--notes", str(notes), "--out",
                            str(tmp_path / "o"))
    assert status == 1 and out == ""
    assert "identity ledger" not in err
    assert err.strip().endswith("error: no questions found in any note; nothing to build")


def test_a_lost_ledger_is_warned_about_once_when_a_deck_was_built_before(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    argv = ["build", "--notes", str(notes), "--out", str(tmp_path / "o"), "--deck", "Cards"]
    assert _run(capsys, *argv)[0] == 0
    (notes / LEDGER_NAME).unlink()
    status, _, err = _run(capsys, *argv)
    assert status == 0
    assert err.count("warning") == 1
    assert (f"{notes / LEDGER_NAME}: warning: no identity ledger was found, so a new one was "
            f"started. If {tmp_path / 'o' / 'Cards.apkg'} (built earlier) is in Anki") in err
    assert "restore the ledger from version control" in err
    status, _, err = _run(capsys, *argv)
    assert status == 0 and "identity ledger" not in err


# --- the deck's name -----------------------------------------------------------------------

def test_export_names_the_deck_as_build_does(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Site cards\n", encoding="utf-8")

    def names() -> tuple[set[str], set[str], list[str]]:
        folder = _run(capsys, "export", str(notes), "--config", str(config))[1]
        one = _run(capsys, "export", str(notes / "cards.md"), "--config", str(config))[1]
        out = tmp_path / "o"
        shutil.rmtree(out, ignore_errors=True)
        assert _run(capsys, "build", "--notes", str(notes), "--out", str(out), "--config",
                    str(config))[0] == 0
        return ({json.loads(r)["deck"] for r in folder.splitlines()},
                {json.loads(r)["deck"] for r in one.splitlines()},
                [p.name for p in out.glob("*.apkg")])

    assert names() == ({"Site cards"}, {"Site cards"}, ["Site-cards.apkg"])
    (notes / NOTES_SETTINGS_NAME).write_text("deck: 我的卡片\n", encoding="utf-8")
    assert names() == ({"我的卡片"}, {"我的卡片"}, ["我的卡片.apkg"])


def test_a_new_users_deck_is_named_after_their_notes_not_the_shipped_config(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    status, out, _ = _run(capsys, "build", "--notes", str(notes), "--out", str(tmp_path / "o"),
                          "--config", str(ROOT / "mkdocs.yml"))
    assert status == 0
    assert out.startswith("Notes: 3 cards")
    assert [p.name for p in (tmp_path / "o").glob("*.apkg")] == ["Notes.apkg"]
    assert (f"deck name: Notes, after the notes folder; to choose another, write `deck: …` in "
            f"{notes / NOTES_SETTINGS_NAME}") in out


@pytest.mark.parametrize("settings, message", [
    ("dek: Cards\n", "notegen.yml: error: unknown setting dek (the one setting here is `deck`)"),
    ("deck: [1, 2]\n", "notegen.yml: error: deck should be the deck's name"),
    ("- deck\n", "notegen.yml: error: must be a mapping of settings"),
    ("deck: 'open\n", "notegen.yml:2:1: error: cannot read: found unexpected end of stream"),
])
def test_bad_notes_settings_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       settings: str, message: str) -> None:
    notes = _notes(tmp_path)
    (notes / NOTES_SETTINGS_NAME).write_text(settings, encoding="utf-8")
    for argv in (["build", "--notes", str(notes), "--out", str(tmp_path / "o")],
                 ["export", str(notes)]):
        status, _, err = _run(capsys, *argv)
        assert status == 1 and message in err, err
        assert "Traceback" not in err


@pytest.mark.anki
def test_the_first_user_keeps_their_deck_and_its_history(
        notes_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Built once as before (the name in mkdocs.yml), reviewed, then built with the shipped
    settings (the name with the notes): the re-import adds nothing and loses nothing."""
    before = tmp_path / "before.yml"
    before.write_text("site_name: 深度学习面试笔记\n", encoding="utf-8")
    settings = notes_copy / NOTES_SETTINGS_NAME
    settings.rename(tmp_path / "aside.yml")
    argv = ["build", "--notes", str(notes_copy), "--out", str(tmp_path / "o")]
    assert _run(capsys, *argv, "--config", str(before))[0] == 0
    col = fresh_collection(tmp_path / "anki")
    first = import_apkg(col, tmp_path / "o" / "深度学习面试笔记.apkg")
    assert first.new == 120
    reviewed = review_all(col)
    decks = sorted(d.name for d in col.decks.all_names_and_ids(skip_empty_default=True))

    (tmp_path / "aside.yml").rename(settings)
    status, out, _ = _run(capsys, *argv, "--config", str(ROOT / "mkdocs.yml"))
    assert status == 0 and out.startswith("深度学习面试笔记: 121 cards")
    again = import_apkg(col, tmp_path / "o" / "深度学习面试笔记.apkg")
    assert (again.new, again.updated, again.conflicting) == (0, 0, 0)
    assert sorted(d.name for d in col.decks.all_names_and_ids(skip_empty_default=True)) == decks
    assert all(name.split("::")[0] == "深度学习面试笔记" for name in decks)
    assert col.db.scalar("select count() from revlog") == reviewed


def test_styles_lists_every_reader(capsys: pytest.CaptureFixture[str]) -> None:
    from notegen.styles import READERS

    status, out, _ = _run(capsys, "styles")
    assert status == 0
    names = [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()]
    assert names[: len(READERS) + 1] == ["auto", *(m.NAME for m in READERS)]
    assert "``" not in out
