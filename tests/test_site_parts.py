"""The site's parts on their own: the text search shows for HTML and math, the navigation's
bounded levels, and the notes' terms found in one pass."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notegen import terms
from notegen.emit.site.nav import FANOUT, nav_config
from notegen.emit.site.pages import LABELS, SitePage
from notegen.emit.site.readable import readable, tex_text
from notegen.sanitize import escape


@pytest.mark.parametrize(("tex", "text"), [
    (r"0.25 * \text{大数} > 1", "0.25 * 大数 > 1"),
    (r"\frac{\partial L}{\partial w} \approx 0", "(∂L)/(∂w) ≈ 0"),
    (r"\frac12 + \frac\alpha\beta", "1/2 + α/β"),
    (r"L = -\sum_i y_i \log \hat{y}_i", "L = -∑_i y_i log y_i"),
    (r"\sqrt[3]{x^2+1} \leq \left( \frac{1}{2} \right)", "√(x^2+1) ≤ ( 1/2 )"),
    (r"\begin{cases} a & x>0 \\ b & \text{else} \end{cases}", "a x>0 b else"),
    (r"\|w\|_2^2 \in \mathbb{R}", "‖w‖_2^2 ∈ R"),
    (r"\{x\}", "{x}"),
    ("{" * 5000 + "x", "x"),  # nesting past any formula's: still text, in one pass
    ("}}}\\", ""),
])
def test_math_reads_as_text(tex: str, text: str) -> None:
    assert tex_text(tex) == text


def test_html_reads_as_the_text_a_reader_sees() -> None:
    html = ('<p>当 <span class="arithmatex">\\(x_{1} \\to 0\\)</span> 时</p>'
            '<ul><li>a<b>b</b></li><li>c &amp; d</li></ul>'
            '<div class="arithmatex">\\[a &lt; b\\]</div><pre><code>x = 1\ny</code></pre>'
            '<table><tr><th>h</th><td>v</td></tr></table>\x00')
    assert readable(html) == "当 x_1 → 0 时 ab c & d a < b x = 1 y h v"


def _page(n: int, folders: tuple[str, ...] = ()) -> SitePage:
    return SitePage(f"p{n}/index.md", (*folders, f"<Page {n}>"), ())


def _leaves(entries: Sequence[dict[str, Any]], depth: int = 1) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for entry in entries:
        assert len(entries) <= FANOUT + 2  # the home and Study pages are two more at the top
        ((_, value),) = entry.items()
        found.extend(_leaves(value, depth + 1) if isinstance(value, list)
                     else [(value, depth)])
    return found


@pytest.mark.parametrize("count", [1, FANOUT, FANOUT + 1, 5000])
def test_every_level_of_the_navigation_is_bounded(count: int) -> None:
    pages = [_page(n) for n in range(count)]
    nav = nav_config(LABELS["en"], pages)
    leaves = _leaves(nav)
    assert [path for path, _ in leaves] == ["index.md", "study/index.md", *(p.path for p in pages)]
    assert max(depth for _, depth in leaves) <= 4


def test_folders_are_sections_titled_as_escaped_text() -> None:
    pages = [_page(0, ("a<b",)), _page(1), _page(2, ("a<b", "c"))]
    nav = nav_config(LABELS["en"], pages)
    assert nav == [{"Home": "index.md"}, {"Study": "study/index.md"},
                   {escape("a<b"): [{escape("<Page 0>"): "p0/index.md"},
                                    {"c": [{escape("<Page 2>"): "p2/index.md"}]}]},
                   {escape("<Page 1>"): "p1/index.md"}]


def test_large_groups_are_named_after_their_first_and_last_page() -> None:
    nav = nav_config(LABELS["en"], [_page(n) for n in range(FANOUT + 1)])
    groups = [next(iter(entry)) for entry in nav[2:]]
    assert groups[0] == f"{escape('<Page 0>')} … {escape(f'<Page {FANOUT // 2}>')}"


def _reference(texts: Sequence[str]) -> list[str]:
    """Term discovery as first written: every n-gram of every text counted one by one."""
    counts: Counter[str] = Counter()
    for text in texts:
        for run in terms._HAN_RUN.findall(text):
            for n in range(1, terms._LONGEST + 2):
                counts.update(run[i : i + n] for i in range(len(run) - n + 1))
    extended: Counter[str] = Counter()
    for gram, count in counts.items():
        for part in (gram[1:], gram[:-1]):
            extended[part] = max(extended[part], count)
    found = [gram for gram, count in counts.items()
             if 3 <= len(gram) <= terms._LONGEST and count >= terms._MIN_COUNT
             and gram[0] not in terms._EDGE and gram[-1] not in terms._EDGE
             and extended[gram] < 0.8 * count and terms._cohesive(gram, counts)]
    return sorted(found, key=lambda t: (-len(t), -counts[t], t))


_CHINESE = st.text(alphabet="过拟合交叉熵梯度消失的和是注意力机制", min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_CHINESE, st.sampled_from(["过拟合问题", "交叉熵损失", "x 过拟合 y"])),
                max_size=30))
def test_terms_are_those_counting_every_ngram_would_find(texts: list[str]) -> None:
    assert terms.discover(texts) == _reference(texts)
