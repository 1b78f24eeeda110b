"""Rendering, shared by the deck and the site: math untouched, export damage repaired for
display, code highlighted."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from notegen.diagnostics import Diagnostic
from notegen.ir import Card, Span
from notegen.render import Rendered, Renderer
from notegen.segment import parse_paths

from .conftest import FIXTURES, SEED

CASES = sorted((FIXTURES / "render").glob("*.md"))


def rendered_note(note: Path) -> str:
    """A note as the renderer gives it: each chapter's title and text, each card's question
    as a heading and its answer, the warnings as comments."""
    deck, _ = parse_paths([note], "Render")
    renderer = Renderer(note.parent)
    parts = []
    for chapter in deck.chapters:
        meta = (renderer.passage(chapter.path, chapter.meta_span.start, chapter.meta)
                if chapter.meta_span else Rendered("", (), ()))
        parts.append(f"<h1>{renderer.title(chapter.title)}</h1>\n{meta.html}\n"
                     f"{_comments(meta.problems)}")
        for card in chapter.cards:
            rendered, found = renderer.card(card)
            parts.append(f"<h2>{rendered.question}</h2>\n{rendered.answer}\n{_comments(found)}")
    return "\n".join(parts)


def _comments(problems: Sequence[Diagnostic]) -> str:
    return "".join(f"<!-- {p} -->\n" for p in problems)


@pytest.mark.parametrize("note", CASES, ids=[case.stem for case in CASES])
def test_fixture_renders_as_expected(note: Path) -> None:
    expected = note.with_suffix(".html")
    assert expected.is_file(), f"{note.name} needs its expected output {expected.name}"
    assert rendered_note(note) == expected.read_text(encoding="utf-8")


def test_the_first_users_notes_render_as_they_always_have() -> None:
    """seed_rendered.html was rendered before the sanitizer, the cloze and table fixes and the
    cache came in: none of them changes a byte of these notes."""
    expected = (FIXTURES / "seed" / "seed_rendered.html").read_text(encoding="utf-8")
    assert rendered_note(SEED) == expected


def _card(name: str) -> Card:
    deck, problems = parse_paths([FIXTURES / "render" / f"{name}.md"], "Render")
    assert not problems
    return deck.cards[0]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(FIXTURES)


def _math(answer_html: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"\\[(\[](.*?)\\[)\]]", answer_html, re.S)]


def test_display_math_keeps_its_tex_byte_for_byte(renderer: Renderer) -> None:
    card = _card("display-math")
    answer = renderer.card(card)[0].answer
    aligned = card.answer.split("$$")[1]
    cases = card.answer.split("$$")[3]
    assert _math(answer) == [aligned, cases]
    assert "<div" not in answer.split("\\[")[1].split("\\]")[0]
    assert '<span class="arithmatex arithmatex-display">\\[f(x)' in answer  # $$ mid-sentence
    assert "$5 and $10" in answer  # money, not math


def test_export_damage_is_repaired_for_display(renderer: Renderer) -> None:
    answer = renderer.card(_card("export-damage"))[0].answer
    # A glyph paragraph becomes a list item, nested by the glyph's rank; a glyph after a
    # list marker is dropped.
    assert re.search(r"<li>\s*<p>输出：Heatmap</p>\s*<ul>\s*<li>预测关键点热力图</li>", answer)
    assert "◆" not in answer and "◇" not in answer and "□" not in answer
    assert re.search(r"<li>\s*<p>常见：旋转、剪裁</p>\s*<ul>\s*<li>增加小目标</li>", answer)
    # Tab-separated rows are a table; math in a cell is still math.
    assert ('<thead><tr><th>方法</th><th>复杂度</th></tr></thead><tbody><tr><td>快速排序</td>'
            '<td><span class="arithmatex">\\(O(n \\log n)\\)</span></td></tr></tbody>') in answer
    # Inline HTML is kept; code is highlighted at build time.
    assert '<b>Input:</b> Values of <span class="arithmatex">\\(x\\)</span>' in answer
    assert '<div class="highlight"><pre><span></span><code><span class="k">def</span>' in answer
    assert '<span class="o">&lt;</span>' in answer


def test_titles_are_plain_text_with_math(renderer: Renderer) -> None:
    assert renderer.title("VGG16采用3*3卷积核的优势?") == "VGG16采用3*3卷积核的优势?"
    assert renderer.title("Why is $a<b$ *here*?") == (
        'Why is <span class="arithmatex">\\(a&lt;b\\)</span> *here*?')


def test_answer_headings_sit_below_the_card_heading(renderer: Renderer) -> None:
    card = next(c for c in parse_paths([FIXTURES / "parse" / "glyph-headings.md"], "R")[0].cards
                if c.number == "25")
    answer = renderer.card(card)[0].answer
    assert "<h5>MobileNet V2</h5>" in answer


def _answer_card(answer: str, answer_start: int = 10) -> Card:
    return Card("c1", "Deck", "Chapter", None, "Question", "## 1. Question", answer,
                answer_start, (), Span("notes/a.md", answer_start - 1, answer_start + 40))


def test_math_in_table_cells_is_byte_for_byte(renderer: Renderer) -> None:
    card = _card("math-in-tables")
    answer = renderer.card(card)[0].answer
    written = [m.group(1) or m.group(2) for m in
               re.finditer(r"\$([^$]+)\$|\\\((.+?)\\\)", card.answer)]
    assert _math(answer) == written == ["|x|_1", "\\|w\\|", "\\max_i |x_i|"]


def test_warnings_keep_their_line_after_a_repaired_tab_table(renderer: Renderer) -> None:
    answer = "a\tb\n1\t2\n3\t4\n5\t6\n\n![gone](missing.png)"
    _, problems = renderer.card(_answer_card(answer, 20))
    assert [(p.line, p.col) for p in problems] == [(25, 9)]


def test_a_list_too_deep_for_markdown_is_a_warning_naming_its_line(renderer: Renderer) -> None:
    answer = "\n".join("  " * level + f"- level {level}" for level in range(60)) + "\n\nend"
    rendered, problems = renderer.card(_answer_card(answer, 30))
    assert rendered.answer.count("<li>") == 50
    assert [(p.path, p.line) for p in problems] == [("notes/a.md", 30 + 49)]
    assert "nested more than 50 levels deep" in problems[0].message


def test_chapter_text_is_rendered_with_its_problems(renderer: Renderer) -> None:
    passage = renderer.passage("notes/a.md", 3, "2024年1月1日\n\n<div>\n\n![x](nope.png)")
    assert passage.html.startswith("<p>2024年1月1日</p>") and passage.html.endswith("</div>")
    assert [(p.line, p.message) for p in passage.problems] == [(7, "image not found: nope.png")]
    assert passage.media == ()
