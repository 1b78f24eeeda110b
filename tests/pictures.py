"""The README's pictures: a card as real Anki shows it, and the site with its study mode.

    scripts/screenshots [--out DIR]        # DIR defaults to docs/images

The card is imported into a fresh collection by the ``anki`` package (the desktop app's
backend) and shown in chromium as Anki's reviewer shows it: the HTML of ``card.answer()``
(the note type's CSS included) in a ``.card`` body, in day and night mode, math typeset by
MathJax as Anki does. The site pictures are of the built site, served on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
import shutil
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from notegen.build import BuildReport, build
from notegen.config import SiteConfig
from notegen.emit.site import card_pages
from notegen.ir import Card
from notegen.scan import LEADING_GLYPHS_RE
from notegen.serve import QuietHandler

from .ankitools import fresh_collection, import_apkg, note_ids_by_guid
from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO_NOTES, ROOT

PHONE_WIDTH = 390
_DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
DESKTOP: ViewportSize = {"width": 1200, "height": 760}
# Anki's MathJax reads \(…\) and \[…\] anywhere on the card.
_ANKI_MATHJAX = {"tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
                 "options": {"enableMenu": False}}
_ANKI_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>
  html, body {{ margin: 0; }}
  body {{ display: flex; }}
  body > .card {{ box-sizing: border-box; width: {width}px; padding: 16px 20px; }}
</style>
<script>window.MathJax = {mathjax};</script>
<script src="{mathjax_js}"></script>
</head><body>
<div class="card card1">{answer}</div>
<div class="card card1 nightMode">{answer}</div>
</body></html>"""


ANKI = "anki-card.png"
"""A card in Anki, by day and by night."""
PAGE = "site-page.png"
"""The same card on its chapter page of the site."""
STUDY = "site-study.png"
"""The study mode on a phone, in dark mode."""
PICTURES = (ANKI, PAGE, STUDY)


def showcase(report: BuildReport) -> Card:
    """The card to show in Anki and on its page: the first that opens with a list and shows
    display math, short enough to fit a phone's screen, without a line of export damage (a
    lone bullet glyph)."""

    def fits(card: Card) -> bool:
        display = _DISPLAY_RE.findall(card.answer)
        damaged = any(LEADING_GLYPHS_RE.fullmatch(line.strip())
                      for line in card.answer.split("\n"))
        return (bool(display) and max(map(len, display)) < 70 and not damaged
                and card.answer.lstrip().startswith("- ") and len(card.answer) < 600)

    return next(card for card in report.deck.cards if fits(card))


def study_showcase(report: BuildReport) -> Card:
    """The card to show in the study mode: the first with math whose answer fits below its
    question on a phone."""
    return next(card for card in report.deck.cards if "$" in card.answer
                and len(card.answer) < 300)


def take(report: BuildReport, base: str, browser: Browser, out: Path) -> list[Path]:
    """Write the pictures of ``report``'s build (its site served at ``base``) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    card = showcase(report)
    anki_card(report, card, base, browser, out / ANKI)
    chapter_page(report, card, base, browser, out / PAGE)
    study_mode(report, study_showcase(report), base, browser, out / STUDY)
    return [out / name for name in PICTURES]


def anki_card(report: BuildReport, card: Card, base: str, browser: Browser, png: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        col = fresh_collection(Path(folder))
        try:
            import_apkg(col, report.apkg)
            note = col.get_note(note_ids_by_guid(col)[card.id])
            answer = note.cards()[0].answer()
        finally:
            col.close()
    page = browser.new_page(viewport={"width": 2 * PHONE_WIDTH, "height": 400})
    # Served from the site's own address, so that MathJax may load its fonts from there.
    url = base + "anki-card.html"
    shown = _ANKI_PAGE.format(width=PHONE_WIDTH, mathjax=json.dumps(_ANKI_MATHJAX),
                              mathjax_js=html.escape(base + "assets/mathjax/tex-mml-chtml.js"),
                              answer=answer)
    try:
        page.route(url, lambda route: route.fulfill(body=shown, content_type="text/html"))
        page.goto(url)
        _typeset(page)
        page.screenshot(path=str(png), full_page=True)
    finally:
        page.close()


def chapter_page(report: BuildReport, card: Card, base: str, browser: Browser,
                 png: Path) -> None:
    """The card's place on its page: the anchor Anki's link opens, answer shown."""
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(f"{base}{card_pages(report.deck)[card.id]}#{card.id}")
        page.wait_for_selector("body[data-notegen=ready]", state="attached")
        _typeset(page)
        page.screenshot(path=str(png))
    finally:
        page.close()


def study_mode(report: BuildReport, card: Card, base: str, browser: Browser, png: Path) -> None:
    """The card revealed in the study mode of its chapter page, on a phone in dark mode."""
    page = browser.new_page(viewport={"width": PHONE_WIDTH, "height": 780}, is_mobile=True,
                            has_touch=True, color_scheme="dark")
    try:
        page.goto(base + card_pages(report.deck)[card.id])
        page.wait_for_selector("body[data-md-color-scheme=slate]", state="attached")
        page.locator(".ng-study-open").tap()
        page.locator(".ng-study-actions button").last.tap()
        chapter = next(ch for ch in report.deck.chapters if card in ch.cards)
        for other in chapter.cards[:chapter.cards.index(card)]:
            page.wait_for_selector(f".ng-study-card[data-card={other.id}]")
            page.locator(".ng-study-q").tap()
            page.locator(".ng-study-actions .ng-good").tap()
        page.wait_for_selector(f".ng-study-card[data-card={card.id}]")
        page.locator(".ng-study-q").tap()
        page.wait_for_selector(".ng-study-card.is-revealed")
        _typeset(page)
        page.screenshot(path=str(png))
    finally:
        page.close()


def _typeset(page: Page) -> None:
    """Wait until MathJax has typeset everything it was given."""
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    page.wait_for_function("!document.querySelector('.arithmatex:not(:has(mjx-container))')")


def main() -> None:
    parser = argparse.ArgumentParser(description="Make the README's pictures.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out: Path = parser.parse_args().out
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(REPO_NOTES, work / "notes")
        report = build(work / "notes", work / "out", SiteConfig.load(ROOT / "mkdocs.yml"))
        handler = functools.partial(QuietHandler, directory=str(report.site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS)
                written = take(report, f"http://127.0.0.1:{server.server_address[1]}/",
                               browser, out)
                browser.close()
        finally:
            server.shutdown()
    for png in written:
        print(f"{png}: {png.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
