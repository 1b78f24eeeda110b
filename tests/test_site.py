"""The built seed site in a real browser: Debian chromium driven by playwright, the site
served on 127.0.0.1. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from notegen.build import BuildReport
from notegen.emit.site import card_pages

from .conftest import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"


class Watched:
    """A page that records requests leaving the site, failed requests and console errors."""

    def __init__(self, browser: Browser, base: str, **page: Any) -> None:
        self.page: Page = browser.new_page(**{"viewport": {"width": 1280, "height": 900}, **page})
        self.base = base
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                     if r.status >= 400 else None)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request: Request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.outside.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def clean(self) -> None:
        assert self.outside == []
        assert self.failed == []
        assert self.errors == []

    def goto(self, url: str) -> None:
        """Open a page and wait until its cards respond to clicks."""
        self.page.goto(url)
        self.page.wait_for_selector("body[data-notegen=ready]", state="attached")

    def typeset(self) -> None:
        self.page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.evaluate("MathJax.startup.promise")


@pytest.fixture()
def watched(browser: Browser, served: tuple[str, BuildReport]) -> Iterator[Watched]:
    w = Watched(browser, served[0])
    yield w
    w.page.close()


def _chapter_urls(served: tuple[str, BuildReport]) -> list[str]:
    base, report = served
    pages = card_pages(report.deck)
    return list(dict.fromkeys(base + pages[ch.cards[0].id] for ch in report.deck.chapters))


def _search(watched: Watched, term: str) -> list[str]:
    page = watched.page
    page.locator(".md-search__input").click()
    field = page.locator("input.md-search__input")
    field.fill("")
    field.type(term)
    field.press("End")  # typing Chinese sends no key events; Material searches on keyup
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_timeout(500)
    titles = page.eval_on_selector_all(
        ".md-search-result__list h1, .md-search-result__list h2",
        "els => els.map(e => e.textContent)")
    return [t.replace("\u200b", "") for t in titles]


@pytest.mark.parametrize("term", ["梯度消失", "交叉熵", "过拟合", "Transformer"])
def test_search_lists_the_cards_whose_title_holds_the_term(
        watched: Watched, served: tuple[str, BuildReport], term: str) -> None:
    watched.goto(served[0])
    found = _search(watched, term)
    expected = [c.title for c in served[1].deck.cards if term.lower() in c.title.lower()]
    assert expected
    assert [t for t in expected if t not in found] == []
    if term == "过拟合":
        ARTIFACTS.mkdir(exist_ok=True)
        watched.page.screenshot(path=str(ARTIFACTS / "search-过拟合.png"))
    watched.clean()


def test_every_chapter_page_typesets_all_math_offline(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    urls = _chapter_urls(served)
    assert len(urls) == 5
    for url in urls:
        watched.goto(url)
        watched.typeset()
        watched.page.locator("button.ng-toggle-all").click()
        math = watched.page.locator("article .arithmatex")
        assert math.count() > 0
        assert watched.page.locator("article .arithmatex:not(:has(mjx-container))").count() == 0
        assert watched.page.locator("article mjx-merror").count() == 0
        text = watched.page.locator("article").inner_text()
        for raw in ("\\(", "\\)", "\\[", "\\]", "$"):
            assert raw not in text, (url, raw)
    ARTIFACTS.mkdir(exist_ok=True)
    watched.goto(urls[0])
    watched.typeset()
    watched.page.locator("h2.ng-card").first.click()
    watched.page.screenshot(path=str(ARTIFACTS / "chapter-page.png"))
    watched.clean()


def test_math_is_typeset_again_after_instant_navigation(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    watched.goto(served[0])
    watched.typeset()
    page.evaluate("window.notegenSamePage = true")
    page.locator(".md-typeset table a").first.click()
    page.wait_for_selector("h2.ng-card")
    assert page.evaluate("window.notegenSamePage === true")  # no full reload: instant
    page.wait_for_function(
        "document.querySelectorAll('article .arithmatex mjx-container').length > 0 && "
        "document.querySelectorAll('article .arithmatex:not(:has(mjx-container))').length"
        " === 0")
    watched.clean()


def test_clicking_a_question_reveals_its_answer(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    page = watched.page
    watched.goto(_chapter_urls(served)[0])
    first = page.locator("h2.ng-card").first
    answer = page.locator("details.ng-answer").first
    assert answer.get_attribute("open") is None
    assert not answer.locator("li").first.is_visible()
    first.click()
    assert answer.get_attribute("open") is not None
    assert answer.locator("li").first.is_visible()
    watched.clean()


def test_a_card_anchor_opens_the_page_at_that_card(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    base, report = served
    card = report.deck.chapters[0].cards[20]  # far down its page
    page = watched.page
    watched.goto(base + card_pages(report.deck)[card.id] + f"#{card.id}")
    heading = page.locator(f"h2#{card.id}")
    assert heading.inner_text().startswith(card.title)
    page.wait_for_timeout(300)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 300
    answer = page.locator(f"h2#{card.id} ~ details.ng-answer").first
    assert answer.get_attribute("open") is not None
    watched.clean()


def test_home_page_lists_chapters_and_offers_the_deck(
        watched: Watched, served: tuple[str, BuildReport]) -> None:
    base, report = served
    page = watched.page
    watched.goto(base)
    rows = page.locator(".md-typeset table tbody tr")
    assert rows.count() == len(report.deck.chapters)
    assert rows.first.inner_text().split("\t") == ["深度学习", "43"]
    link = page.locator(f'a[href$="/{quote(report.apkg.name)}"][download]')
    with page.expect_download() as download:
        link.click()
    saved = download.value.path()
    assert Path(saved).read_bytes() == report.apkg.read_bytes()
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
