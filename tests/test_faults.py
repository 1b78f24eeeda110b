"""Faults a build must survive: a kill at any step, builds at the same time, a full disk, a
notes folder it cannot write. The reader (Anki's importer, a browser, the Pages upload) always
finds a whole deck and a whole site, and the next build cleans up after a killed one."""

from __future__ import annotations

import json
import os
import shlex
import sys
import zipfile
from pathlib import Path

import pytest

from notegen.config import LEDGER_NAME
from notegen.ledger import Ledger

from .conftest import ROOT
from .processes import NOTEGEN, notegen, start

DECK = "Cards"
OUT_NAMES = {".notegen", f"{DECK}.apkg", "site"}


def _write_notes(notes: Path, version: int) -> None:
    notes.mkdir(exist_ok=True)
    (notes / "cards.md").write_text(
        f"# 数据\n\n## 1. 什么是过拟合？\n\n- version {version}\n\n## 2. Q{version}\n\n- A\n",
        encoding="utf-8")


def _build_args(tmp_path: Path) -> tuple[str, ...]:
    return ("build", "--notes", str(tmp_path / "notes"), "--out", str(tmp_path / "out"),
            "--deck", DECK)


def _reader_sees_one_whole_build(out: Path) -> int:
    """What a reader finds: a readable deck and a complete site, both of one build (returns
    which version the site shows)."""
    with zipfile.ZipFile(out / f"{DECK}.apkg") as deck:
        assert deck.testzip() is None and "collection.anki2" in deck.namelist()
    site = out / "site"
    assert (site / ".notegen-site").is_file() and (site / "index.html").is_file()
    page = next(p for p in site.glob("*/index.html")
                if "version " in p.read_text(encoding="utf-8")).read_text(encoding="utf-8")
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    version = int(page.split("version ")[1].split("<")[0])
    assert f"version {version}" in index
    return version


def _nothing_left_behind(tmp_path: Path) -> None:
    assert {p.name for p in (tmp_path / "out").iterdir()} == OUT_NAMES
    assert {p.name for p in (tmp_path / "notes").iterdir()} == {"cards.md", LEDGER_NAME}
    assert Ledger.load(tmp_path / "notes" / LEDGER_NAME).existed


# Kills the process just before its N-th rename or removal of a path at most three levels
# below a folder: the steps a build publishes and cleans up with (not MkDocs' own writes deep
# inside the staging folder).
_KILL_BEFORE = """
import os, signal, sys
n, root = int(sys.argv.pop(1)), sys.argv.pop(1)
count = 0
def kill_before(event, args):
    global count
    if event not in ("os.rename", "os.remove", "os.rmdir", "shutil.rmtree") or \\
            not isinstance(args[0], str | os.PathLike) or not os.path.isabs(args[0]):
        return  # (shutil.rmtree's own removals go by names relative to a folder it holds open)
    where = os.path.relpath(args[0], root)
    if not where.startswith("..") and where.count(os.sep) < 3:
        count += 1
        if count == n:
            os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(kill_before)
from notegen.cli import main
main()
"""


def test_a_kill_at_any_step_leaves_a_whole_deck_and_site(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write_notes(notes, 0)
    first = notegen(*_build_args(tmp_path), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    killed_at = []
    for step in range(1, 200):
        _write_notes(notes, step)
        done = notegen(str(step), str(tmp_path), *_build_args(tmp_path), cwd=tmp_path,
                       wrapper=(sys.executable, "-c", _KILL_BEFORE), command=())
        if done.returncode == 0:
            break
        assert done.returncode == -9, done.stderr
        killed_at.append(step)
        assert _reader_sees_one_whole_build(tmp_path / "out") in (step, *killed_at, 0)
    assert len(killed_at) >= 8  # the steps of publishing and cleaning up, each a kill point
    _write_notes(notes, 1000)
    again = notegen(*_build_args(tmp_path), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert _reader_sees_one_whole_build(tmp_path / "out") == 1000
    _nothing_left_behind(tmp_path)


def test_a_build_killed_while_staging_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    _write_notes(tmp_path / "notes", 1)
    out = tmp_path / "out"
    process = start(*_build_args(tmp_path), cwd=tmp_path)
    while not list(out.glob(".staging-*/site")) and process.poll() is None:
        pass  # until MkDocs is writing the site
    process.kill()
    process.wait()
    assert process.returncode == -9
    assert list(out.glob(".staging-*"))
    done = notegen(*_build_args(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    _nothing_left_behind(tmp_path)


def test_four_builds_at_once_take_turns(tmp_path: Path) -> None:
    _write_notes(tmp_path / "notes", 4)
    builds = [start(*_build_args(tmp_path), cwd=tmp_path) for _ in range(4)]
    results = [(*b.communicate(timeout=600), b.returncode) for b in builds]
    assert [status for _, _, status in results] == [0, 0, 0, 0], results
    waited = [err for _, err, _ in results if "waiting for another build" in err]
    assert waited and all("out: waiting for another build of this folder to finish…" in err
                          for err in waited)
    assert _reader_sees_one_whole_build(tmp_path / "out") == 4
    _nothing_left_behind(tmp_path)


# --- what the disk refuses -------------------------------------------------------------------

def _in_own_mounts(script: str) -> tuple[str, ...]:
    """Run a shell script as root of a private mount namespace: it can mount a small tmpfs or
    a read-only folder without touching the machine's mounts (they vanish with the process)."""
    return ("unshare", "--mount", "--map-root-user", "sh", "-ec", script)


def full_disk_scenario(tmp: str, free: int) -> None:
    """Inside a small tmpfs at OUT: a good build, then the disk filled to ``free`` bytes and a
    build of edited notes. Prints what a test needs to judge it, as JSON."""
    tmp_path = Path(tmp)
    out = tmp_path / "out"
    _write_notes(tmp_path / "notes", 1)
    good = notegen(*_build_args(tmp_path), cwd=tmp_path)
    before = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*")}
    stat = os.statvfs(out)
    with (out / "filler").open("wb") as filler:
        os.posix_fallocate(filler.fileno(), 0, stat.f_bavail * stat.f_frsize - free)
    _write_notes(tmp_path / "notes", 2)
    full = notegen(*_build_args(tmp_path), cwd=tmp_path)
    (out / "filler").unlink()
    after = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*")}
    again = notegen(*_build_args(tmp_path), cwd=tmp_path)
    print(json.dumps({"good": good.returncode, "full": full.returncode, "err": full.stderr,
                      "kept": before == after, "again": again.returncode,
                      "version": _reader_sees_one_whole_build(out),
                      "left": sorted(p.name for p in out.iterdir())}))


@pytest.mark.parametrize("free", [0, 64_000, 1_000_000, 3_000_000, 4_500_000])
def test_a_full_disk_is_one_line_naming_the_path(tmp_path: Path, free: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    scenario = f"from tests.test_faults import full_disk_scenario; " \
               f"full_disk_scenario({str(tmp_path)!r}, {free})"
    done = notegen(cwd=ROOT, command=(), wrapper=_in_own_mounts(
        f"mount -t tmpfs -o size=24m tmpfs {out}; "
        f"exec {shlex.quote(sys.executable)} -c {shlex.quote(scenario)}"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["good"] == 0 and result["full"] == 1
    lines = result["err"].splitlines()
    assert len(lines) == 1, lines
    path, message = lines[0].split(": error: ")
    assert path.startswith("out") and message == "No space left on device"
    assert "mkdocs.yml" not in lines[0] and "[(" not in lines[0] and "Errno" not in lines[0]
    assert result["kept"], "the previous output changed"
    assert result["again"] == 0 and result["version"] == 2
    assert set(result["left"]) == OUT_NAMES


def test_a_notes_folder_that_cannot_be_written_publishes_nothing(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _write_notes(notes, 1)
    assert notegen(*_build_args(tmp_path), cwd=tmp_path).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    _write_notes(notes, 2)
    build = " ".join((*NOTEGEN, *_build_args(tmp_path)))
    done = notegen(cwd=tmp_path, command=(), wrapper=_in_own_mounts(
        f"mount --bind {notes} {notes}; mount -o remount,bind,ro {notes}; exec {build}"))
    assert done.returncode == 1
    assert done.stderr == (f"notes/{LEDGER_NAME}: error: cannot write the ledger: "
                           "Read-only file system\n")
    after = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert after == before


def test_an_old_deck_that_cannot_be_removed_does_not_fail_the_build(tmp_path: Path) -> None:
    _write_notes(tmp_path / "notes", 1)
    args = ("build", "--notes", "notes", "--out", "out", "--deck")
    assert notegen(*args, "Old", cwd=tmp_path).returncode == 0
    build = " ".join((*NOTEGEN, *args, "New"))
    done = notegen(cwd=tmp_path, command=(), wrapper=_in_own_mounts(
        f"mount --bind out/Old.apkg out/Old.apkg; exec {build}"))  # in use: EBUSY
    assert done.returncode == 0, done.stderr
    assert ("out/Old.apkg: warning: left in place: an earlier build wrote it, but it cannot be "
            "removed (Device or resource busy); the deck is now out/New.apkg") in done.stderr
    assert (tmp_path / "out" / "New.apkg").is_file()
