"""What the site writes from plain text (titles, chapters, front matter, file and folder
names, tags, the site's name) is shown as text: no payload in any of them runs, in a real
browser. And the files a site needs besides the notes' pages are there: the user's own
styles and scripts, images in a chapter's own text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Dialog

from notegen.build import BuildReport, build
from notegen.config import SiteConfig
from notegen.diagnostics import NotegenError
from notegen.emit.site.pages import site_pages

from .sitetools import Watched, serving

pytestmark = pytest.mark.browser

# Each sets the same global and opens a dialog if it runs; none needs a parenthesis or a
# slash, so it fits a source reference and a file name too.
SCRIPT = "window.__pwned=1;alert`1`"
PAYLOADS = (f'<img src=x onerror="{SCRIPT}">', f"<svg onload={SCRIPT}>",
            f"\"'><img src=x onerror={SCRIPT}>", f"<script>{SCRIPT}</script>")


def _title(n: int) -> str:
    return f"T{n} {PAYLOADS[n % len(PAYLOADS)]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BuildReport]]:
    work = tmp_path_factory.mktemp("payloads")
    notes = work / "notes"
    (notes / PAYLOADS[1]).mkdir(parents=True)  # a folder: a section of the navigation
    (notes / "chapters.md").write_text(
        f"# {_title(0)}\n\n## 1. {_title(1)} ({PAYLOADS[0]} P3)\n\n- {_title(2)}\n\n"
        f"## {_title(3)}\n\n## 2. {_title(2)}\n\n- answer\n", encoding="utf-8")
    (notes / "front.md").write_text(
        f"---\ntitle: '{_title(3)}'\n---\n\n1. {_title(0)}\n   - answer\n", encoding="utf-8")
    (notes / PAYLOADS[1] / f"{PAYLOADS[2]}.md").write_text(
        f"1. {_title(1)}\n   - answer\n", encoding="utf-8")
    config = work / "mkdocs.yml"
    config.write_text(f"site_name: '{_title(1)} </title><script>{SCRIPT}</script>'\n"
                      "theme:\n  name: material\n", encoding="utf-8")
    report = build(notes, work / "out", SiteConfig.load(config))
    with serving(report.site) as base:
        yield base, report


def test_no_payload_runs_on_any_page_or_in_search(browser: Browser,
                                                  site: tuple[str, BuildReport]) -> None:
    base, report = site
    watched = Watched(browser, base)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    watched.page.on("dialog", dismiss)
    pages = site_pages(report.deck)
    assert len(pages) == 3 and any(page.deck_path[:-1] == (PAYLOADS[1],) for page in pages)
    for url in [base, *(base + quote(page.url) for page in pages)]:
        watched.goto(url)
        watched.page.wait_for_timeout(300)
        assert watched.page.evaluate("window.__pwned") is None, url
        text = watched.page.locator("body").inner_text()
        assert "onerror=" in text or "onload=" in text, url  # shown as the text it is
    watched.search("T1")
    assert watched.page.evaluate("window.__pwned") is None
    assert dialogs == []
    # What failed to load is the payloads' own src=x, written as text: never requested.
    assert watched.failed == [] and watched.outside == [] and watched.errors == []
    watched.page.close()


def test_titles_show_exactly_as_written(browser: Browser,
                                        site: tuple[str, BuildReport]) -> None:
    base, report = site
    watched = Watched(browser, base)
    page = next(p for p in site_pages(report.deck) if p.title == _title(0))
    watched.goto(base + quote(page.url))
    assert watched.page.locator("h1").inner_text().rstrip("¶") == _title(0)
    assert watched.page.title().startswith(_title(0))
    card = page.cards[0]
    assert watched.page.locator(f"#{card.id}").inner_text().rstrip("¶") == card.title
    assert watched.page.locator(f"#{card.id} ~ .ng-tags").inner_text() == f"{PAYLOADS[0]} P3"
    watched.clean()
    watched.page.close()


def _user_files_site(tmp_path: Path, extra: str) -> tuple[Path, Path]:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "img" / "dot.png").write_bytes(_PNG)
    (notes / "n.md").write_text("# C\n\n![a dot](img/dot.png)\n\n## 1. Q\n\n- A\n",
                                encoding="utf-8")
    (tmp_path / "docs" / "css").mkdir(parents=True)
    (tmp_path / "docs" / "css" / "mine.css").write_text(
        ".md-typeset .ng-q { letter-spacing: 3px; }\n", encoding="utf-8")
    (tmp_path / "mine.js").write_text("window.mine = 1;\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: S\ntheme:\n  name: material\n{extra}", encoding="utf-8")
    return notes, config


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082")


def test_the_users_styles_scripts_and_chapter_images_are_published(
        browser: Browser, tmp_path: Path) -> None:
    notes, config = _user_files_site(
        tmp_path, "extra_css: [css/mine.css]\nextra_javascript: [mine.js]\n")
    report = build(notes, tmp_path / "out", SiteConfig.load(config))
    with serving(report.site) as base:
        watched = Watched(browser, base)
        watched.goto(base + quote(site_pages(report.deck)[0].url))
        page = watched.page
        assert page.evaluate("window.mine") == 1
        assert page.locator(".ng-q").first.evaluate(
            "e => getComputedStyle(e).letterSpacing") == "3px"
        image = page.locator(".ng-meta img")
        assert image.evaluate("i => i.complete && i.naturalWidth") == 1
        watched.clean()
        page.close()


def test_a_missing_extra_file_is_an_error(tmp_path: Path) -> None:
    notes, config = _user_files_site(tmp_path, "extra_css: [gone.css, ../outside.css]\n")
    (tmp_path.parent / "outside.css").write_text("", encoding="utf-8")
    with pytest.raises(NotegenError) as failed:
        build(notes, tmp_path / "out", SiteConfig.load(config))
    messages = [str(d) for d in failed.value.diagnostics]
    assert any("extra_css: gone.css: no such file" in m for m in messages)
    assert any("extra_css: ../outside.css" in m for m in messages)
    assert not (tmp_path / "out" / "site").exists()


def test_an_extra_file_may_be_named_alone_not_in_a_list(tmp_path: Path) -> None:
    notes, config = _user_files_site(tmp_path, "extra_css: css/mine.css\n")
    report = build(notes, tmp_path / "out", SiteConfig.load(config))
    assert (report.site / "css" / "mine.css").read_bytes() == (
        tmp_path / "docs" / "css" / "mine.css").read_bytes()
    page = (report.site / site_pages(report.deck)[0].path.replace(".md", ".html")).read_text(
        encoding="utf-8")
    assert 'href="../css/mine.css"' in page
