"""The site opened from disk (file://), as a reader double-clicking build/site/index.html
would: chapter links open pages, search finds cards, math typesets, questions open, and
nothing is asked of another host."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from notegen.build import BuildReport, build
from notegen.config import SiteConfig

from .conftest import REPO_NOTES, ROOT
from .sitetools import Watched

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    work = tmp_path_factory.mktemp("file-site")
    shutil.copytree(REPO_NOTES, work / "notes")
    return build(work / "notes", work / "out", SiteConfig.load(ROOT / "mkdocs.yml"))


@pytest.fixture()
def watched(browser: Browser, report: BuildReport) -> Iterator[Watched]:
    w = Watched(browser, report.site.as_uri() + "/")
    yield w
    w.page.close()


def test_chapter_links_open_their_pages(watched: Watched, report: BuildReport) -> None:
    page = watched.page
    watched.goto((report.site / "index.html").as_uri())
    with page.expect_navigation():  # from file://, each link loads a whole page
        page.locator(".md-typeset table a").first.click()
    page.wait_for_selector("body[data-notegen=ready] .ng-q")
    assert urlsplit(page.url).path.endswith("/index.html")  # a file, not a folder listing
    assert page.locator("h1").inner_text().startswith(report.deck.chapters[0].title)
    with page.expect_navigation():
        page.locator("a.md-footer__link--next").click()
    page.wait_for_selector("body[data-notegen=ready] .ng-q")
    assert page.locator("h1").inner_text().startswith(report.deck.chapters[1].title)
    watched.clean()


def test_search_finds_cards_and_opens_them(watched: Watched, report: BuildReport) -> None:
    page = watched.page
    watched.goto((report.site / "index.html").as_uri())
    titles = watched.search("过拟合")
    expected = [c.title for c in report.deck.cards if "过拟合" in c.title]
    assert expected and [t for t in expected if t not in titles] == []
    with page.expect_navigation():
        page.locator(".md-search-result__link").first.click()
    page.wait_for_selector("body[data-notegen=ready] .ng-q")
    card = next(c for c in report.deck.cards if "过拟合" in c.title)
    assert Path(urlsplit(page.url).path).name == "index.html"
    assert page.locator(f"#{card.id}").count() == 1
    watched.clean()


def test_math_typesets_and_questions_open(watched: Watched, report: BuildReport) -> None:
    page = watched.page
    watched.goto((report.site / "index.html").as_uri())
    page.locator(".md-typeset table a").first.click()
    page.wait_for_selector("body[data-notegen=ready] .ng-q")
    watched.typeset()
    assert page.locator("article .arithmatex mjx-container").count() > 0
    question = page.locator(".ng-q").first
    question.click()
    assert page.locator("details.ng-answer").first.get_attribute("open") is not None
    question.press("Enter")
    assert page.locator("details.ng-answer").first.get_attribute("open") is None
    watched.clean()
