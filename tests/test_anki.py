"""The built deck in real Anki: imports cleanly, re-imports without duplicates, keeps history."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from notegen.build import build
from notegen.config import LEDGER_NAME, SiteConfig
from notegen.emit.anki import MODEL_MOD, model_fingerprint
from notegen.ir import Deck

from .ankitools import (
    TEMPLATE_ERRORS,
    fresh_collection,
    import_apkg,
    note_ids_by_guid,
    review_all,
    review_counts,
)
from .conftest import MATH_SPAN, ROOT, SEED

pytestmark = pytest.mark.anki
CONFIG = SiteConfig.load(ROOT / "mkdocs.yml")


def _build(notes: Path, out: Path) -> Path:
    return build(notes, out, CONFIG).apkg


def test_seed_deck_imports_cleanly(notes_copy: Path, tmp_path: Path, seed_deck: Deck) -> None:
    apkg = _build(notes_copy, tmp_path / "out")
    col = fresh_collection(tmp_path / "anki")
    counts = import_apkg(col, apkg)
    assert counts.new == 120  # 121 cards, one ("SE-Net") has no answer
    assert counts.updated == counts.duplicate == counts.conflicting == 0

    names = {d.name for d in col.decks.all_names_and_ids()}
    root = "深度学习面试笔记"  # the first user's deck, named in notes/notegen.yml
    assert {root, f"{root}::深度学习", f"{root}::数据预处理，模型评估",
            f"{root}::卷积，归一化，激活函数", f"{root}::损失函数、优化器",
            f"{root}::Transformer"} <= names
    assert {"深度学习-P35", "深度学习-P15", "融合分类-P5", "深度学习", "Transformer"} <= set(
        col.tags.all())
    assert all(" " not in tag for tag in col.tags.all())

    answers = []
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        shown = card.question() + card.answer()
        assert not any(e in shown for e in TEMPLATE_ERRORS), shown[:300]
        answers.append(card.answer())
    rendered = "\n".join(answers)
    for m in MATH_SPAN.finditer(SEED.read_text(encoding="utf-8")):
        tex = html.escape(m.group(1) or m.group(2), quote=False)
        assert f"\\({tex}\\)" in rendered or f"\\[{tex}\\]" in rendered, m.group(0)

    note = col.get_note(note_ids_by_guid(col)[seed_deck.cards[0].id])
    assert note["Question"] == "VGG16采用3*3卷积核的优势?"
    assert note["Chapter"] == "深度学习"
    assert "深度学习-P35" in note["Source"]
    col.close()


def test_unchanged_rebuild_updates_nothing(notes_copy: Path, tmp_path: Path) -> None:
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, _build(notes_copy, tmp_path / "out"))
    again = import_apkg(col, _build(notes_copy, tmp_path / "out"))
    assert (again.new, again.updated) == (0, 0)
    col.close()


def test_edited_answer_updates_in_place_and_keeps_history(notes_copy: Path, tmp_path: Path
                                                          ) -> None:
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, _build(notes_copy, tmp_path / "out"))
    assert review_all(col) == 120
    before = review_counts(col)

    note_file = notes_copy / "deep-learning-interview-notes.md"
    text = note_file.read_text(encoding="utf-8")
    edited = text.replace("  - 多层的卷积串联增加了更多的非线性映射, 增强了模型的学习能力",
                          "  - 多层的卷积串联增加了更多的非线性映射（已修改）")
    assert edited != text
    note_file.write_text(edited, encoding="utf-8")

    counts = import_apkg(col, _build(notes_copy, tmp_path / "out"))
    assert (counts.new, counts.updated) == (0, 1)
    assert col.note_count() == 120
    assert review_counts(col) == before
    updated = [col.get_note(nid) for nid in col.find_notes("已修改")]
    assert len(updated) == 1 and updated[0]["Question"] == "VGG16采用3*3卷积核的优势?"
    col.close()


def test_two_builds_are_byte_identical(notes_copy: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(notes_copy, tmp_path / "one").read_bytes()
    second = _build(notes_copy, tmp_path / "two").read_bytes()
    assert first == second
    # Without a ledger, the build time stamps every card: SOURCE_DATE_EPOCH fixes it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fresh = []
    for name in ("three", "four"):
        (notes_copy / LEDGER_NAME).unlink()
        fresh.append(_build(notes_copy, tmp_path / name).read_bytes())
    assert fresh[0] == fresh[1] != first


def test_images_are_packed_as_flat_hashed_media(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
    (notes / "img" / "dot.png").write_bytes(png)
    (notes / "n.md").write_text(
        "# C\n\n## 1. Where is the dot?\n\n![dot](img/dot.png)\n\n"
        "## 2. And this one?\n\n![gone](img/missing.png)\n", encoding="utf-8")
    report = build(notes, tmp_path / "out", SiteConfig())
    assert any(str(p).endswith("/n.md:9:9: warning: image not found: img/missing.png")
               for p in report.problems)
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, report.apkg)
    media = Path(col.media.dir())
    names = [p.name for p in media.iterdir()]
    assert len(names) == 1 and re.fullmatch(r"[0-9a-f]{16}\.png", names[0])
    assert (media / names[0]).read_bytes() == png
    answers = " ".join(col.get_card(c).answer() for c in col.find_cards(""))
    assert f'src="{names[0]}"' in answers
    site_page = next((tmp_path / "out" / "site").glob(f"*/{names[0]}"))
    assert site_page.read_bytes() == png
    col.close()


# Every version of the note type's templates and CSS that was released, with its mod.
MODEL_VERSIONS = (("2fef6e42f0485d4d", 1796131200), ("83b352d73966bb69", 1796134639),
                  ("827c275e9b24403d", 1796165961))


def test_note_type_version_follows_its_templates() -> None:
    # Anki updates an imported note type only when its mod grows. If this fails, the
    # templates or CSS changed: set MODEL_MOD to the current time and add the new
    # (hash, MODEL_MOD) pair to MODEL_VERSIONS.
    assert (model_fingerprint(), MODEL_MOD) == MODEL_VERSIONS[-1]
    mods = [mod for _, mod in MODEL_VERSIONS]
    assert mods == sorted(set(mods))


def test_cards_link_to_their_place_on_the_site(notes_copy: Path, tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Notes\nsite_url: https://example.org/notes/\n"
                      "theme:\n  name: material\n", encoding="utf-8")
    report = build(notes_copy, tmp_path / "out", SiteConfig.load(config))
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, report.apkg)
    card = report.deck.cards[0]
    note = col.get_note(note_ids_by_guid(col)[card.id])
    assert note["Link"] == f"https://example.org/notes/{quote('深度学习')}/#{card.id}"
    back = col.get_card(note.card_ids()[0]).answer()
    assert f'<a href="{note["Link"]}">' in back
    page = report.site / "深度学习" / "index.html"
    assert f'id="{card.id}"' in page.read_text(encoding="utf-8")
    col.close()
