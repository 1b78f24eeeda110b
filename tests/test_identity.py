"""Editing notes freely: Anki review history survives rewording, moving, reordering and
deleting cards (real Anki), and a damaged ledger is reported, not trusted."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest
from anki.collection import Collection

from notegen.build import build, load, moved_notice, summary
from notegen.cli import run
from notegen.config import LEDGER_NAME, SiteConfig
from notegen.ir import Card
from notegen.ledger import taken_for_rewording

from .ankitools import fresh_collection, import_apkg, note_ids_by_guid, review_all, review_counts
from .conftest import REPO_NOTES, ROOT

CONFIG = SiteConfig.load(ROOT / "mkdocs.yml")
NOTE = "deep-learning-interview-notes.md"


class EditSession:
    """Scripted edits on a copy of the seed notes, the way a user makes them."""

    def __init__(self, notes: Path) -> None:
        self.file = notes / NOTE
        self.lines = self.file.read_text(encoding="utf-8").split("\n")
        self.deck = load([notes], None).deck
        self.by_title = {c.title: c for c in self.deck.cards}

    def card(self, title: str) -> Card:
        return self.by_title[title]

    def reword(self, title: str, new_title: str) -> None:
        no = self.card(title).source.start - 1
        assert title in self.lines[no].replace("\\*", "*")
        self.lines[no] = self.lines[no].replace(title, new_title)

    def edit_answer(self, title: str, addition: str) -> None:
        last = self.card(title).source.end - 1
        self.lines[last] = self.lines[last] + addition

    def block(self, title: str) -> list[str]:
        card = self.card(title)
        return self.lines[card.source.start - 1 : card.source.end]

    def cut(self, title: str) -> list[str]:
        card = self.card(title)
        taken = self.block(title)
        for no in range(card.source.start - 1, card.source.end):
            self.lines[no] = "\x00"  # removed when saved, so line numbers stay put meanwhile
        return taken

    def insert_before(self, line_text: str, block: list[str]) -> None:
        at = self.lines.index(line_text)
        self.lines[at:at] = [*block, ""]

    def save(self) -> None:
        self.file.write_text("\n".join(line for line in self.lines if line != "\x00"),
                             encoding="utf-8")


REWORDED = {
    "GAN网络的思想": "GAN的基本思想是什么",
    "AlexNet网络": "介绍一下AlexNet",
    "ASPP模块": "什么是ASPP模块",
    "维度灾难": "什么是维度灾难",
    "项目的落地": "项目如何落地",
    "HOG算法": "简述HOG算法",
    "梯度消失": "梯度消失是什么",
    "组卷积": "什么是组卷积",
    "openCV": "OpenCV读取图像的特点",
    "Triplet Loss": "Triplet Loss是什么",
}
EDITED = ["VGG16采用3*3卷积核的优势?", "Attention机制的作用?", "语义分割的实际应用",
          "多模态数据融合", "Dropout与Dropconnect的区别", "移动端深度学习框架",
          "BN, GN, LN, IN的区别", "卷积核的填充padding", "softmax作用", "Smooth L1 loss优点"]
MOVED = ["卷积核和滤波器", "卷积核权值共享的理解", "上采样方法总结",
         "BN层和Dropout一起用会导致什么结果", "形变卷积"]
DELETED = ["CNN的结构特点", "卷积神经网络特征的层次性", "感受野理解"]
ADDED = [f"## {40 + i}. 新问题{i}\n\n- 新答案{i}：第{i}个新加的问题" for i in range(1, 6)]


def _edit(notes: Path) -> EditSession:
    s = EditSession(notes)
    for old, new in REWORDED.items():
        s.reword(old, new)
    for title in EDITED:
        s.edit_answer(title, "（补充）")
    moved = [line for title in MOVED for line in [*s.cut(title), ""]]
    for title in DELETED:
        s.cut(title)
    # Renumber the chapter 损失函数、优化器: 1.–7. and #### 8. become 11.–18.
    chapter = next(ch for ch in s.deck.chapters if ch.title == "损失函数、优化器")
    for card in chapter.cards:
        no = card.source.start - 1
        s.lines[no] = re.sub(r"^(\s*(?:#+\s+)?)(\d+)\.", lambda m: f"{m.group(1)}"
                             f"{int(m.group(2)) + 10}.", s.lines[no], count=1)
    # Swap the chapters 损失函数、优化器 and Transformer (the last two).
    start = s.lines.index("# 损失函数、优化器")
    middle = s.lines.index("# Transformer")
    s.lines[start:] = [*s.lines[middle:], "", *s.lines[start:middle]]
    s.insert_before("# 数据预处理，模型评估", moved)
    s.insert_before("# Transformer", [line for block in ADDED for line in [block, ""]])
    s.save()
    return s


@pytest.mark.anki
def test_history_survives_an_edit_session(notes_copy: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    col = fresh_collection(tmp_path / "anki")
    first = build(notes_copy, tmp_path / "out", CONFIG)
    import_apkg(col, first.apkg)
    assert review_all(col) == 120
    history = review_counts(col)
    guid_before = note_ids_by_guid(col)
    original = {c.title: c for c in first.deck.cards}

    session = _edit(notes_copy)
    second = build(notes_copy, tmp_path / "out", CONFIG)
    counts = import_apkg(col, second.apkg)
    assert counts.new == 5
    assert counts.conflicting == 0

    # No duplicates: every question is on exactly one note.
    questions = [col.get_note(nid)["Question"] for nid in col.find_notes("")]
    assert len(questions) == len(set(questions)) == 125
    # Every surviving card keeps its note and its review history.
    for nid, reviews in history.items():
        assert review_counts(col)[nid] == reviews >= 1
    assert note_ids_by_guid(col).items() >= guid_before.items()
    # Edited cards show their new text, on the note they had before.
    by_guid = note_ids_by_guid(col)
    for old, new in REWORDED.items():
        assert col.get_note(by_guid[original[old].id])["Question"] == new
    for title in EDITED:
        assert "（补充）" in col.get_note(by_guid[original[title].id])["Answer"]
    for title in MOVED:
        note = col.get_note(by_guid[original[title].id])
        assert note["Chapter"] == "深度学习"
    matched = second.matches
    assert sorted(m.value for m in matched.values()).count("new") == 5
    assert {original[t].id for t in REWORDED} <= {i for i, m in matched.items()
                                                   if m.value == "reworded"}
    assert {original[t].id for t in MOVED} <= {i for i, m in matched.items()
                                                if m.value == "moved"}
    # Anki leaves their cards in the old subdeck: the summary names exactly these.
    assert {m.id for m in second.moved} == {original[t].id for t in MOVED}

    # The retired ones are exactly what `notegen retired` selects.
    assert {e.title for e in second.newly_retired} == set(DELETED)
    assert run(["retired", "--notes", str(notes_copy)]) == 0
    search = capsys.readouterr().out.strip()
    assert set(col.find_notes(search)) == {by_guid[original[t].id] for t in DELETED}
    del session

    # And an unchanged rebuild after all that updates nothing.
    again = import_apkg(col, build(notes_copy, tmp_path / "out", CONFIG).apkg)
    assert (again.new, again.updated) == (0, 0)
    col.close()


def test_no_two_seed_cards_pass_for_a_rewording_of_each_other() -> None:
    cards = load([REPO_NOTES], None).deck.cards
    pairs = list(combinations(cards, 2))
    assert len(pairs) == 121 * 120 // 2
    confused = [(a.title, b.title) for a, b in pairs
                if taken_for_rewording(a.title, a.answer, b.title, b.answer)]
    assert confused == []


def test_a_rewording_is_recognised() -> None:
    answer = "- 生成模型和判别模型一起进行对抗训练\n- 最终两个模型在训练过程中达到稳态"
    assert taken_for_rewording("GAN网络的思想", answer, "GAN的基本思想是什么", answer)
    assert taken_for_rewording("GAN网络的思想", answer, "GAN网络的思想是什么",
                               answer + "（补充说明）")


def _ledger_error(notes: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(["export", str(notes)]) == 1
    return capsys.readouterr().err


def test_merge_conflict_in_the_ledger_is_reported_with_its_line(
        notes_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = notes_copy / LEDGER_NAME
    lines = ledger.read_text(encoding="utf-8").split("\n")
    lines[10:10] = ["<<<<<<< HEAD", lines[10], "=======", lines[11], ">>>>>>> other"]
    ledger.write_text("\n".join(lines), encoding="utf-8")
    err = _ledger_error(notes_copy, capsys)
    assert f"{LEDGER_NAME}:11:1: error: merge conflict marker" in err
    assert "Traceback" not in err


def test_hand_edited_ledger_is_reported_with_its_line(
        notes_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = notes_copy / LEDGER_NAME
    lines = ledger.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace("\t", "  ", 1)
    ledger.write_text("\n".join(lines), encoding="utf-8")
    assert f"{LEDGER_NAME}:6:1: error: expected 8 tab-separated columns" in _ledger_error(
        notes_copy, capsys)


def test_corrupt_ledger_bytes_are_an_error(notes_copy: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (notes_copy / LEDGER_NAME).write_bytes(b"\xff\xfe\x00garbage")
    assert f"{LEDGER_NAME}: error: cannot read the ledger" in _ledger_error(notes_copy, capsys)


def test_deleted_ledger_means_a_fresh_start(notes_copy: Path, tmp_path: Path) -> None:
    ids_before = [c.id for c in load([notes_copy], None).deck.cards]
    build(notes_copy, tmp_path / "out", CONFIG)
    (notes_copy / LEDGER_NAME).unlink()
    report = build(notes_copy, tmp_path / "out", CONFIG)
    assert any("no identity ledger was found" in str(p) for p in report.problems)
    assert (notes_copy / LEDGER_NAME).is_file()
    # Ids come from the questions, so unchanged cards keep them even so.
    assert [c.id for c in report.deck.cards] == ids_before


def _rebuild_ledger(notes: Path) -> dict[str, str]:
    """Identify the notes' cards and save the ledger, as a build does; title → match."""
    loaded = load([notes], None)
    loaded.ledger.updated(loaded.identified, loaded.notes_root, {}, 1_700_000_000).write(
        loaded.ledger.path)
    return {c.title: loaded.identified.matches[c.id].value for c in loaded.deck.cards}


def test_a_retired_twin_does_not_unsettle_the_survivor(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    note.write_text("# C\n\n## 1. 总结\n\n- 甲乙丙丁戊己庚辛\n\n## 2. 总结\n\n- 子丑寅卯辰巳午未\n",
                    encoding="utf-8")
    _rebuild_ledger(notes)
    first_ids = [c.id for c in load([notes], None).deck.cards]
    note.write_text("# C\n\n## 1. 总结\n\n- 甲乙丙丁戊己庚辛\n", encoding="utf-8")
    assert _rebuild_ledger(notes) == {"总结": "exact"}
    note.write_text("# C\n\n## 1. 总结\n\n- 全新的答案，毫无相同之处\n", encoding="utf-8")
    assert _rebuild_ledger(notes) == {"总结": "exact"}
    assert [c.id for c in load([notes], None).deck.cards] == first_ids[:1]


def test_a_deleted_card_that_returns_gets_its_id_back(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    text = "# C\n\n## 1. 甲\n\n- 一\n\n## 2. 乙\n\n- 二\n"
    note.write_text(text, encoding="utf-8")
    _rebuild_ledger(notes)
    before = {c.title: c.id for c in load([notes], None).deck.cards}
    note.write_text("# C\n\n## 1. 甲\n\n- 一\n", encoding="utf-8")
    _rebuild_ledger(notes)
    note.write_text(text, encoding="utf-8")
    assert _rebuild_ledger(notes) == {"甲": "exact", "乙": "exact"}
    assert {c.title: c.id for c in load([notes], None).deck.cards} == before


def test_ledger_with_bom_and_windows_line_endings_reads(notes_copy: Path) -> None:
    ledger = notes_copy / LEDGER_NAME
    ids = [c.id for c in load([notes_copy], None).deck.cards]
    text = ledger.read_text(encoding="utf-8")
    ledger.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert [c.id for c in load([notes_copy], None).deck.cards] == ids


def _chapter_note(notes: Path, *cards: str, chapter: str = "模型") -> None:
    """One chapter of numbered cards, each written "title\n\nanswer"."""
    notes.mkdir(exist_ok=True)
    body = "\n\n".join(f"## {n}. {card}" for n, card in enumerate(cards, 1))
    (notes / "n.md").write_text(f"# {chapter}\n\n{body}\n", encoding="utf-8")


def _note_holding(col: Collection, text: str) -> int:
    found = [nid for nid in col.find_notes("") if text in col.get_note(nid)["Answer"]]
    assert len(found) == 1
    return int(found[0])


# Two summaries alike enough that either answer resembles both: only the best match tells.
MOBILE = "- 优点：训练速度快，参数量少，容易部署到移动端设备\n- 缺点：精度比大模型略低"
SERVER = "- 优点：训练速度快，参数量少，容易部署到服务器集群\n- 缺点：精度比大模型略低"
BETWEEN = "对比\n\n- 两者各有所长，按场景选择"


@pytest.mark.anki
def test_reordered_twins_keep_their_own_ids_and_history(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    _chapter_note(notes, f"总结\n\n{MOBILE}", BETWEEN, f"总结\n\n{SERVER}")
    first = build(notes, tmp_path / "out", CONFIG)
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, first.apkg)
    assert review_all(col) == 3
    history = review_counts(col)
    mobile, server = _note_holding(col, "移动端"), _note_holding(col, "服务器")

    # Reordered, and one of them lightly edited.
    _chapter_note(notes, f"总结\n\n{SERVER}（补充）", BETWEEN, f"总结\n\n{MOBILE}")
    second = build(notes, tmp_path / "out", CONFIG)
    assert {m.value for m in second.matches.values()} == {"exact"}
    assert {_place(c.answer): c.id for c in second.deck.cards} == {
        _place(c.answer): c.id for c in first.deck.cards}
    counts = import_apkg(col, second.apkg)
    assert counts.new == 0
    assert (_note_holding(col, "移动端"), _note_holding(col, "服务器")) == (mobile, server)
    assert "（补充）" in col.get_note(server)["Answer"]
    assert review_counts(col) == history
    col.close()


def _place(answer: str) -> str:
    return next(word for word in ("移动端", "服务器", "两者") if word in answer)


@pytest.mark.anki
def test_a_new_card_does_not_take_the_id_of_a_deleted_card_with_the_same_short_answer(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    _chapter_note(notes, f"总结\n\n{MOBILE}", "训练时是否需要数据增强\n\n需要")
    first = build(notes, tmp_path / "out", CONFIG)
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, first.apkg)
    assert review_all(col) == 2
    deleted = note_ids_by_guid(col)[first.deck.cards[1].id]

    _chapter_note(notes, f"总结\n\n{MOBILE}", "推理时能否关闭Dropout\n\n需要")
    second = build(notes, tmp_path / "out", CONFIG)
    new = second.deck.cards[1]
    assert second.matches[new.id].value == "new"
    assert [e.title for e in second.newly_retired] == ["训练时是否需要数据增强"]
    counts = import_apkg(col, second.apkg)
    assert (counts.new, counts.updated) == (1, 0)
    assert col.get_note(deleted)["Question"] == "训练时是否需要数据增强"
    assert review_counts(col)[note_ids_by_guid(col)[new.id]] == 0
    assert run(["retired", "--notes", str(notes)]) == 0
    assert col.find_notes(capsys.readouterr().out.strip()) == [deleted]
    col.close()


TWO_CHAPTERS = ("# 甲\n\n## 1. 问题一\n\n- 答案一，第一个答案\n\n{moving}# 乙\n\n## 1. 问题三\n\n"
                "- 答案三，第三个答案\n\n{moved}")
MOVING = "## 2. 问题二\n\n- 答案二，第二个答案\n\n"


@pytest.mark.anki
def test_cards_moved_to_another_chapter_are_named_with_a_search_that_selects_them(
        tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    note.write_text(TWO_CHAPTERS.format(moving=MOVING, moved=""), encoding="utf-8")
    first = build(notes, tmp_path / "out", CONFIG)
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, first.apkg)
    assert review_all(col) == 3
    nid = note_ids_by_guid(col)[first.deck.cards[1].id]

    note.write_text(TWO_CHAPTERS.format(moving="", moved=MOVING), encoding="utf-8")
    second = build(notes, tmp_path / "out", CONFIG)
    import_apkg(col, second.apkg)
    root = second.deck.name
    # What Anki's importer does: the note takes the new fields, its card stays in its deck.
    assert col.get_note(nid)["Chapter"] == "乙"
    (cid,) = col.find_cards(f"nid:{nid}")
    assert col.decks.name(col.get_card(cid).did) == f"{root}::甲"

    notice = moved_notice(second)
    assert notice is not None and "moved:" not in summary(second)
    lines = notice.split("\n")
    assert "  问题二  甲 → 乙" in lines
    at = next(no for no, line in enumerate(lines) if line.startswith('    "note:'))
    assert lines[at - 1] == f"  {root}::乙 (1 card)"
    search = lines[at].strip()
    assert col.find_notes(search) == [nid]
    # The step the summary names: Change Deck on what the search selects.
    col.set_deck(col.find_cards(search), col.decks.id_for_name(f"{root}::乙"))
    assert col.decks.name(col.get_card(cid).did) == f"{root}::乙"
    assert review_counts(col)[nid] == 1
    assert moved_notice(build(notes, tmp_path / "out", CONFIG)) is None
    col.close()


def test_a_note_moved_into_a_folder_moves_its_cards_to_a_subdeck(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text(TWO_CHAPTERS.format(moving=MOVING, moved=""), encoding="utf-8")
    build(notes, tmp_path / "out", CONFIG)
    (notes / "课程").mkdir()
    (notes / "n.md").rename(notes / "课程" / "n.md")
    moved = load([notes], None).identified.moved
    assert [(m.title, m.before, m.after) for m in moved] == [
        ("问题一", ("甲",), ("课程", "甲")), ("问题二", ("甲",), ("课程", "甲")),
        ("问题三", ("乙",), ("课程", "乙"))]


def _matches_after(tmp_path: Path, before: list[str], after: list[str]) -> list[str]:
    """Build a ledger from cards ("title\n\nanswer"), edit them: how each card was matched,
    and whether it kept the id of the card that had its answer."""
    notes = tmp_path / "notes"
    _chapter_note(notes, *before)
    _rebuild_ledger(notes)
    ids = {c.answer: c.id for c in load([notes], None).deck.cards}
    _chapter_note(notes, *after)
    loaded = load([notes], None)
    return [("kept " if ids.get(c.answer) == c.id else "") + loaded.identified.matches[c.id].value
            for c in loaded.deck.cards]


LONG = "- 生成模型和判别模型一起进行对抗训练\n- 最终两个模型在训练过程中达到纳什均衡"


def test_twins_that_nothing_tells_apart_are_left_unmatched(tmp_path: Path) -> None:
    first, second = "- 甲乙丙丁戊己庚辛壬癸", "- 子丑寅卯辰巳午未申酉"
    after = _matches_after(tmp_path, [f"总结\n\n{first}", f"总结\n\n{second}"],
                           ["总结\n\n- 全新的第一个答案，毫无相同之处",
                            "总结\n\n- 另一个全新答案，也毫无相同之处"])
    assert after == ["new", "new"]  # a guess could give each the other's history


def test_identical_twins_pair_in_order(tmp_path: Path) -> None:
    notes, twin = tmp_path / "notes", f"总结\n\n{LONG}"
    _chapter_note(notes, twin, "对比\n\n- 各有所长", twin)
    _rebuild_ledger(notes)
    before = [c.id for c in load([notes], None).deck.cards if c.title == "总结"]
    _chapter_note(notes, twin, twin, "对比\n\n- 各有所长")
    assert _rebuild_ledger(notes) == {"总结": "exact", "对比": "exact"}
    assert [c.id for c in load([notes], None).deck.cards if c.title == "总结"] == before


def test_a_card_moved_and_rewritten_at_once_is_new(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text(f"# 甲\n\n## 1. 总结\n\n{LONG}\n\n# 乙\n\n## 1. 其他\n\n"
                                "- 其他答案\n", encoding="utf-8")
    _rebuild_ledger(notes)
    (notes / "n.md").write_text("# 甲\n\n## 1. 其他\n\n- 其他答案\n\n# 乙\n\n## 1. 总结\n\n"
                                "- 另一章的总结，说的是别的事情\n", encoding="utf-8")
    assert _rebuild_ledger(notes)["总结"] == "new"


def test_an_answer_alone_does_not_carry_a_match(tmp_path: Path) -> None:
    after = _matches_after(tmp_path, [f"GAN网络的思想\n\n{LONG}", "BN层是否需要偏置\n\n需要"],
                           [f"如何训练一个分类器\n\n{LONG}", "卷积层是否需要偏置\n\n需要"])
    assert after == ["new", "new"]


def test_a_reworded_title_keeps_its_id(tmp_path: Path) -> None:
    after = _matches_after(tmp_path, [f"GAN网络的思想\n\n{LONG}", "其他\n\n- 其他答案"],
                           [f"GAN的基本思想是什么\n\n{LONG}", "其他\n\n- 其他答案"])
    assert after == ["kept reworded", "kept exact"]


@pytest.mark.anki
def test_retired_selects_notes_of_every_kind(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "basics.md").write_text("# Basics\n\n## What does TCP guarantee?\n\n"
                                     "Ordered, reliable delivery.\n", encoding="utf-8")
    (notes / "flashcards.md").write_text("#flashcards\n\nCapital of Kenya:::Nairobi\n\n"
                                         "The derivative of ==$x^2$== is ==$2x$==.\n",
                                         encoding="utf-8")
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, build(notes, tmp_path / "out", CONFIG).apkg)
    kinds = {col.get_note(nid).note_type()["name"]: nid for nid in col.find_notes("")}
    assert sorted(kinds) == ["notegen", "notegen-cloze", "notegen-reversed"]

    (notes / "flashcards.md").unlink()
    (notes / "basics.md").write_text("# Basics\n\n## What does UDP guarantee?\n\n"
                                     "Nothing but a checksum.\n", encoding="utf-8")
    build(notes, tmp_path / "out", CONFIG)
    capsys.readouterr()
    assert run(["retired", "--notes", str(notes)]) == 0
    assert sorted(col.find_notes(capsys.readouterr().out.strip())) == sorted(kinds.values())
    col.close()


def test_a_quiet_build_still_names_the_cards_to_move(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The notice comes once, as the ledger then holds the new subdeck: -q must not hide it."""
    notes = tmp_path / "notes"
    notes.mkdir()
    note = notes / "n.md"
    note.write_text(TWO_CHAPTERS.format(moving=MOVING, moved=""), encoding="utf-8")
    command = ["build", "-q", "--notes", str(notes), "--out", str(tmp_path / "out")]
    assert run(command) == 0
    capsys.readouterr()
    note.write_text(TWO_CHAPTERS.format(moving="", moved=MOVING), encoding="utf-8")
    assert run(command) == 0
    said = capsys.readouterr()
    assert said.out == ""
    assert "  问题二  甲 → 乙" in said.err.split("\n")
