"""A rebuild with nothing changed does nothing and says so; a change to anything the build
reads builds again. Run as a user runs it: ``notegen build`` in its own process."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from notegen import cache
from notegen.config import LEDGER_NAME, SiteConfig, asked_outputs
from notegen.stamp import STAMP_NAME, Inputs

from .processes import notegen

UNCHANGED = "nothing changed since the last build"
NOTE = """\
# Chapter

## 1. What is a gradient?

The slope $\\nabla f$ of the loss.

![curve](curve.png)

## 2. Why normalise?

## 3. What is dropout?

Dropping units at random while training.
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "ml.md").write_text(NOTE, encoding="utf-8")
    (tmp_path / "notes" / "curve.png").write_bytes(_png())
    (tmp_path / "mkdocs.yml").write_text("site_name: ML\ntheme:\n  name: material\n",
                                         encoding="utf-8")
    return tmp_path


def _png() -> bytes:
    """A one-pixel PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))


def _outputs(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every output file (the build's own working folder aside), with its time and bytes."""
    return {str(f.relative_to(out)): (f.stat().st_mtime_ns, f.read_bytes())
            for f in sorted(out.rglob("*")) if f.is_file() and ".notegen" not in f.parts}


def test_an_unchanged_rebuild_touches_nothing_and_repeats_the_warnings(project: Path) -> None:
    first = notegen("build", cwd=project)
    assert first.returncode == 0, first.stderr
    assert UNCHANGED not in first.stdout
    before = _outputs(project / "build")
    ledger = (project / "notes" / LEDGER_NAME).read_bytes()
    again = notegen("build", cwd=project)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED in again.stdout
    assert "ML: 3 cards in 1 chapters" in again.stdout
    assert "build/ML.apkg (2 notes)" in again.stdout
    # The warning about the question without an answer is said again, on stderr.
    assert again.stderr == first.stderr and "no answer" in again.stderr
    assert _outputs(project / "build") == before
    assert (project / "notes" / LEDGER_NAME).read_bytes() == ledger


def _edit_note(project: Path) -> None:
    note = project / "notes" / "ml.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nA new line of the answer.\n",
                    encoding="utf-8")


def _new_image(project: Path) -> None:
    image = project / "notes" / "curve.png"
    data = image.read_bytes()
    image.write_bytes(data + b"\0")
    os.utime(image, ns=(image.stat().st_atime_ns, image.stat().st_mtime_ns + 10**9))


def _new_note(project: Path) -> None:
    (project / "notes" / "more.md").write_text("# More\n\n## 1. And this?\n\nThat.\n",
                                               encoding="utf-8")


def _edit_config(project: Path) -> None:
    (project / "mkdocs.yml").write_text("site_name: ML\nsite_url: https://example.org/ml/\n"
                                        "theme:\n  name: material\n", encoding="utf-8")


def _name_the_deck(project: Path) -> None:
    (project / "notes" / "notegen.yml").write_text("deck: Machine learning\n", encoding="utf-8")


def _edit_ledger(project: Path) -> None:
    ledger = project / "notes" / LEDGER_NAME
    ledger.write_bytes(ledger.read_bytes() + b"\n")


def _delete_deck(project: Path) -> None:
    (project / "build" / "ML.apkg").unlink()


def _delete_site_home(project: Path) -> None:
    (project / "build" / "site" / "index.html").unlink()


def _delete_stamp(project: Path) -> None:
    (project / "build" / STAMP_NAME).unlink()


@pytest.mark.parametrize("change", [_edit_note, _new_image, _new_note, _edit_config,
                                    _name_the_deck, _edit_ledger, _delete_deck,
                                    _delete_site_home, _delete_stamp])
def test_a_change_to_what_the_build_reads_or_wrote_builds_again(
        project: Path, change: Callable[[Path], None]) -> None:
    assert notegen("build", cwd=project).returncode == 0
    change(project)
    again = notegen("build", cwd=project)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED not in again.stdout
    assert "identity:" in again.stdout  # the summary of a build that ran
    assert notegen("build", cwd=project).stdout.count(UNCHANGED) == 1


@pytest.mark.parametrize("options", [("--only", "site"), ("--deck", "Other"),
                                     ("--out", "elsewhere")])
def test_other_options_build_again(project: Path, options: tuple[str, ...]) -> None:
    assert notegen("build", cwd=project).returncode == 0
    again = notegen("build", *options, cwd=project)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED not in again.stdout


def test_a_different_source_date_builds_again(project: Path) -> None:
    assert notegen("build", cwd=project).returncode == 0
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    again = notegen("build", cwd=project, env=env)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED not in again.stdout


def test_a_site_with_hooks_always_builds(project: Path) -> None:
    """A hook is code that may read anything: its effect cannot be compared."""
    (project / "hooks.py").write_text("def on_config(config):\n    return config\n",
                                      encoding="utf-8")
    (project / "mkdocs.yml").write_text("site_name: ML\ntheme:\n  name: material\n"
                                        "hooks:\n  - hooks.py\n", encoding="utf-8")
    assert notegen("build", cwd=project).returncode == 0
    again = notegen("build", cwd=project)
    assert again.returncode == 0, again.stderr
    assert UNCHANGED not in again.stdout


def test_a_failed_build_after_a_good_one_keeps_the_outputs_up_to_date(project: Path) -> None:
    """Errors in the notes stop a build before it writes: once they are fixed, the outputs of
    the last good build are what the notes make again."""
    assert notegen("build", cwd=project).returncode == 0
    note = project / "notes" / "ml.md"
    good = note.read_bytes()
    note.write_text("---\nnotegen: {questions: nonsense}\n---\n" + NOTE, encoding="utf-8")
    assert notegen("build", cwd=project).returncode == 1
    note.write_bytes(good)
    assert UNCHANGED in notegen("build", cwd=project).stdout


def test_what_editors_leave_beside_a_note_changes_nothing(project: Path) -> None:
    """A swap file or a backup is not read by the build (serve does not watch it either)."""
    assert notegen("build", cwd=project).returncode == 0
    (project / "notes" / ".ml.md.swp").write_bytes(b"\0vim swap")
    (project / "notes" / "ml.md~").write_text(NOTE, encoding="utf-8")
    assert UNCHANGED in notegen("build", cwd=project).stdout


def test_a_change_to_notegens_own_files_makes_inputs_new(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp and the parse cache are keyed by every file of notegen, its styles too."""
    package = tmp_path / "notegen"
    shutil.copytree(Path(cache.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# C\n\n## 1. Q?\n\nA\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    cache.code_digest.cache_clear()
    try:
        before = Inputs(notes, tmp_path / "out", SiteConfig(), None, asked_outputs(None)).digest
        with (package / "assets" / "card.css").open("a", encoding="utf-8") as css:
            css.write("\n.ng-q { color: red; }\n")
        cache.code_digest.cache_clear()
        after = Inputs(notes, tmp_path / "out", SiteConfig(), None, asked_outputs(None)).digest
        assert before is not None and after is not None and before != after
    finally:
        cache.code_digest.cache_clear()
