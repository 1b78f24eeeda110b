"""Notes of any shape, raw HTML and code fences included: every card the notes hold is a card
on its page, as a browser reads the built HTML (its own article, its question inside it,
nested in no other card)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page

from notegen.build import build
from notegen.config import SiteConfig
from notegen.emit.site.pages import site_pages

from .test_fuzz import LINE_SHAPES

pytestmark = pytest.mark.browser

# What breaks a page whose HTML a second Markdown engine, or a careless join, reads again.
HTML_SHAPES = st.sampled_from([
    "<div>", "</div>", "<details>", "<details><summary>x</summary>", "</details>", "<!--",
    "-->", "<script>", "<style>", "<textarea>", "<xmp>", "<table><tr><td>", "</td></tr>",
    "<b>", "<i>unclosed", "<pre>", "<div markdown=1>", "<h2>", "<article>", "</article>",
    "<p>", "```", "~~~", "    indented code", "{#id .class}", "<!-- notegen: question -->",
    "## Q {#c1 .ng-card}", "<img src=x onerror=alert(1)>", "&", "&lt;", "<br>",
])
LINES = st.one_of(LINE_SHAPES, HTML_SHAPES, st.text(max_size=30))
NOTES = st.lists(st.lists(LINES, max_size=40), min_size=1, max_size=5)

_ARTICLES = """() => [...document.querySelectorAll("article.ng-card")].map(a => ({
  card: a.dataset.card,
  question: a.querySelector(`:scope > .ng-q`)?.id ?? null,
  nested: !!a.parentElement.closest("article.ng-card, details, table, pre, textarea"),
}))"""


@pytest.fixture(scope="module")
def reader(browser: Browser) -> Iterator[Page]:
    """A page that reads the built HTML as a browser does, without running it."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(NOTES)
# Fences alone once printed a card as literal text: where notegen's reading of them and a
# second Markdown engine's disagreed.
@example([["```", "m", "~~~", "```", "1. Q", "```", "#### x", "~~~"]])
def test_every_card_is_a_card_on_its_page(tmp_path_factory: pytest.TempPathFactory,
                                          reader: Page, notes: list[list[str]]) -> None:
    work = tmp_path_factory.mktemp("fuzz-site")
    folder = work / "notes"
    folder.mkdir()
    for n, lines in enumerate(notes):
        text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
        (folder / f"note{n}.md").write_text(f"# Chapter {n}\n\n## 1. First {n}\n\n- a\n\n{text}\n",
                                            encoding="utf-8")
    report = build(folder, work / "out", SiteConfig())
    for page in site_pages(report.deck):
        reader.goto((report.site / page.url).as_uri())
        found = reader.evaluate(_ARTICLES)
        expected = [{"card": card.id, "question": card.id, "nested": False}
                    for card in page.cards]
        assert found == expected, page.url
