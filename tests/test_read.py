"""Reading notes: only regular files inside the notes folder are notes, every encoding problem
gets a fix the user can run, and no file or front matter can hang the read or end in a
traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from notegen.cli import run
from notegen.read import MAX_NOTE_BYTES, find_notes, read_note

from .processes import notegen

NOTE = "# 数据\n\n## 1. 什么是过拟合？\n\n- 训练误差小而测试误差大。\n"


@pytest.fixture()
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "good.md").write_text(NOTE, encoding="utf-8")
    return folder


def _export(notes: Path) -> subprocess.CompletedProcess[str]:
    """``notegen export`` in its own process, so that a hang fails the test (after HANG s)."""
    return notegen("export", str(notes), cwd=notes.parent)


def _titles(jsonl: str) -> list[str]:
    return [json.loads(line)["title"] for line in jsonl.splitlines()]


# --- what is a note -------------------------------------------------------------------------

def test_a_fifo_named_like_a_note_is_skipped_without_hanging(notes: Path) -> None:
    os.mkfifo(notes / "pipe.md")
    done = _export(notes)
    assert done.returncode == 0
    assert "notes/pipe.md: warning: not a regular file (a FIFO); skipped" in done.stderr
    assert _titles(done.stdout) == ["什么是过拟合？"]


def test_a_link_to_dev_zero_is_not_a_note(notes: Path) -> None:
    (notes / "zero.md").symlink_to("/dev/zero")
    done = _export(notes)
    assert done.returncode == 0
    assert ("notes/zero.md: warning: a link to /dev/zero, outside the notes folder; "
            "not read") in done.stderr
    assert _titles(done.stdout) == ["什么是过拟合？"]


def test_a_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    done = notegen("export", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 1
    assert "/dev/zero: error: not a regular file (a character device)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("target", ["secret.md", "elsewhere"])
def test_a_link_to_notes_outside_the_folder_is_not_followed(notes: Path, target: str) -> None:
    outside = notes.parent / target
    note = "# Secret\n\n## 1. Private?\n\n- yes\n"
    if target.endswith(".md"):
        outside.write_text(note, encoding="utf-8")
    else:
        outside.mkdir()
        (outside / "more.md").write_text(note, encoding="utf-8")
    (notes / target).symlink_to(outside)
    done = _export(notes)
    assert done.returncode == 0
    assert f"notes/{target}: warning: a link to {outside}, outside the notes folder; not read" \
        in done.stderr
    assert _titles(done.stdout) == ["什么是过拟合？"]


def test_a_link_to_a_note_inside_the_folder_is_read(notes: Path) -> None:
    (notes / "sub").mkdir()
    (notes / "sub" / "real.md").write_text("# Real\n\n## 1. Linked?\n\n- yes\n",
                                           encoding="utf-8")
    (notes / "alias.md").symlink_to(Path("sub") / "real.md")
    files, problems = find_notes([notes])
    assert [f.relative_to(notes).as_posix() for f in files] == ["alias.md", "good.md",
                                                                 "sub/real.md"]
    assert problems == []


def test_links_that_loop_or_lead_nowhere_are_messages(notes: Path) -> None:
    (notes / "self.md").symlink_to("self.md")
    (notes / "gone.md").symlink_to("nothing-here.md")
    done = _export(notes)
    assert done.returncode == 0
    assert "notes/self.md: warning: a link that leads back to itself; skipped" in done.stderr
    assert "notes/gone.md: warning: a link to nothing-here.md, which does not exist; skipped" \
        in done.stderr
    assert "Traceback" not in done.stderr


def test_note_suffixes_are_matched_in_any_case(notes: Path) -> None:
    (notes / "upper.MD").write_text("# Upper\n\n## 1. Shouting?\n\n- yes\n", encoding="utf-8")
    (notes / "long.Markdown").write_text("# Long\n\n## 1. Spelled out?\n\n- yes\n",
                                         encoding="utf-8")
    files, _ = find_notes([notes])
    assert sorted(f.name for f in files) == ["good.md", "long.Markdown", "upper.MD"]


def test_a_note_too_large_to_be_notes_is_an_error(notes: Path) -> None:
    big = notes / "dump.md"
    with big.open("wb") as stream:
        stream.truncate(80_000_000)  # sparse: no disk space used
    assert MAX_NOTE_BYTES < 80_000_000
    source, problems = read_note(big)
    assert source is None
    assert [str(p) for p in problems] == [
        f"{big}: error: 80.0 MB is more than the {MAX_NOTE_BYTES / 1e6:.0f} MB notegen reads "
        "from one note; split it into smaller notes"]


def test_a_53_mb_note_is_read(notes: Path) -> None:
    card = "## 1. 什么是过拟合？\n\n- 训练误差小而测试误差大，$\\lambda \\|w\\|^2$ 可以缓解。\n\n"
    big = notes / "big.md"
    text = "# 大\n\n" + card * (53_000_000 // len(card.encode()))
    big.write_text(text, encoding="utf-8")
    assert big.stat().st_size > 52_000_000
    source, problems = read_note(big)
    assert problems == [] and source is not None
    assert len(source.lines) == text.count("\n")


def test_a_file_name_that_is_not_utf8_is_read_under_a_readable_name(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    raw = os.fsencode(notes) + b"/" + "深度学习.md".encode("gbk")
    with open(raw, "w", encoding="utf-8") as stream:
        stream.write(NOTE)
    done = _export(notes)
    assert done.returncode == 0, done.stderr
    assert ("notes/深度学习.md: warning: the file name is not UTF-8 (shown here as GB18030); "
            "rename it: mv $'notes/\\xc9\\xee\\xb6\\xc8\\xd1\\xa7\\xcf\\xb0.md' "
            "'notes/深度学习.md'") in done.stderr
    record = json.loads(done.stdout)
    assert record["source"]["path"].endswith("notes/深度学习.md")
    assert record["chapter"] == "数据"
    # The command in the message does what it says.
    subprocess.run(["bash", "-c", done.stderr.split("rename it: ")[1].splitlines()[0]],
                   cwd=tmp_path, check=True)
    assert (notes / "深度学习.md").read_text(encoding="utf-8") == NOTE


# --- encodings ------------------------------------------------------------------------------

CHINESE = ("# 深度学习\n\n## 1. 什么是过拟合？\n\n"
           "- 训练误差小而测试误差大。模型记住了训练数据中的噪声。\n")


@pytest.mark.parametrize("encoding, name, text", [
    ("gbk", "GB18030", CHINESE),
    ("gb18030", "GB18030", CHINESE.replace("噪声", "噪声𠀀")),
    ("cp1252", "WINDOWS-1252", "# Kapitel\n\n## 1. Größe?\n\n- “Maß” — café, naïve\n"),
    ("utf-16-le", "UTF-16LE", CHINESE),
])
def test_a_note_in_another_encoding_gets_the_command_that_converts_it(
        notes: Path, encoding: str, name: str, text: str) -> None:
    note = notes / "legacy.md"
    note.write_bytes(text.encode(encoding))
    done = _export(notes)
    assert done.returncode == 1
    line = next(ln for ln in done.stderr.splitlines() if "legacy.md" in ln)
    assert "error: not valid UTF-8 (byte 0x" in line and "): most likely " + name in line
    command = f"iconv -f {name} -t UTF-8 notes/legacy.md > notes/legacy.md.utf8 && " \
              "mv notes/legacy.md.utf8 notes/legacy.md"
    assert command in line
    assert "or open it in an editor as " in line
    subprocess.run(["bash", "-c", command], cwd=notes.parent, check=True)
    assert note.read_text(encoding="utf-8") == text
    again = _export(notes)
    assert again.returncode == 0 and len(again.stdout.splitlines()) == 2


def test_the_line_of_the_first_bad_byte_is_given(notes: Path) -> None:
    (notes / "latin1.md").write_bytes("# Kapitel\n\n## 1. Größe?\n".encode("latin-1"))
    done = _export(notes)
    assert ("notes/latin1.md:3:9: error: not valid UTF-8 (byte 0xf6): most likely WINDOWS-1252"
            in done.stderr)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_simply_read(notes: Path, encoding: str) -> None:
    data = CHINESE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (notes / "windows.md").write_bytes(data)
    done = _export(notes)
    assert done.returncode == 0, done.stderr
    assert _titles(done.stdout) == ["什么是过拟合？", "什么是过拟合？"]


def test_a_binary_file_named_md_is_not_text(notes: Path) -> None:
    (notes / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    done = _export(notes)
    assert done.returncode == 1
    assert "notes/image.md:1:1: error: not valid UTF-8 (byte 0x89)" in done.stderr
    assert "does not look like text in any encoding" in done.stderr


# --- front matter ---------------------------------------------------------------------------

def _front(notes: Path, yaml_text: str) -> subprocess.CompletedProcess[str]:
    (notes / "fm.md").write_text(f"---\n{yaml_text}\n---\n" + NOTE, encoding="utf-8")
    return _export(notes)


def test_an_alias_bomb_is_refused_at_its_first_alias(notes: Path) -> None:
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    bomb += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]"
             for i in range(8)]
    bomb.append("notegen: {questions: *i}")
    done = _front(notes, "\n".join(bomb))
    assert done.returncode == 1
    assert ("notes/fm.md:3:8: error: front matter: aliases (*name) are not supported; "
            "write the value out") in done.stderr


def test_an_impossible_date_is_kept_as_text(notes: Path) -> None:
    done = _front(notes, "title: Dates\ndate: 2024-02-30")
    assert done.returncode == 0, done.stderr
    assert ("notes/fm.md:3:7: warning: front matter: 2024-02-30 is not a real date (day is out "
            "of range for month); kept as text") in done.stderr


def test_a_number_of_5000_digits_is_kept_as_text(notes: Path) -> None:
    done = _front(notes, "title: Big\nid: " + "7" * 5000)
    assert done.returncode == 0, done.stderr
    assert ("notes/fm.md:3:5: warning: front matter: a number of 5000 digits is too long to "
            "read; kept as text") in done.stderr


def test_deeply_nested_brackets_are_an_error(notes: Path) -> None:
    done = _front(notes, "x: " + "[" * 5000 + "]" * 5000)
    assert done.returncode == 1
    assert "notes/fm.md:2:" in done.stderr
    assert "error: front matter: nested more than 64 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


def test_front_matter_titles_still_name_the_chapter(notes: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (notes / "good.md").write_text("---\ntitle: 我的笔记\nnotegen: {questions: headings}\n---\n"
                                   "## 问题一\n\n回答\n", encoding="utf-8")
    assert run(["export", str(notes)]) == 0
    assert json.loads(capsys.readouterr().out)["chapter"] == "我的笔记"


def test_the_whole_read_is_bounded_for_hostile_notes(notes: Path) -> None:
    """Hostile shapes at once, in one process with one time bound: nothing hangs."""
    os.mkfifo(notes / "a.md")
    (notes / "b.md").symlink_to("/dev/urandom")
    (notes / "c.md").symlink_to("c.md")
    (notes / "d.md").write_text("---\nx: " + "{a: " * 3000 + "}" * 3000 + "\n---\n# D\n",
                                encoding="utf-8")
    (notes / "e.md").write_text("---\ntitle: " + " " * 1_000_000 + "x\n---\n" + NOTE,
                                encoding="utf-8")
    shutil.copy(notes / "good.md", notes / "f.md")
    done = _export(notes)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1  # d.md's front matter is an error


def test_a_stray_byte_in_a_utf8_note_is_shown_as_damage_not_another_encoding(
        notes: Path) -> None:
    good = (CHINESE * 20).encode()
    cut = good.index(b"\n", 300) + 1
    (notes / "cut.md").write_bytes(good[:cut] + b"\xb5" + good[cut:])
    done = _export(notes)
    assert done.returncode == 1
    assert ("error: not valid UTF-8 (byte 0xb5), though the text around it is UTF-8: the file "
            "is damaged here; retype what stands at this place") in done.stderr
    assert "iconv" not in done.stderr


def test_a_few_accented_letters_are_taken_for_windows_1252(notes: Path) -> None:
    (notes / "micro.md").write_bytes(b"# Notes\n\n## 1. What?\n\n- micro \xb5 seconds\n")
    done = _export(notes)
    assert "): most likely WINDOWS-1252;" in done.stderr
