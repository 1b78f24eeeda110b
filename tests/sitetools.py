"""Driving a built site in a real browser (conftest's ``browser``: Debian chromium through
playwright, never a downloaded one), the site served on 127.0.0.1 or opened from file://."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from notegen.serve import QuietHandler

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """The site on a local server; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A page that records requests leaving the site, failed requests and console errors.

    A request still running when the test itself moves to another page is cancelled by that
    move (``net::ERR_ABORTED``): the test's doing, not the site's, so it is not a failure."""

    def __init__(self, browser: Browser, base: str, viewport: dict[str, int] | None = None,
                 color_scheme: str = "light", **page: Any) -> None:
        """``page``: more options of the browser's page (a phone's touch screen, say)."""
        self.page: Page = browser.new_page(viewport=viewport or DESKTOP,  # type: ignore[arg-type]
                                           color_scheme=color_scheme,  # type: ignore[arg-type]
                                           **page)
        self.base = base
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self._running: set[Request] = set()
        self._cancelled: set[Request] = set()
        self.page.on("request", self._request)
        self.page.on("requestfinished", lambda r: self._running.discard(r))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                     if r.status >= 400 else None)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request: Request) -> None:
        self._running.add(request)
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def _request_failed(self, request: Request) -> None:
        self._running.discard(request)
        if request in self._cancelled and request.failure == "net::ERR_ABORTED":
            return
        self.failed.append(f"{request.failure} {request.url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def clean(self) -> None:
        assert self.outside == []
        assert self.failed == []
        assert self.errors == []

    def goto(self, url: str) -> None:
        """Open a page and wait until its cards respond to clicks."""
        self._cancelled |= self._running
        self.page.goto(url)
        self.page.wait_for_selector("body[data-notegen=ready]", state="attached")

    def typeset(self) -> None:
        self.page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.evaluate("MathJax.startup.promise")
        self.page.wait_for_function(
            "document.querySelectorAll('article .arithmatex:not(:has(mjx-container))')"
            ".length === 0")

    def search(self, term: str) -> list[str]:
        """The titles of the results the site's search box lists for ``term``."""
        page = self.page
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

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=False)
