"""Reading the seed site on a phone (390 px) and on a desktop, light and dark, in real
chromium: answers at body size, sub-headings in their own case below their question, tables
bordered, wide math and tables scrolling in their own box, never the page. Screenshots land
in test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser

from notegen.build import BuildReport, build
from notegen.config import SiteConfig
from notegen.emit.site.pages import site_pages

from .conftest import REPO_NOTES, ROOT
from .sitetools import DESKTOP, PHONE, Watched, serving

pytestmark = pytest.mark.browser
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BuildReport]]:
    work = tmp_path_factory.mktemp("reading")
    shutil.copytree(REPO_NOTES, work / "notes")
    report = build(work / "notes", work / "out", SiteConfig.load(ROOT / "mkdocs.yml"))
    with serving(report.site) as base:
        yield base, report


def _open(browser: Browser, site: tuple[str, BuildReport], url: str, viewport: str,
          scheme: str) -> Watched:
    watched = Watched(browser, site[0], VIEWPORTS[viewport], scheme)
    watched.goto(url)
    toggle = watched.page.locator("button.ng-toggle-all")
    if toggle.count():  # a chapter page: every answer open
        toggle.click()
    watched.typeset()
    watched.page.wait_for_timeout(300)  # wide math is marked once typeset
    return watched


def _pages(site: tuple[str, BuildReport]) -> list[str]:
    return [site[0] + quote(page.url) for page in site_pages(site[1].deck)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, site: tuple[str, BuildReport],
                                             scheme: str) -> None:
    for url in [site[0], site[0] + "study/index.html", *_pages(site)]:
        watched = _open(browser, site, url, "phone", scheme)
        page = watched.page
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        # Nothing sticks out but inside a box of its own that scrolls it (the theme's
        # overflow-x: hidden on <html> stops no phone from zooming out to it, and a box that
        # clips would hide the rest with no sign that there is more). MathJax's copy of the math
        # for screen readers is clipped to nothing on purpose.
        wide = page.evaluate("""() => {
            const scrolls = e => { for (let a = e.parentElement; a !== document.documentElement;
                                        a = a.parentElement) {
                const overflow = getComputedStyle(a).overflowX;
                if (overflow !== 'visible') return overflow === 'auto' || overflow === 'scroll';
              } return false; };
            return [...document.querySelectorAll('.md-content *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !scrolls(e)
                        && !e.closest('mjx-assistive-mml'))  // MathML for screen readers
                .map(e => e.tagName + '.' + e.className); }""")
        assert wide == [], url
        watched.clean()
        watched.page.close()


STYLE = """([question, heading]) => {
  const style = (e, pseudo) => getComputedStyle(e, pseudo);
  return {
    answer: parseFloat(style(document.querySelector('.ng-answer-body :is(li, p)')).fontSize),
    body: parseFloat(style(document.querySelector('.md-content .md-typeset')).fontSize),
    pencil: style(document.querySelector('details.ng-answer > summary'), '::before').display,
    question: parseFloat(style(question).fontSize),
    headingSize: parseFloat(style(heading).fontSize),
    headingCase: style(heading).textTransform,
    headingText: heading.innerText,
    below: heading.getBoundingClientRect().top > question.getBoundingClientRect().bottom,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_answers_read_at_body_size_with_headings_in_their_case(
        browser: Browser, site: tuple[str, BuildReport], viewport: str, scheme: str) -> None:
    card = next(c for c in site[1].deck.cards if "ResNet组件BottleNeck" in c.answer)
    page_url = next(site[0] + quote(p.url) for p in site_pages(site[1].deck)
                    if card in p.cards)
    watched = _open(browser, site, page_url, viewport, scheme)
    page = watched.page
    question = page.locator(f"#{card.id}")
    heading = page.locator(f"#{card.id}-a :is(h3, h4, h5, h6)", has_text="BottleNeck").first
    found: dict[str, Any] = page.evaluate(STYLE, [question.element_handle(),
                                                  heading.element_handle()])
    assert found["answer"] == found["body"]
    assert found["pencil"] == "none"
    assert found["headingCase"] == "none"
    assert "ResNet组件BottleNeck" in found["headingText"]
    assert found["headingSize"] < found["question"]
    assert found["below"]
    question.scroll_into_view_if_needed()
    watched.screenshot(f"reading-{viewport}-{scheme}.png")
    watched.clean()
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tables_are_bordered_with_a_shaded_header(
        browser: Browser, site: tuple[str, BuildReport], scheme: str) -> None:
    card = next(c for c in site[1].deck.cards if c.answer.count("\t") > 4)  # a tab table
    page_url = next(site[0] + quote(p.url) for p in site_pages(site[1].deck)
                    if card in p.cards)
    watched = _open(browser, site, page_url, "phone", scheme)
    page = watched.page
    table = page.locator(f"#{card.id}-a table").first
    cells = table.evaluate("""t => {
      const td = getComputedStyle(t.querySelector('td'));
      const th = getComputedStyle(t.querySelector('th'));
      const page = getComputedStyle(document.querySelector('.md-content')).backgroundColor;
      return {td: parseFloat(td.borderTopWidth) + parseFloat(td.borderLeftWidth),
              style: td.borderTopStyle, header: th.backgroundColor, page,
              width: Math.min(...[...t.querySelectorAll('td')].map(c => c.clientWidth))};
    }""")
    assert cells["td"] >= 2 and cells["style"] == "solid"
    assert cells["header"] not in ("rgba(0, 0, 0, 0)", cells["page"])
    assert cells["width"] > 40  # Chinese cells keep a readable width, not a character
    table.scroll_into_view_if_needed()
    watched.screenshot(f"table-phone-{scheme}.png")
    watched.clean()
    page.close()
