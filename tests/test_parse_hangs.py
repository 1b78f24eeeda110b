"""Reading notes is linear in their size: titles and headings that made the readers' patterns,
or the choice of ids, quadratic finish. The bound is the harness's timeout, which only a hang
exceeds; it measures nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from notegen.build import load

from .test_render_hangs import SIZE, finishes

NOTES = {
    "spaces in a numbered heading": "# C\n\n## 1. Q" + " " * SIZE + "x\n\nanswer\n",
    "spaces in a list question": "# C\n\n1. Q" + " " * SIZE + "x\n   answer\n",
    "spaces in a heading inside an answer": "# C\n\n## 1. Q?\n\n### a" + " " * SIZE + "b\n\nx\n",
    "spaces in a bold question": "**Q" + " " * SIZE + "?**\n\nanswer\n",
    "repeated (P1) in a title": "# C\n\n## 1. Q" + " (P1)" * (SIZE // 5) + "\n\nanswer\n",
    "repeated （P1） in a title": "# C\n\n## 1. Q" + "（P1）" * (SIZE // 4) + "\n\nanswer\n",
    "spaces then a star": "# C\n\n## 1. Q" + " " * SIZE + "★x\n\nanswer\n",
    "twenty thousand cards of one title": "# C\n\n" + "## 1. Same?\n\nanswer\n\n" * 20_000,
}


def _load(folder: str) -> None:
    load([Path(folder)], "Deck")


@pytest.mark.parametrize("name", sorted(NOTES))
def test_long_pathological_notes_are_read(name: str, tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(NOTES[name], encoding="utf-8")
    assert finishes(_load, str(tmp_path)), name
