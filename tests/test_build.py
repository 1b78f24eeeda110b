"""A build publishes everything or nothing, and any MkDocs warning fails it."""

from __future__ import annotations

from pathlib import Path

import pytest

from notegen.cli import run

from .conftest import FIXTURES


def test_a_failed_build_leaves_the_previous_output(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cards.md").write_text(
        (FIXTURES / "parse" / "numbered-bullets.md").read_text(encoding="utf-8"),
        encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Cards\ntheme:\n  name: material\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["build", "--notes", str(notes), "--out", str(out), "--config", str(config)]
    assert run(argv) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("Cards.apkg") in before and Path("site/index.html") in before
    capsys.readouterr()

    (notes / "cards.md").write_text("# 数据\n\n## 13. A new question\n\n- new\n",
                                    encoding="utf-8")
    config.write_text("site_name: Cards\ntheme:\n  name: material\nplugins:\n"
                      "  - search:\n      no_such_option: 1\n", encoding="utf-8")
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml: error: MkDocs:" in err and "no_such_option" in err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(out.glob(".staging-*"))
