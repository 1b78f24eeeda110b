"""What a note's raw HTML can and cannot do: it never runs script, in the deck or on the site,
and one card's unclosed tags never reach the next card."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Dialog

from notegen import sanitize
from notegen.build import build
from notegen.config import SiteConfig
from notegen.ir import Card, Span
from notegen.render import Renderer

from .ankitools import fresh_collection, import_apkg

PAYLOADS = [
    "<script>window.pwned = 1</script>",
    "<img src=x onerror=\"window.pwned = 2\">",
    "<svg onload=\"window.pwned = 3\"></svg>",
    "<iframe srcdoc=\"<script>parent.pwned = 4</script>\"></iframe>",
    "<details ontoggle=\"window.pwned = 5\" open>x</details>",
    "<a href=\"javascript:window.pwned = 6\">link</a>",
    "[md](javascript:window.pwned=7)",
    "<a href=\"JaVaScRiPt:window.pwned = 8\">x</a>",
    "<img src=\"data:image/svg+xml,<svg onload='window.pwned=9'>\">",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "<object data=\"javascript:window.pwned=10\"></object>",
    "<embed src=\"javascript:window.pwned=11\">",
    "<style>body { display: none }</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=about:blank\">",
    "<base href=\"http://example.com/\">",
    "<form action=\"javascript:window.pwned=12\"><button>go</button></form>",
    "<span style=\"background: url(javascript:window.pwned=13)\">s</span>",
    "<b onmouseover=\"window.pwned=14\">hover</b>",
    "<math><mi xlink:href=\"javascript:window.pwned=15\">m</mi></math>",
    "<div onclick=\"window.pwned=16\" class=\"md-header\">div</div>",
    "<!--><script>window.pwned=17</script>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=window.pwned=18>\"></noscript>",
]
FORBIDDEN_ELEMENTS = {"script", "style", "iframe", "object", "embed", "meta", "base", "form",
                      "svg", "math", "link", "noscript", "textarea", "xmp"}

# Tags left open in one card's answer: the 17 that swallowed, hid or broke the next card
# before (raw HTML blocks that run to a closing tag that never comes, comments, tables) and
# the other common ones.
UNCLOSED = [
    "<details>", "<details><summary>open", "<!--", "<script>", "<style>", "<textarea>",
    "<table><tr><td>", "<xmp>", "<title>", "<iframe>", "<noscript>", "<noembed>",
    "<noframes>", "<plaintext>", "<template>", "<svg>", "<math>", "<select>", "<pre>",
    "<div>", "<p>", "<b>", "<i>", "<span>", "<a href=\"#x\">", "<ul><li>", "<blockquote>",
    "<code>", "<h1>",
]


class _Elements(HTMLParser):
    """Every element and attribute in a fragment, and whether each closes in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.open: list[str] = []
        self.misnested = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag not in ("br", "img", "hr", "col", "wbr"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.misnested = True


def elements(fragment: str) -> _Elements:
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def _card(answer: str, n: int = 1) -> Card:
    return Card(f"c{n}", "Deck", "Chapter", None, f"Question {n}", f"## {n}. Question",
                answer, 10 * n + 1, (), Span("notes/a.md", 10 * n, 10 * n + 5))


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(Path("notes"))


def _assert_harmless(fragment: str) -> None:
    found = elements(fragment)
    for tag, attrs in found.tags:
        assert tag not in FORBIDDEN_ELEMENTS, fragment
        for name, value in attrs:
            assert not name.startswith("on"), fragment
            assert not (value or "").strip().lower().startswith(("javascript:", "data:")), fragment
            assert "url(" not in (value or ""), fragment


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_as_markup(renderer: Renderer, payload: str) -> None:
    rendered, _ = renderer.card(_card(f"before\n\n{payload}\n\nafter"))
    for fragment in (rendered.answer, rendered.question):
        _assert_harmless(fragment)
    assert "after" in rendered.answer


def test_what_only_looks_like_html_is_shown_as_written(renderer: Renderer) -> None:
    answer = renderer.card(_card("Use List<String>; if a<b and c>d"))[0].answer
    assert elements(answer).tags == [("p", [])]
    assert "Use List&lt;String&gt;; if a&lt;b and c&gt;d" in answer


@pytest.mark.parametrize("opener", UNCLOSED)
def test_an_unclosed_tag_is_closed_within_its_card(renderer: Renderer, opener: str) -> None:
    rendered, _ = renderer.card(_card(f"text\n\n{opener}\n\n- still **Markdown**\n\nend"))
    found = elements(rendered.answer)
    assert not found.open and not found.misnested, rendered.answer
    assert "end" in rendered.answer
    _assert_harmless(rendered.answer)


FRAGMENTS = st.sampled_from([
    "<", ">", "</", "/>", "<!--", "-->", "\n", "\n\n", " ", "=", '"', "'", "`", "$", "\\(",
    "\\)", "|", "- ", "1. ", "    ", "```", "<b>", "</b>", "<div>", "</div>", "<details>",
    "<summary>", "<table>", "<tr>", "<td>", "<span style='color:red'>", "</span>", "<img src=",
    "x.png", "onerror=", "javascript:", "<script>", "</script>", "<style>", "<textarea>",
    "<xmp>", "<iframe>", "<svg", "<math>", "<a href=", "**", "==", "{{c1::", "}}", "::",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40))
def test_any_answer_renders_balanced_and_harmless(pieces: list[str]) -> None:
    rendered, _ = Renderer(Path("notes")).card(_card("".join(pieces)))
    for fragment in (rendered.answer, rendered.question):
        found = elements(fragment)
        assert not found.open and not found.misnested, fragment
        _assert_harmless(fragment)


def test_the_allow_list_is_one_list(renderer: Renderer) -> None:
    """Raw tags are kept exactly when the sanitizer would keep them."""
    table = "<table><caption>c</caption><colgroup><col></colgroup><thead><tr><th>h</th></tr>" \
            "</thead><tbody><tr><td>d</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>"
    kept = {tag for tag, _ in elements(renderer.card(_card(table))[0].answer).tags}
    for tag in sorted(sanitize.TAGS - kept):
        kept_alone = renderer.card(_card(f"<{tag} title=\"t\">x</{tag}>"))[0].answer
        assert f"<{tag} title=\"t\"" in kept_alone, tag
    assert "<center" not in renderer.card(_card("<center>x</center>"))[0].answer


def _page(cards: list[tuple[Card, str]]) -> str:
    """Cards laid out as the site's chapter pages lay them out."""
    articles = "".join(
        f'<article class="ng-card" data-card="{card.id}"><h2 id="{card.id}" class="ng-q">'
        f'{question}</h2><details class="ng-answer" id="{card.id}-a"><summary>Answer</summary>'
        f'<div class="ng-answer-body">{answer}</div></details></article>'
        for card, (question, answer) in ((c, tuple(x.split("\x00"))) for c, x in cards))
    return f"<!doctype html><html><body><main>{articles}</main></body></html>"


@pytest.mark.browser
def test_in_chromium_no_card_breaks_the_next_and_nothing_runs(renderer: Renderer,
                                                              browser: Browser) -> None:
    cards = []
    for n, answer in enumerate([*UNCLOSED, *PAYLOADS], start=1):
        for card in (_card(f"before\n\n{answer}\n\nafter", 2 * n), _card("plain", 2 * n + 1)):
            rendered, _ = renderer.card(card)
            cards.append((card, f"{rendered.question}\x00{rendered.answer}"))
    page = browser.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.set_content(_page(cards), wait_until="load")
    page.wait_for_timeout(300)
    shown = page.evaluate("""() => [...document.querySelectorAll('main > article.ng-card')]
        .map(a => [a.dataset.card, a.querySelector('h2.ng-q').innerText,
                   a.querySelectorAll('article').length, a.parentElement.tagName])""")
    assert [row[0] for row in shown] == [card.id for card, _ in cards]
    for (card, _), (_, heading, nested, parent) in zip(cards, shown, strict=True):
        assert heading == card.title and nested == 0 and parent == "MAIN"
    for card, _ in cards[1::2]:
        assert page.locator(f'[id="{card.id}"]').is_visible()
    assert page.evaluate("() => window.pwned") is None and not dialogs
    page.close()


@pytest.mark.anki
def test_in_real_anki_the_cards_hold_no_script(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    answers = "\n\n".join(PAYLOADS + [f"{opener}\n\nafter" for opener in UNCLOSED])
    # In the chapter, the file's name (the Source field) and the site's address (Link) too.
    (notes / "payloads <img src=x onerror=alert(1)>.md").write_text(
        f"# Java 泛型 List<String> <img src=x onerror=alert(1)>\n\n## 1. Which?\n\n{answers}\n",
        encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Payloads\ntheme:\n  name: material\n"
                      "site_url: 'https://example.org/a\"><img src=x onerror=alert(1)>/'\n",
                      encoding="utf-8")
    report = build(notes, tmp_path / "out", SiteConfig.load(config))
    col = fresh_collection(tmp_path / "anki")
    assert import_apkg(col, report.apkg).new == 1
    card = col.get_card(col.find_cards("")[0])
    for shown in (card.question(), card.answer()):
        body = shown.split("</style>")[-1]  # after the note type's own CSS
        _assert_harmless(body)
        assert not elements(body).misnested
    assert "Java 泛型 List&lt;String&gt; &lt;img src=x onerror=alert(1)&gt;" in card.question()
    note = card.note()
    assert "&lt;img src=x onerror=alert(1)&gt;.md" in note["Source"]
    assert 'href="https://example.org/a&quot;&gt;&lt;img' in card.answer()
