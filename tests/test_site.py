"""The built seed site in a real browser: Debian chromium driven by playwright, the site
served on 127.0.0.1. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, expect

from notegen.build import BuildReport
from notegen.emit.site.pages import site_pages

from .sitetools import Watched

pytestmark = pytest.mark.browser


@pytest.fixture()
def watched(browser: Browser, served: tuple[str, BuildReport]) -> Iterator[Watched]:
    w = Watched(browser, served[0])
    yield w
    w.page.close()


def _pages(served: tuple[str, BuildReport]) -> list[str]:
    """The chapter pages, in the order of the notes."""
    base, report = served
    return [base + quote(page.url) for page in site_pages(report.deck)]


@pytest.mark.parametrize("term", ["梯度消失", "交叉熵", "过拟合", "Transformer"])
def test_search_lists_the_cards_whose_title_holds_the_term(
        watched: Watched, served: tuple[str, BuildReport], term: str) -> None:
    watched.goto(served[0])
    found = watched.search(term)
    expected = [c.title for c in served[1].deck.cards if term.lower() in c.title.lower()]
    assert expected
    assert [t for t in expected if t not in found] == []
    if term == "过拟合":
        watched.screenshot("search-过拟合.png")
    watched.clean()


def test_search_snippets_are_readable_text(watched: Watched, served: tuple[str, BuildReport]
                                           ) -> None:
    watched.goto(served[0])
    watched.search("Sigmoid")
    snippets = watched.page.locator(".md-search-result__article").all_inner_texts()
    assert len(snippets) > 3
    text = " ".join(snippets)
    for raw in ("\\(", "\\)", "\\[", "$", "显示全部答案", "答案"):
        assert raw not in text, raw
    watched.clean()


def test_every_chapter_page_typesets_all_math_offline(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    urls = _pages(served)
    assert len(urls) == 5
    for url in urls:
        watched.goto(url)
        watched.typeset()
        watched.page.locator("button.ng-toggle-all").click()
        math = watched.page.locator("article .arithmatex")
        assert math.count() > 0
        assert watched.page.locator("article .arithmatex:not(:has(mjx-container))").count() == 0
        assert watched.page.locator("article mjx-merror").count() == 0
        text = watched.page.locator(".md-content").inner_text()
        for raw in ("\\(", "\\)", "\\[", "\\]", "$"):
            assert raw not in text, (url, raw)
    watched.goto(urls[0])
    watched.typeset()
    watched.page.locator(".ng-q").first.click()
    watched.screenshot("chapter-page.png")
    watched.clean()


def test_math_is_typeset_again_after_instant_navigation(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    watched.goto(served[0])
    watched.typeset()
    page.evaluate("window.notegenSamePage = true")
    page.locator(".md-typeset table a").first.click()
    page.wait_for_selector(".ng-q")
    assert page.evaluate("window.notegenSamePage === true")  # no full reload: instant
    page.wait_for_function(
        "document.querySelectorAll('article .arithmatex mjx-container').length > 0 && "
        "document.querySelectorAll('article .arithmatex:not(:has(mjx-container))').length"
        " === 0")
    watched.clean()


def test_clicking_a_question_reveals_its_answer(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    watched.goto(_pages(served)[0])
    first = page.locator(".ng-q").first
    answer = page.locator("details.ng-answer").first
    assert answer.get_attribute("open") is None
    assert not answer.locator("li").first.is_visible()
    first.click()
    assert answer.get_attribute("open") is not None
    assert answer.locator("li").first.is_visible()
    # Kept in step on the answer's toggle event, which the browser fires a moment later.
    expect(first).to_have_attribute("aria-expanded", "true")
    first.click()
    assert answer.get_attribute("open") is None
    expect(first).to_have_attribute("aria-expanded", "false")
    watched.clean()


def test_questions_open_from_the_keyboard(watched: Watched, served: tuple[str, BuildReport]
                                          ) -> None:
    page = watched.page
    watched.goto(_pages(served)[0])
    questions = page.locator(".ng-q")
    answers = page.locator("details.ng-answer")
    questions.nth(0).focus()
    page.keyboard.press("Enter")
    assert answers.nth(0).get_attribute("open") is not None
    questions.nth(1).focus()
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press(" ")
    assert answers.nth(1).get_attribute("open") is not None
    assert page.evaluate("window.scrollY") == scrolled  # Space opened it, and did not scroll
    page.keyboard.press(" ")
    assert answers.nth(1).get_attribute("open") is None
    expect(questions.nth(1)).to_have_attribute("aria-expanded", "false")
    watched.clean()


def test_a_card_anchor_opens_the_page_at_that_card(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    card = served[1].deck.chapters[0].cards[20]  # far down its page
    page = watched.page
    watched.goto(_pages(served)[0] + f"#{card.id}")
    heading = page.locator(f"#{card.id}")
    assert heading.inner_text().startswith(card.title)
    page.wait_for_timeout(300)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 300
    assert page.locator(f"#{card.id}-a").get_attribute("open") is not None
    watched.clean()


def test_home_page_lists_chapters_and_offers_the_deck(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    base, report = served
    page = watched.page
    watched.goto(base)
    rows = page.locator(".md-typeset table tbody tr")
    assert rows.count() == len(report.deck.chapters)
    assert rows.first.inner_text().split("\t") == ["深度学习", "43"]
    link = page.locator(f'a[href$="{quote(report.apkg.name)}"][download]')
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert Path(saved).read_bytes() == report.apkg.read_bytes()
    watched.clean()


def test_chapters_link_to_the_previous_and_next(watched: Watched,
                                                served: tuple[str, BuildReport]) -> None:
    page = watched.page
    urls = _pages(served)
    watched.goto(urls[1])
    titles = [ch.title for ch in served[1].deck.chapters]
    previous = page.locator("a.md-footer__link--prev")
    following = page.locator("a.md-footer__link--next")
    assert previous.locator(".md-ellipsis").inner_text().strip() == titles[0]
    assert following.locator(".md-ellipsis").inner_text().strip() == titles[2]
    following.click()
    # The theme's navigation.tracking may already have added the anchor of the first card.
    page.wait_for_url(lambda url: url.split("#")[0] == urls[2])
    watched.clean()


def test_dark_mode_toggle(watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    watched.goto(served[0])
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    first = page.evaluate(scheme)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate(scheme) != first
    assert {first, page.evaluate(scheme)} == {"default", "slate"}
    watched.clean()


def test_a_request_the_test_cancels_is_no_failure_but_a_missing_file_is(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    page.route("**/never-answered.js", lambda route: None)  # still running when we leave
    watched.goto(served[0])
    page.evaluate("() => { fetch('never-answered.js').catch(() => {}); }")
    page.wait_for_timeout(200)
    watched.goto(_pages(served)[0])  # the test moves on: the request is cancelled
    page.wait_for_timeout(200)
    assert watched.failed == []
    page.unroute("**/never-answered.js")
    page.evaluate("() => { fetch('no-such-file.js').catch(() => {}); }")
    page.wait_for_timeout(500)
    assert [f for f in watched.failed if "no-such-file.js" in f]
