"""The study mode: the data the build writes for it, and the mode itself in real browser,
driven as a reader would (keys on a desktop, taps on a phone), on the site served from
127.0.0.1 and opened from disk."""

from __future__ import annotations

import json
import re
import shutil
import struct
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from notegen.build import BuildReport, build
from notegen.config import SiteConfig
from notegen.emit.site import card_pages
from notegen.emit.site.pages import site_pages
from notegen.emit.site.study import CHUNK_BYTES, DATA_DIR, INDEX, study_data
from notegen.ir import Card, Chapter, Deck
from notegen.render import Renderer

from . import pictures
from .conftest import FIXTURES, ROOT, SEED
from .sitetools import ARTIFACTS, Watched

Site = tuple[str, BuildReport]
"""The served site's address, and the build."""


PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                         "has_touch": True, "device_scale_factor": 2}
_LOADER_RE = re.compile(r'^notegenStudyLoad\("([^"]+)",(.*)\);\n$', re.DOTALL)


# --- the data ----------------------------------------------------------------------------------

def _payload(file: Path) -> tuple[str, Any]:
    match = _LOADER_RE.match(file.read_text(encoding="utf-8"))
    assert match, file
    return match.group(1), json.loads(match.group(2))


def _study_data(docs: Path) -> tuple[dict[str, Any], list[list[list[str]]]]:
    name, index = _payload(docs / DATA_DIR / f"{INDEX}.js")
    assert name == INDEX
    chunks = []
    for chunk_name, count in index["chunks"]:
        name, rows = _payload(docs / DATA_DIR / f"{chunk_name}.js")
        assert name == chunk_name and len(rows) == count
        chunks.append(rows)
    return index, chunks


def _write_study(site: Path, deck: Deck) -> None:
    pages = site_pages(deck)
    cards = [card for page in pages for card in page.cards]
    rendered = [r for r, _ in Renderer(SEED.parent).cards(cards)]
    for path, text in study_data(pages, rendered).items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")


def test_study_data_holds_every_card_once_in_page_order(seed_deck: Deck, tmp_path: Path) -> None:
    renderer = Renderer(SEED.parent)
    _write_study(tmp_path, seed_deck)
    index, chunks = _study_data(tmp_path)
    # One page a chapter (the seed has no folders), linked as the site links it.
    chapters = seed_deck.chapters
    cards = [card for chapter in chapters for card in chapter.cards]
    assert index["ids"] == [card.id for card in cards]
    assert sorted(index["ids"]) == sorted(card.id for card in seed_deck.cards)
    assert index["pages"] == [[page.address, chapter.title, len(chapter.cards)]
                              for page, chapter in zip(site_pages(seed_deck), chapters,
                                                       strict=True)]
    rows = [row for chunk in chunks for row in chunk]
    for card, row in zip(cards, rows, strict=True):
        rendered, _ = renderer.card(card)
        assert row == [rendered.site_question, rendered.answer, rendered.context]
        assert [index["tags"][n] for n in index["cardTags"][index["ids"].index(card.id)]] == list(
            card.tags)
    assert len(chunks) > 2
    for chunk in chunks:
        size = sum(len(part.encode("utf-8")) for row in chunk for part in row)
        assert size <= CHUNK_BYTES or len(chunk) == 1
    # The index is what the Study page loads before its first card: a few bytes a card.
    assert (tmp_path / DATA_DIR / f"{INDEX}.js").stat().st_size < 60 * len(cards)


def test_the_site_serves_the_study_data_and_leaves_the_study_page_out_of_search(
        served: Site) -> None:
    _, report = served
    index, chunks = _study_data(report.site)
    assert sorted(index["ids"]) == sorted(card.id for card in report.deck.cards)
    assert sum(len(chunk) for chunk in chunks) == len(report.deck.cards)
    assert (report.site / "study" / "index.html").is_file()
    search = json.loads((report.site / "search" / "search_index.json").read_text("utf-8"))
    assert search["docs"] and not [d for d in search["docs"]
                                   if d["location"].startswith("study/")]


def test_an_edit_renames_only_the_chunk_holding_the_card(seed_deck: Deck, tmp_path: Path) -> None:
    """A browser may keep an old index in its cache: chunk names follow their content, so an
    old index can never fetch a new chunk under an old name."""
    _write_study(tmp_path / "before", seed_deck)
    edited = seed_deck.cards[-1]
    chapters = tuple(
        replace(ch, cards=tuple(replace(c, answer=c.answer + "\n\n- 补充") if c is edited else c
                                for c in ch.cards))
        for ch in seed_deck.chapters)
    _write_study(tmp_path / "after", replace(seed_deck, chapters=chapters))
    before, _ = _study_data(tmp_path / "before")
    after, _ = _study_data(tmp_path / "after")
    renamed = [(old, new) for old, new in zip(before["chunks"], after["chunks"], strict=True)
               if old != new]
    assert len(renamed) == 1
    assert renamed[0][1] == after["chunks"][-1]  # the last card sits in the last chunk


# --- the study mode in the browser -------------------------------------------------------------

class Studying:
    """The study mode on one page, as a reader drives it."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def screen(self) -> str:
        return str(self.page.get_attribute(".ng-study", "data-screen"))

    def open_from_chapter(self) -> None:
        """Focus the toolbar's Study button and press Enter, as a keyboard user does."""
        self.page.focus(".ng-study-open")
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector(".ng-study-dialog[open] .ng-study[data-screen=setup]")

    def wait_for_setup(self) -> None:
        self.page.wait_for_selector(".ng-study[data-screen=setup]")

    def card(self) -> str:
        """The id of the card on screen, once it has loaded."""
        self.page.wait_for_selector(".ng-study[data-screen=card] .ng-study-card")
        return str(self.page.get_attribute(".ng-study-card", "data-card"))

    def reveal(self) -> None:
        assert not self.page.locator(".ng-study-a").is_visible()
        self.page.keyboard.press(" ")
        self.page.wait_for_selector(".ng-study-card.is-revealed .ng-study-a", state="visible")

    def grade(self, key: str) -> None:
        """Press a grade key, then wait for the next card or the end of the session."""
        shown = self.card()
        self.page.keyboard.press(key)
        self.page.wait_for_function(
            """shown => {
                const study = document.querySelector(".ng-study");
                const card = study.querySelector(".ng-study-card");
                return study.dataset.screen === "done" || (card && card.dataset.card !== shown);
            }""", arg=shown)

    def walk(self, grades: str, cards: dict[str, Card] | None = None) -> list[str]:
        """Study one card per grade ("1" again, "2" or " " good); the ids in the order seen.
        With ``cards``, check that each shows its own question."""
        seen = []
        for key in grades:
            card_id = self.card()
            if cards is not None:
                assert self.page.inner_text(".ng-study-q") == cards[card_id].title
            self.reveal()
            self.grade(key)
            seen.append(card_id)
        return seen

    def stats(self) -> str:
        return self.page.inner_text(".ng-study-stats")

    def actions(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".ng-study-actions button").all_inner_texts()]

    def button(self, label: str) -> Locator:
        """The action button whose label starts with ``label`` (开始 is not 重新开始)."""
        return self.page.locator(".ng-study-actions button").filter(
            has_text=re.compile(f"^{re.escape(label)}"))


def _chapter_url(served: Site, chapter: Chapter) -> str:
    base, report = served
    return base + card_pages(report.deck)[chapter.cards[0].id]


def _chapter(report: BuildReport, title: str) -> Chapter:
    return next(ch for ch in report.deck.chapters if ch.title == title)


def _study_chapter(watched: Watched, served: Site, title: str) -> tuple[Studying, Chapter]:
    """The chapter's page, its study dialog open by keyboard."""
    chapter = _chapter(served[1], title)
    watched.goto(_chapter_url(served, chapter))
    study = Studying(watched.page)
    study.open_from_chapter()
    return study, chapter


@pytest.fixture()
def watched(browser: Browser, served: Site) -> Iterator[Watched]:
    w = Watched(browser, served[0])
    yield w
    w.page.close()


def test_a_chapter_studied_by_keyboard_resumes_after_a_reload(
        watched: Watched, served: Site) -> None:
    study, chapter = _study_chapter(watched, served, "损失函数、优化器")
    cards = {card.id: card for card in chapter.cards}
    ids = list(cards)
    assert study.stats() == "8 张卡片：0 张记得，0 张忘记，8 张未学。"
    assert study.actions() == ["开始（8 张）"]
    watched.page.keyboard.press("Enter")
    assert watched.page.inner_text(".ng-study-count") == "1 / 8"
    assert study.walk("2121", cards) == ids[:4]
    assert watched.page.inner_text(".ng-study-count") == "5 / 8"

    watched.page.reload()
    watched.page.wait_for_selector("body[data-notegen=ready]", state="attached")
    study.open_from_chapter()
    assert study.stats() == "8 张卡片：2 张记得，2 张忘记，4 张未学。"
    assert study.actions()[-1] == "继续（5 / 8）"
    watched.page.keyboard.press("Enter")  # the focused button: resume
    assert study.walk(" 21 ", cards) == ids[4:]
    assert study.screen == "done"
    assert watched.page.inner_text(".ng-study-done") == "完成：5 张记得，3 张忘记。"
    watched.page.keyboard.press("Escape")
    assert not watched.page.locator(".ng-study-dialog").is_visible()
    watched.clean()


def test_only_the_missed_cards_come_back(
        watched: Watched, served: Site) -> None:
    study, chapter = _study_chapter(watched, served, "损失函数、优化器")
    ids = [card.id for card in chapter.cards]
    watched.page.keyboard.press("Enter")
    study.walk("12212122")
    assert study.actions()[-1] == "再学忘记的 3 张"
    watched.page.keyboard.press("Enter")
    assert study.walk("212") == [ids[0], ids[3], ids[5]]
    assert watched.page.inner_text(".ng-study-done") == "完成：2 张记得，1 张忘记。"

    study.button("重新开始").click()
    study.wait_for_setup()
    watched.page.check("input[data-filter=missed]")
    assert study.stats() == "1 张卡片：0 张记得，1 张忘记，0 张未学。"
    study.button("开始").click()
    assert study.walk("2") == [ids[3]]
    study.button("重新开始").click()
    study.wait_for_setup()
    assert study.stats() == "没有符合条件的卡片。"
    assert study.button("开始").is_disabled()
    watched.clean()


def test_shuffle_studies_every_card_once_in_another_order(
        watched: Watched, served: Site) -> None:
    study, chapter = _study_chapter(watched, served, "数据预处理，模型评估")
    ids = [card.id for card in chapter.cards]
    watched.page.check("input[data-filter=shuffle]")
    study.button("开始").click()
    seen = study.walk(" " * len(ids), {card.id: card for card in chapter.cards})
    assert sorted(seen) == sorted(ids)
    assert seen != ids  # 27 cards: the same order by chance is 1 in 10^28
    watched.clean()


def test_the_study_page_filters_by_chapter_and_tag(
        watched: Watched, served: Site) -> None:
    base, report = served
    tagged = [card for card in report.deck.cards if "深度学习-P6" in card.tags]
    assert len(tagged) == 2
    page = watched.page
    watched.goto(base)
    page.get_by_role("link", name="学习", exact=True).first.click()  # instant navigation
    study = Studying(page)
    study.wait_for_setup()
    assert study.stats().startswith(f"{len(report.deck.cards)} 张卡片")
    page.select_option("select[data-filter=page]", label="损失函数、优化器")
    assert study.stats().startswith("8 张卡片")
    page.select_option("select[data-filter=tag]", value="深度学习-P6")
    assert study.stats() == "没有符合条件的卡片。"
    page.select_option("select[data-filter=page]", label="全部章节")
    assert study.stats().startswith("2 张卡片")
    study.button("开始").click()
    assert study.walk("22", {card.id: card for card in tagged}) == [card.id for card in tagged]
    watched.clean()


def test_the_study_page_loads_only_what_its_first_card_needs(
        watched: Watched, served: Site) -> None:
    base, report = served
    data = f"{base}{DATA_DIR}/"
    loaded: list[str] = []
    watched.page.on("request", lambda r: loaded.append(r.url) if r.url.startswith(data) else None)
    watched.goto(base + "study/")
    study = Studying(watched.page)
    study.wait_for_setup()
    study.button("开始").click()
    assert study.card() == report.deck.cards[0].id
    watched.page.wait_for_timeout(300)  # the next card's chunk, fetched ahead, would show now
    chunks = [url for url in loaded if not url.endswith(f"/{INDEX}.js")]
    assert len(chunks) == 1
    assert len(list((report.site / DATA_DIR).glob("*.js"))) - 1 > 2
    watched.clean()


def test_math_is_typeset_in_a_studied_card(
        watched: Watched, served: Site) -> None:
    study, chapter = _study_chapter(watched, served, "Transformer")
    with_math = next(n for n, card in enumerate(chapter.cards) if "$" in card.answer)
    watched.page.keyboard.press("Enter")
    study.walk(" " * with_math)
    study.card()
    study.reveal()
    watched.page.wait_for_function(
        "document.querySelectorAll('.ng-study-card .arithmatex mjx-container').length > 0"
        " && !document.querySelector('.ng-study-card .arithmatex:not(:has(mjx-container))')")
    assert watched.page.locator(".ng-study-card mjx-merror").count() == 0
    shown = watched.page.inner_text(".ng-study-card")
    assert not any(raw in shown for raw in ("\\(", "\\)", "\\[", "\\]", "$"))
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.screenshot(path=str(ARTIFACTS / "study-math.png"))
    watched.clean()


_LAYOUT_JS = """() => ({
    wide: [document.documentElement, ...document.querySelectorAll(
        '.ng-study, .ng-study-body, .ng-study-card')]
        .filter(e => e.scrollWidth > e.clientWidth).map(e => e.className),
    buttons: [...document.querySelectorAll('.ng-study-actions button')].map(button => {
        const box = button.getBoundingClientRect();
        return {top: box.top, bottom: box.bottom, width: box.width, height: box.height};
    }),
})"""


def test_on_a_phone_the_buttons_suit_a_thumb_and_no_card_scrolls_sideways(
        browser: Browser, served: Site) -> None:
    """Every card of the notes, on the Study page at 390 px: the first few by taps, the rest
    by keys (quicker, and the layout is the same)."""
    base, report = served
    phone = Watched(browser, base, **PHONE)
    page = phone.page
    phone.goto(base + "study/")
    study = Studying(page)
    study.wait_for_setup()
    study.button("开始").tap()
    for n, card in enumerate(report.deck.cards):
        by_taps = n < 3
        page.wait_for_selector(f".ng-study-card[data-card={card.id}]")
        if by_taps:
            page.locator(".ng-study-q").tap()  # a tap on the card reveals it
        else:
            page.keyboard.press(" ")
        page.wait_for_selector(".ng-study-card.is-revealed")
        layout = page.evaluate(_LAYOUT_JS)
        assert layout["wide"] == [], card.title
        assert len(layout["buttons"]) == 2
        for box in layout["buttons"]:
            assert box["height"] >= 48 and box["width"] >= 150
            assert box["top"] > 844 / 2 and box["bottom"] <= 844  # where a thumb reaches
        if n == 1:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "study-phone.png"))
        if by_taps:
            page.locator(".ng-study-actions .ng-good").tap()
        else:
            page.keyboard.press("2")
    page.wait_for_selector(".ng-study[data-screen=done]")
    phone.clean()
    page.close()


def test_the_dialog_fills_a_phone_screen(browser: Browser,
                                         served: Site) -> None:
    base, report = served
    phone = Watched(browser, base, **PHONE)
    phone.goto(_chapter_url(served, report.deck.chapters[0]))
    phone.page.locator(".ng-study-open").tap()
    phone.page.wait_for_selector(".ng-study-dialog[open] .ng-study[data-screen=setup]")
    box = phone.page.locator(".ng-study-dialog").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
    phone.clean()
    phone.page.close()


def _luminance(css_color: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_dark_mode_studies_on_the_dark_palette(
        watched: Watched, served: Site) -> None:
    page = watched.page
    watched.goto(_chapter_url(served, served[1].deck.chapters[0]))
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    study = Studying(page)
    study.open_from_chapter()
    page.keyboard.press("Enter")
    study.card()
    study.reveal()
    colours = page.evaluate("""() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        return {page: style('body').backgroundColor,
                dialog: style('.ng-study-dialog').backgroundColor,
                question: style('.ng-study-q').color, answer: style('.ng-study-a').color};
    }""")
    assert colours["dialog"] == colours["page"]
    assert _luminance(colours["dialog"]) < 0.25
    assert _luminance(colours["question"]) > 0.6 and _luminance(colours["answer"]) > 0.6
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "study-dark.png"))
    watched.clean()


def test_study_works_from_a_page_opened_from_disk(
        browser: Browser, served: Site) -> None:
    _, report = served
    root = f"file://{report.site.resolve()}/"
    opened = Watched(browser, root)
    chapter = _chapter(report, "Transformer")
    opened.page.goto(root + card_pages(report.deck)[chapter.cards[0].id] + "index.html")
    study = Studying(opened.page)
    study.open_from_chapter()
    opened.page.keyboard.press("Enter")
    assert study.walk("1", {card.id: card for card in chapter.cards}) == [chapter.cards[0].id]
    opened.page.goto(root + "study/index.html")
    study.wait_for_setup()
    assert study.stats() == f"{len(report.deck.cards)} 张卡片：0 张记得，1 张忘记，" \
                            f"{len(report.deck.cards) - 1} 张未学。"
    opened.clean()
    opened.page.close()


def test_a_cloze_card_shows_its_blanks_then_the_text(browser: Browser, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copyfile(FIXTURES / "parse" / "osr-cloze.md", notes / "clozes.md")
    report = build(notes, tmp_path / "out", SiteConfig.load(ROOT / "mkdocs.yml"))
    root = f"file://{report.site.resolve()}/"
    opened = Watched(browser, root)
    page = opened.page
    page.goto(root + card_pages(report.deck)[report.deck.cards[0].id] + "index.html")
    study = Studying(page)
    study.open_from_chapter()
    page.keyboard.press("Enter")
    study.card()
    assert page.inner_text(".ng-study-q") == "The first female […] of Australia was […]"
    study.reveal()
    assert page.inner_text(".ng-study-q:visible") == (
        "The first female prime minister of Australia was Julia Gillard")
    assert page.locator(".ng-study-q:visible .ng-cloze").count() == 2
    colours = page.eval_on_selector_all(".ng-study-q:visible .ng-cloze",
                                        "spans => spans.map(s => getComputedStyle(s).color)")
    assert "rgba(0, 0, 0, 0)" not in colours  # the deletions read as text, not as blanks
    study.grade("2")
    study.card()
    assert page.inner_text(".ng-study-q") == "Euler's identity: [identity]"  # the hint
    study.reveal()
    page.wait_for_selector(".ng-study-q:visible .ng-cloze mjx-container")
    opened.clean()
    page.close()


# --- the README's pictures ---------------------------------------------------------------------

def test_the_readme_pictures_are_made_from_a_build(browser: Browser, served: Site,
                                                   tmp_path: Path) -> None:
    base, report = served
    written = pictures.take(report, base, browser, tmp_path)
    assert [png.name for png in written] == list(pictures.PICTURES)
    sizes = {}
    for png in written:
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        sizes[png.name] = struct.unpack(">II", data[16:24])
        assert len(data) < 250_000, png.name  # small enough to sit in the repository
    assert sizes[pictures.ANKI][0] == 2 * pictures.PHONE_WIDTH  # day and night
    assert sizes[pictures.STUDY][0] == pictures.PHONE_WIDTH
