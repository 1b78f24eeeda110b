"""`notegen serve` as a writer uses it: a page open in real chromium reloads when a note is
saved; the port is checked before anything is built; odd requests get plain answers."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from notegen.cli import run
from notegen.config import LEDGER_NAME
from notegen.serve import Contents, note_files

from .conftest import FIXTURES

CHAPTER = quote("数据")


@dataclass
class Served:
    """A running ``notegen serve`` and what it has printed so far."""

    process: subprocess.Popen[str]
    base: str = ""
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


def _collect(stream: object, lines: list[str], started: threading.Event | None) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line)
        if started is not None and line.startswith("serving http://"):
            started.set()


@contextmanager
def _serve(notes: Path, out: Path) -> Iterator[Served]:
    process = subprocess.Popen(
        [sys.executable, "-m", "notegen", "serve", "--notes", str(notes), "--out", str(out),
         "--deck", "Cards", "--port", "0"],
        cwd=notes.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    served = Served(process)
    started = threading.Event()
    readers = [threading.Thread(target=_collect, args=(process.stdout, served.out, started)),
               threading.Thread(target=_collect, args=(process.stderr, served.err, None))]
    for reader in readers:
        reader.start()
    try:
        assert started.wait(120), "".join(served.out + served.err)
        served.base = re.findall(r"http://127\.0\.0\.1:\d+/", "".join(served.out))[0]
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        for reader in readers:
            reader.join()
    assert process.returncode == 0
    assert "Traceback" not in "".join(served.err), "".join(served.err)


def _notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.md").write_text(
        (FIXTURES / "parse" / "numbered-bullets.md").read_text(encoding="utf-8"),
        encoding="utf-8")
    return notes


def _wait_until(page: Page, predicate: str, arg: str) -> None:
    """Wait for a predicate to hold in the page, across the page's own reloads."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if page.evaluate(predicate, arg):
                return
        except PlaywrightError:  # evaluated while the page was reloading
            pass
        time.sleep(0.2)
    pytest.fail(f"the page never showed {arg!r}")


@pytest.mark.browser
def test_an_open_page_reloads_after_a_note_is_saved(tmp_path: Path, browser: Browser) -> None:
    notes = _notes(tmp_path)
    note = notes / "cards.md"
    with _serve(notes, tmp_path / "out") as served:
        page = browser.new_page()
        page.goto(f"{served.base}{CHAPTER}/")
        assert "FP16" in page.inner_text("article")
        for number, question in ((16, "新加的问题"), (17, "又一个问题")):
            page.evaluate("window.stillTheSamePage = true")
            note.write_text(note.read_text(encoding="utf-8")
                            + f"- {number}. {question}\n  - 答案\n", encoding="utf-8")
            # Reloaded by the server's signal, not by the test: the marker is gone.
            _wait_until(page, "q => window.stillTheSamePage === undefined"
                              " && document.querySelector('article').innerText.includes(q)",
                        question)
        page.close()
    output = "".join(served.out)
    assert [line.split(": ", 1)[0] for line in served.out if line.startswith("Cards")] == [
        "Cards"], "the whole summary once, for the first build"
    rebuilds = re.findall(r"^\d\d:\d\d:\d\d rebuilt in [\d.]+ s: (.*)$", output, re.M)
    assert rebuilds == ["4 cards in 1 chapters", "5 cards in 1 chapters"], output
    site = tmp_path / "out" / "site"
    assert not any("notegenReload" in p.read_text(encoding="utf-8")
                   for p in site.rglob("*.html")), "the published site has no reload script"


def test_a_busy_port_fails_before_anything_is_built(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    notes = _notes(tmp_path)
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "index.html").write_text("the running server's site", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = run(["serve", "--notes", str(notes), "--out", str(out), "--port", str(port)])
    err = capsys.readouterr().err
    assert status == 1
    assert (f"notegen serve: error: port {port} is already in use (by another `notegen "
            "serve`?): stop that one, or choose another port with --port") in err
    assert (out / "site" / "index.html").read_text(encoding="utf-8") == "the running server's site"
    assert sorted(p.name for p in out.iterdir()) == ["site"]
    assert not (notes / LEDGER_NAME).exists()


def _get(base: str, path: str) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_odd_requests_get_plain_answers_and_nothing_outside_the_site(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser", encoding="utf-8")
    with _serve(notes, tmp_path / "out") as served:
        assert _get(served.base, f"/{CHAPTER}/")[0] == 200
        for path in ("/%00", "/index.html%00.css", "/%ff%fe", "/../../secret.txt",
                     "/%2e%2e/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt", "/search/"):
            status, body = _get(served.base, path)
            assert status == 404, path
            assert b"not for the browser" not in body
        port = int(served.base.rstrip("/").rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError):  # 127.0.0.1 only, not every address
            socket.create_connection(("127.0.0.2", port), timeout=10).close()


def test_only_a_change_of_content_counts(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    note = notes / "cards.md"
    contents = Contents(lambda: note_files(notes))
    note.touch()
    note.write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
    assert not contents.changed(), "saved unchanged"
    (notes / LEDGER_NAME).write_text("rewritten by every build", encoding="utf-8")
    (notes / ".cards.md.swp").write_bytes(b"an editor's swap file")
    (notes / "cards.md~").write_text("a backup", encoding="utf-8")
    assert not contents.changed(), "none of these is read by a build"
    (notes / "figure.png").write_bytes(b"\x89PNG")
    assert contents.changed(), "a new image"
    note.write_text(note.read_text(encoding="utf-8") + "\n- 16. Q\n  - A\n", encoding="utf-8")
    assert contents.changed(), "an edit"
    note.unlink()
    assert contents.changed(), "a deleted note"
    assert not contents.changed(), "and nothing since"
