"""The ledger file: whatever notegen accepts comes back unchanged, ledgers written by earlier
versions still load, a damaged or misplaced one stops the build before anything is written,
and Anki takes every edit whatever the clock says."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from anki.collection import Collection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegen.build import build, load
from notegen.cache import Cache
from notegen.cli import run
from notegen.config import LEDGER_NAME, SiteConfig
from notegen.ledger import Entry, Ledger, Match, sketch
from notegen.segment import parse_paths

from .ankitools import fresh_collection, import_apkg
from .conftest import FIXTURES, REPO_NOTES

V1 = FIXTURES / "ledger" / "v1.tsv"
# Characters that broke hand-rolled escaping, or that some reader takes for a line break.
AWKWARD = ("\t", "\n", "\r", "\r\n", "\f", "\v", "\x1c", "\x85", "\u2028", "\u2029", "\x00",
           '"', '""', "\\", "\\t", "\\n", "#", " ", "<<<<<<< ", "深度学习", "😀", "\U0010ffff")
TEXT = st.lists(st.one_of(st.sampled_from(AWKWARD), st.characters(codec="utf-8")),
                max_size=20).map("".join)
FIRST, LAST = -62_135_596_800, 253_402_300_799  # 0001-01-01T00:00:00Z, 9999-12-31T23:59:59Z
ENTRY = st.builds(
    Entry,
    id=st.from_regex(r"c[a-z2-7]{11}", fullmatch=True),
    changed=st.integers(FIRST, LAST),
    fingerprint=st.from_regex(r"[0-9a-f]{0,16}", fullmatch=True),
    answer=st.sampled_from(["", sketch("- 生成模型和判别模型一起进行对抗训练"), sketch("需要")]),
    file=TEXT, chapter=TEXT, title=TEXT, retired=st.booleans())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRY, max_size=6, unique_by=lambda e: e.id))
def test_any_text_round_trips_through_the_ledger(tmp_path: Path, entries: list[Entry]) -> None:
    path = tmp_path / LEDGER_NAME
    Ledger(path, tuple(entries)).write(path)
    assert Ledger.load(path).entries == tuple(entries)


def _note(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "n.md").write_text(text, encoding="utf-8")
    return folder


def test_titles_from_pdf_exports_survive_the_next_build(tmp_path: Path) -> None:
    notes = _note(tmp_path / "notes", "# 第一章\x0c导论\n\n"
                  "## 1. 甲\x0c乙\u2028丙 \"引号\" \\路径\n\n- 答\u2029案\n\n"
                  "## 2. 制表\t符\n\n- 答案\n")
    first = build(notes, tmp_path / "out", SiteConfig())
    second = build(notes, tmp_path / "out", SiteConfig())
    assert [c.id for c in second.deck.cards] == [c.id for c in first.deck.cards]
    assert {m.value for m in second.matches.values()} == {"exact"}
    titles = [e.title for e in Ledger.load(notes / LEDGER_NAME).entries]
    assert titles == [c.title for c in first.deck.cards]


def test_a_ledger_of_the_first_format_loads_unchanged_in_meaning() -> None:
    entries = {e.id: e for e in Ledger.load(V1).entries}
    assert len(entries) == 124
    assert entries["cbackslashxx2"].chapter == "章\t节"
    assert entries["cbackslashxx2"].title == 'back\\slash \\n "quoted" \\t'
    assert entries["cbackslashxx2"].file == "sub dir/笔记.md"
    assert entries["cnewlinexxxx3"].chapter == "多\n行"
    assert entries["cnewlinexxxx3"].title == '"Attention is all you need"的意思'
    assert entries["cnewlinexxxx3"].file == "a\\b.md"
    retired = entries["cretiredxxxx4"]
    assert (retired.retired, retired.changed, retired.title) == (True, 1_600_000_000,
                                                                 "已删除的问题 \\")
    assert entries["cg37usiel7ir"].title == "VGG16采用3*3卷积核的优势?"
    assert entries["cg37usiel7ir"].changed == 1_796_135_297  # 2026-12-01T14:28:17Z


def test_a_ledger_of_the_first_format_is_rewritten_in_the_current_one(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    shutil.copy(V1, path)
    old = Ledger.load(path)
    old.write(path)
    assert path.read_bytes() != V1.read_bytes()
    assert Ledger.load(path).entries == old.entries


def test_sketches_are_those_the_first_users_ledger_holds() -> None:
    """The sketch is part of the file format: the same answer always gives the same one."""
    deck, _ = parse_paths([REPO_NOTES], None)
    stored = {e.title: e.answer for e in Ledger.load(V1).entries}
    assert len(deck.cards) == 121
    assert {c.title: sketch(c.answer) for c in deck.cards}.items() <= stored.items()


def _two_cards(notes: Path, first_answer: str = "答案一，第一个答案") -> Path:
    return _note(notes, f"# 章\n\n## 1. 问题一\n\n- {first_answer}\n\n"
                 "## 2. 问题二\n\n- 答案二，第二个答案\n")


def _built_notes(tmp_path: Path) -> tuple[Path, list[str]]:
    notes = _two_cards(tmp_path / "notes")
    build(notes, tmp_path / "out", SiteConfig())
    return notes, (notes / LEDGER_NAME).read_text(encoding="utf-8").split("\n")


def _refused(notes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
             command: str = "build") -> str:
    """Run a command and expect the ledger to be refused, with nothing published."""
    capsys.readouterr()
    ledger = notes / LEDGER_NAME
    before = ledger.read_bytes() if ledger.is_file() else None
    out = tmp_path / "fresh-out"
    argv = ["export", str(notes)] if command == "export" else [
        "build", "--notes", str(notes), "--out", str(out)]
    assert run(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (out / "site").exists() and not list(out.glob("*.apkg"))
    assert (ledger.read_bytes() if ledger.is_file() else None) == before
    return captured.err


@pytest.mark.parametrize(("damage", "message"), [
    (lambda line: line.replace("\t", "  ", 1), "expected 8 tab-separated columns, found 7"),
    (lambda line: line.replace("\t", '\t"', 1), "unexpected end of data"),
    (lambda line: "<<<<<<< HEAD\n" + line, "merge conflict marker"),
    (lambda line: line.replace("live", "alive"), "state must be 'live' or 'retired'"),
])
def test_a_damaged_ledger_is_refused_with_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Callable[[str], str],
        message: str) -> None:
    notes, lines = _built_notes(tmp_path)
    at = next(no for no, line in enumerate(lines) if line.startswith("c"))
    lines[at] = damage(lines[at])
    (notes / LEDGER_NAME).write_text("\n".join(lines), encoding="utf-8")
    assert f"{LEDGER_NAME}:{at + 1}:1: error: {message}" in _refused(notes, tmp_path, capsys)


def _looping(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize("command", ["build", "export"])
@pytest.mark.parametrize("make", [Path.mkdir, os.mkfifo, _looping],
                         ids=["folder", "fifo", "link to itself"])
def test_a_ledger_that_is_no_file_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], None],
        command: str) -> None:
    notes = _note(tmp_path / "notes", "# 章\n\n## 1. 问题\n\n- 答案\n")
    make(notes / LEDGER_NAME)  # reading a FIFO would wait forever
    assert f"{LEDGER_NAME}: error: " in _refused(notes, tmp_path, capsys, command)


def _set_changed(notes: Path, stamp: str) -> None:
    ledger = notes / LEDGER_NAME
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(re.sub(r"\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t", f"\t{stamp}\t", text),
                      encoding="utf-8")


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_dates_at_either_end_of_the_calendar_are_kept(tmp_path: Path, stamp: str) -> None:
    notes, _ = _built_notes(tmp_path)
    _set_changed(notes, stamp)
    for _ in range(2):
        build(notes, tmp_path / "out", SiteConfig())
        assert f"\t{stamp}\t" in (notes / LEDGER_NAME).read_text(encoding="utf-8")


def _answer_in_anki(col: Collection, notes: Path, out: Path) -> tuple[int, str]:
    """Build, import; how many notes were updated, and the first card's answer in Anki."""
    report = build(notes, out, SiteConfig())
    counts = import_apkg(col, report.apkg)
    nid = col.find_notes(f"Id:{report.deck.cards[0].id}")[0]
    return counts.updated, str(col.get_note(nid)["Answer"])


@pytest.mark.anki
@pytest.mark.parametrize("epochs", [(1_700_000_000, 1_700_000_000, 1_700_000_000),
                                    (1_700_000_000, 1_600_000_000, 1_500_000_000)],
                         ids=["constant SOURCE_DATE_EPOCH", "clock behind the last build"])
def test_every_edit_reaches_anki_whatever_the_clock_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epochs: tuple[int, ...]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epochs[0]))
    notes, _ = _built_notes(tmp_path)
    col = fresh_collection(tmp_path / "anki")
    assert "答案一" in _answer_in_anki(col, notes, tmp_path / "out")[1]
    for n, epoch in enumerate(epochs[1:], 1):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        _two_cards(notes, f"第{n}次修改")
        updated, answer = _answer_in_anki(col, notes, tmp_path / "out")
        assert (updated, f"第{n}次修改" in answer) == (1, True)
    col.close()


@pytest.mark.anki
def test_a_far_future_date_does_not_keep_edits_out_of_anki(tmp_path: Path) -> None:
    notes, _ = _built_notes(tmp_path)
    _set_changed(notes, "9999-12-31T23:59:59Z")
    col = fresh_collection(tmp_path / "anki")
    _answer_in_anki(col, notes, tmp_path / "out")  # Anki now holds notes dated 9999
    for n in (1, 2):
        _two_cards(notes, f"第{n}次修改")
        updated, answer = _answer_in_anki(col, notes, tmp_path / "out")
        assert (updated, f"第{n}次修改" in answer) == (1, True)
    col.close()


def test_a_source_date_epoch_beyond_the_calendar_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    notes = _note(tmp_path / "notes", "# 章\n\n## 1. 问题\n\n- 答案\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "9" * 30)
    assert run(["build", "--notes", str(notes), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH" in err and "Traceback" not in err


def test_names_that_are_not_utf8_do_not_lock_the_ledger_or_move_cards(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    folder = notes / os.fsdecode("课程".encode("gbk"))  # a zip made on a Chinese Windows
    folder.mkdir(parents=True)
    (folder / os.fsdecode("笔记".encode("gbk") + b".md")).write_text(
        "# 章\n\n## 1. 问题\n\n- 答案\n", encoding="utf-8")
    first = build(notes, tmp_path / "out", SiteConfig())
    assert first.deck.cards[0].subdeck == f"{first.deck.name}::课程::章"
    (entry,) = Ledger.load(notes / LEDGER_NAME).entries
    assert entry.file == "课程/笔记.md"
    again = build(notes, tmp_path / "out", SiteConfig())
    assert (again.matches, again.moved) == ({entry.id: Match.EXACT}, ())


def test_cached_sketches_match_fresh_ones_and_follow_edits(tmp_path: Path) -> None:
    notes, _ = _built_notes(tmp_path)
    loaded = load([notes], None)
    cache = Cache(tmp_path / "cache")
    cold = loaded.ledger.identify(loaded.deck, cache.table("sketches"))
    assert cold == loaded.identified
    cache.save()
    warm_table = Cache(tmp_path / "cache").table("sketches")
    assert loaded.ledger.identify(loaded.deck, warm_table) == loaded.identified
    assert (warm_table.hits, warm_table.misses) == (2, 0)

    _two_cards(notes, "完全不同的新内容")
    edited = load([notes], None)
    table = Cache(tmp_path / "cache").table("sketches")
    identified = edited.ledger.identify(edited.deck, table)
    assert identified == edited.identified
    assert identified.sketches[edited.deck.cards[0].id] == sketch(edited.deck.cards[0].answer)
    assert (table.hits, table.misses) == (1, 1)


def test_a_build_of_unchanged_notes_writes_the_ledger_it_read(
        notes_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even the entry of a card with no answer (no note in Anki) keeps its time, later clock
    or not: a ledger that changes on every build is a commit the user did not make."""
    build(notes_copy, tmp_path / "one", SiteConfig())
    written = (notes_copy / LEDGER_NAME).read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    build(notes_copy, tmp_path / "two", SiteConfig())
    assert (notes_copy / LEDGER_NAME).read_bytes() == written
