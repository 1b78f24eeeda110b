"""Notes of any shape: the parser never crashes and never loses or duplicates a line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notegen.read import read_note
from notegen.render import Renderer
from notegen.segment import parse_sources

from .conftest import line_owners

LINE_SHAPES = st.sampled_from([
    "", " ", "# 第一章", "# Chapter", "## 12. 如何实现模型轻量化", "#### ○ MobileNet V2",
    "### 3.1.1 Section", "1. VGG16采用3\\*3卷积核的优势? (深度学习-P35)", "2. Second", "10. Ten",
    "- 14. 什么样的数据集", "- 答案", "  - 子答案", "    - ◆ 更深", "□ 输出", "▪", "• 公式:",
    "```", "```python", "~~~", "$$", "$$x^2$$", "$$\\begin{cases} a \\\\ b \\end{cases}$$",
    "\\[", "\\]", "类别\t排序方法\t$O(n^2)$", "<b>Input:</b> $x$", "<!-- notegen: question -->",
    "- marked <!-- notegen: question -->", "## 7. not <!-- notegen: answer -->", "---",
    "title: x", "2022年4月23日 21:34", "$5 and $10", "| a | b |", "> quote", "![img](x.png)",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(LINE_SHAPES, st.text(max_size=40)), max_size=60))
def test_no_crash_and_no_line_lost(tmp_path_factory: pytest.TempPathFactory,
                                   lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    folder = tmp_path_factory.mktemp("fuzz")
    note = folder / "note.md"
    note.write_text(text, encoding="utf-8")
    source, _ = read_note(note)
    if source is None:
        assert not text.strip()
        return
    deck, _ = parse_sources([source], "Fuzz")
    owners = line_owners(deck, list(source.lines))
    filled = {no for no, line in enumerate(source.lines, 1)
              if line.strip() and no > source.body_start}
    assert filled == set(owners)
    renderer = Renderer(folder)
    for card in deck.cards:
        renderer.card(card)
