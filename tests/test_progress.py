"""The progress line: drawn on a real pseudo-terminal, absent from files and pipes."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from notegen.progress import Progress
from notegen.stamp import STAMP_NAME


def _read_all(fd: int) -> bytes:
    """What the other end of a pseudo-terminal has written, until it closes."""
    data = b""
    while select.select([fd], [], [], 60)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # Linux reports the closed far end as EIO
            break
        if not chunk:
            break
        data += chunk
    return data


def test_stages_and_counts_are_redrawn_on_one_terminal_line() -> None:
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8", closefd=True) as terminal:
        progress = Progress.for_stream(terminal)
        progress.stage("parse")
        progress.stage("render", total=3)
        for _ in range(3):
            progress.advance()
        progress.done()
    shown = _read_all(leader).decode()
    os.close(leader)
    assert "\n" not in shown, "one line, redrawn in place"
    frames = shown.split("\r")
    assert frames[1] == "\x1b[Kparse…"
    assert frames[2] == "\x1b[Krender 0/3"
    assert frames[-2] == "\x1b[Krender 3/3", "the last count is always shown"
    assert frames[-1] == "\x1b[K", "done() leaves a clean line"


def test_nothing_is_written_to_a_file_or_a_pipe(tmp_path: Path) -> None:
    log = tmp_path / "log"
    reader, writer = os.pipe()
    with log.open("w", encoding="utf-8") as file, open(writer, "w", encoding="utf-8") as pipe:
        for stream in (file, pipe):
            with Progress.for_stream(stream) as progress:
                progress.stage("render", total=2)
                progress.advance(2)
    assert log.read_text(encoding="utf-8") == ""
    assert os.read(reader, 100) == b""
    os.close(reader)


def _build(notes: Path, tmp_path: Path, stderr: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "notegen", "build", "--notes", str(notes),
         "--out", str(tmp_path / "out"), "--only", "anki"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr, timeout=300, check=False,
        env={**os.environ, "TERM": "xterm"})


def test_a_build_on_a_terminal_shows_its_stages_and_in_a_pipe_does_not(tmp_path: Path,
                                                                       notes_copy: Path) -> None:
    leader, follower = pty.openpty()
    result = _build(notes_copy, tmp_path, follower)
    os.close(follower)
    shown = _read_all(leader).decode()
    os.close(leader)
    assert result.returncode == 0
    for frame in ("parse…", "identify…", "render 121/121", "deck…"):
        assert f"\r\x1b[K{frame}" in shown, shown
    after = shown.rsplit("\r\x1b[K", 1)[1]
    assert after.startswith("notes/deep-learning-interview-notes.md:122: warning:"), \
        "the line is erased before the warnings are printed"

    (tmp_path / "out" / STAMP_NAME).unlink()  # the same build again, not "nothing changed"
    piped = _build(notes_copy, tmp_path, subprocess.PIPE)
    assert piped.returncode == 0
    assert b"\r" not in piped.stderr and b"render" not in piped.stderr
    assert piped.stdout == result.stdout, "the summary is the same either way"
