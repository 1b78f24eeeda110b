"""`notegen serve`: builds, serves on localhost, rebuilds when a note changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from .conftest import FIXTURES


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _fetch(url)
        if body is not None and text in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_rebuilds_when_a_note_changes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "cards.md"
    note.write_text((FIXTURES / "parse" / "numbered-bullets.md").read_text(encoding="utf-8"),
                    encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "notegen", "serve", "--notes", str(notes), "--out",
         str(tmp_path / "out"), "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        page = f"http://127.0.0.1:{port}/{quote('数据')}/"
        assert _wait_for(page, "FP16")
        time.sleep(1.1)  # a later modification time than the first build saw
        note.write_text(note.read_text(encoding="utf-8") + "\n- 16. 新加的问题\n  - 答案\n",
                        encoding="utf-8")
        assert _wait_for(page, "新加的问题")
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=20)
    assert "notes changed: rebuilding" in output
    assert "Traceback" not in output
