"""The site's build without a browser: a rebuild renders only the pages that changed and
gives the same site as a build from scratch; the search index is built from the cards,
readable and free of the page's labels; Chinese is cut only when there is some; any number
of chapters builds in time linear in them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from notegen.build import load
from notegen.cache import Cache
from notegen.config import SiteConfig
from notegen.emit.site import SiteReport, build_site
from notegen.emit.site.chinese import WORD_BREAK, KeptJieba
from notegen.emit.site.pages import site_pages
from notegen.render import Renderer
from notegen.terms import Jieba

from .conftest import REPO_NOTES, ROOT


class Builds:
    """Builds of one notes folder's site, each published where the next one finds it."""

    def __init__(self, work: Path, notes: Path, config: SiteConfig | None = None) -> None:
        self.work, self.notes, self.config = work, notes, config or SiteConfig()
        self.cache_folder = work / "cache"
        self.count = 0

    def build(self, cached: bool = True, jieba: KeptJieba | None = None
              ) -> tuple[SiteReport, Path]:
        """A build (with the cache and the published site, or neither); its site."""
        self.count += 1
        out = self.work / f"out{self.count}"
        out.mkdir()
        (out / "Notes.apkg").write_bytes(b"the deck")
        deck = load([self.notes], "Notes").deck
        cache = Cache(self.cache_folder if cached else None)
        published = self.work / "published"
        report = build_site(deck, Renderer(self.notes), out, "Notes.apkg", self.config, cache,
                            published if cached and published.exists() else None, jieba)
        if cached:
            cache.save()
            shutil.rmtree(published, ignore_errors=True)
            shutil.copytree(out / "site", published)
        return report, out / "site"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.suffix != ".gz"}  # the sitemap's gzip header holds a time


@pytest.fixture()
def builds(tmp_path: Path) -> Builds:
    notes = tmp_path / "notes"
    shutil.copytree(REPO_NOTES, notes)
    return Builds(tmp_path, notes)


def _edit_an_answer(notes: Path) -> str:
    note = notes / "deep-learning-interview-notes.md"
    text = note.read_text(encoding="utf-8")
    old = "添加了残差模块"
    assert text.count(old) == 1
    note.write_text(text.replace(old, "加入了残差连接的模块"), encoding="utf-8")
    return "加入了残差连接的模块"


def test_a_rebuild_renders_only_the_page_that_changed(builds: Builds) -> None:
    first, _ = builds.build()
    pages = ["index.md", "study/index.md",
             *(page.path for page in site_pages(load([builds.notes], "N").deck))]
    assert sorted(first.rendered) == sorted(pages) and first.reused == ()
    same, _ = builds.build()
    assert same.rendered == () and sorted(same.reused) == sorted(pages)
    assert same.cuts == 0  # no Chinese cut again either

    edited = _edit_an_answer(builds.notes)
    after, site = builds.build()
    changed = next(page.path for page in site_pages(load([builds.notes], "N").deck)
                   if any(edited in card.answer for card in page.cards))
    assert after.rendered == (changed,)
    assert sorted(after.reused) == sorted(set(pages) - {changed})
    _, fresh = builds.build(cached=False)
    assert _files(site) == _files(fresh)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(edited in doc["text"].replace(WORD_BREAK, "") for doc in index["docs"])


def test_a_page_changed_since_it_was_published_is_rendered_again(builds: Builds) -> None:
    builds.build()
    page = site_pages(load([builds.notes], "N").deck)[2]
    published = builds.work / "published" / page.url
    published.write_text("edited by hand", encoding="utf-8")
    report, site = builds.build()
    assert page.path in report.rendered
    _, fresh = builds.build(cached=False)
    assert _files(site) == _files(fresh)


def test_changed_settings_render_every_page_again(builds: Builds, tmp_path: Path) -> None:
    builds.build()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Another name\n", encoding="utf-8")
    builds.config = SiteConfig.load(config)
    report, site = builds.build()
    assert report.reused == ()
    assert "Another name" in (site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    work = tmp_path_factory.mktemp("index")
    shutil.copytree(REPO_NOTES, work / "notes")
    builds = Builds(work, work / "notes", SiteConfig.load(ROOT / "mkdocs.yml"))
    _, site = builds.build(cached=False)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return load([work / "notes"], "N").deck, index


def test_the_index_holds_every_page_and_card_in_page_order(
        seed_index: tuple[Any, dict[str, Any]]) -> None:
    deck, index = seed_index
    locations = [doc["location"] for doc in index["docs"]]
    expected: list[str] = []
    for page in site_pages(deck):
        address = page.url
        expected.append(address)
        cards = [f"{address}#{card.id}" for card in page.cards]
        mine = [loc for loc in locations if loc.startswith(f"{address}#")]
        assert [loc for loc in mine if loc in cards] == cards
        expected.extend(mine)
    assert locations == expected  # each page's own entry first, as the search UI needs
    assert index["config"]["lang"] == ["zh"]


def test_the_index_shows_readable_text_and_no_labels(
        seed_index: tuple[Any, dict[str, Any]]) -> None:
    deck, index = seed_index
    text = " ".join(f"{doc['title']} {doc['text']}" for doc in index["docs"])
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "<span", "显示全部答案"):
        assert raw not in text, raw
    notes = " ".join(card.answer + card.title for card in deck.cards)
    assert text.replace(WORD_BREAK, "").count("答案") == notes.count("答案")
    by_id = {doc["location"].split("#")[-1]: doc for doc in index["docs"]}
    card = next(c for c in deck.cards if "\\frac" in c.answer)
    assert "/" in by_id[card.id]["text"]  # the fraction, as text


def test_chinese_is_cut_into_words_with_the_notes_own_terms(
        seed_index: tuple[Any, dict[str, Any]]) -> None:
    _, index = seed_index
    words = {word for doc in index["docs"] for field in (doc["title"], doc["text"])
             for word in field.split(WORD_BREAK)}
    assert {"过拟合", "交叉熵", "梯度消失"} <= words


def test_a_rebuild_cuts_with_the_jieba_kept_from_the_last_as_a_fresh_one_does(
        builds: Builds) -> None:
    kept = KeptJieba()
    try:
        builds.build(jieba=kept)
        first = kept.process
        note = builds.notes / "deep-learning-interview-notes.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(text.replace("添加了残差模块", "添加了残差模块（甲乙丙）"),
                        encoding="utf-8")
        report, site = builds.build(jieba=kept)
        assert report.cuts == 1 and kept.process is first  # 甲乙丙, with the same terms
        assert _index(site) == _index(builds.build(cached=False)[1])
        # A new term of the notes' own: jieba must add it, which the kept process cannot.
        note.write_text(text.replace("添加了残差模块", "添加了**残差连接块**"), encoding="utf-8")
        report, site = builds.build(jieba=kept)
        assert report.cuts and kept.process is not first
        assert _index(site) == _index(builds.build(cached=False)[1])
    finally:
        kept.close()


def _index(site: Path) -> Any:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_jieba_knows_words_by_its_dictionaries_whatever_terms_it_added() -> None:
    fresh, used = Jieba(), Jieba()
    try:
        used.send("cut", ["过拟合问题很多"], ["过拟合问题", "拟合问"])
        used.receive()
        words = ["过拟合问题", "拟合问", "过拟合问", "问题", "拟合"]
        assert used.known(words) == fresh.known(words)
        assert fresh.known(words)[0] is False
    finally:
        fresh.close()
        used.close()


def test_notes_without_chinese_never_start_jieba(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# Sorting\n\n## 1. What is quicksort?\n\n- Divide and "
                                "conquer: $O(n \\log n)$\n", encoding="utf-8")
    report, site = Builds(tmp_path, notes).build()
    assert report.cuts == 0
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en"]
    assert "O(n log n)" in index["docs"][1]["text"]


_MANY_CHAPTERS = textwrap.dedent("""\
    import sys
    from pathlib import Path
    from notegen.build import load
    from notegen.config import SiteConfig
    from notegen.emit.site import build_site
    from notegen.render import Renderer

    work = Path(sys.argv[1])
    (work / "notes").mkdir()
    (work / "notes" / "n.md").write_text("".join(
        f"# Topic {n}\\n\\n## 1. Question {n}?\\n\\n- answer {n}\\n\\n" for n in range(5000)))
    out = work / "out"
    out.mkdir()
    (out / "N.apkg").write_bytes(b"deck")
    deck = load([work / "notes"], "N").deck
    print(len(build_site(deck, Renderer(work / "notes"), out, "N.apkg", SiteConfig()).rendered))
""")


def test_five_thousand_chapters_build_with_a_bounded_navigation(tmp_path: Path) -> None:
    # About half a minute here; the bound is for a hang (pages × pages took hours).
    done = subprocess.run([sys.executable, "-c", _MANY_CHAPTERS, str(tmp_path)],
                          capture_output=True, text=True, timeout=900, check=True)
    assert done.stdout.split() == ["5002"]  # and the home and Study pages
    sizes = []
    for page in ("index.html", "topic-0/index.html", "topic-2500/index.html",
                 "topic-4999/index.html"):
        html = (tmp_path / "out" / "site" / page).read_text(encoding="utf-8")
        sizes.append(html.count('class="md-nav__link'))  # the navigation and the contents
    assert max(sizes) < 100, sizes


class _Outline(HTMLParser):
    """The elements of a built page that make its contents, in document order, as
    ``tag.class#id`` (and the text of the ``<h1>``)."""

    KEPT = ("ng-meta", "ng-toolbar", "ng-card", "ng-context", "ng-q", "ng-tags",
            "ng-answer", "ng-section", "ng-passage")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        kept = [c for c in (found.get("class") or "").split() if c in self.KEPT]
        if kept or (tag == "h1" and found.get("id") == "title"):
            self.items.append(f"{tag}.{'.'.join(kept)}" + (f"#{found['id']}" if kept and
                                                         found.get("id") else ""))


def _outline(html: str) -> list[str]:
    outline = _Outline()
    outline.feed(html.split('<article class="md-content__inner', 1)[1])
    return outline.items


def test_pages_hold_their_text_sections_and_cards_in_place(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text(
        "# 章节\n\n2024年1月1日\n\n### 1. 第一问\n\n- 答一\n\n### 2. 第二问 (书-P3)\n\n- 答二\n\n"
        "## 进阶\n\n介绍文字\n\n### 3. 第三问\n\n- 答三\n", encoding="utf-8")
    shutil.copy(ROOT / "tests" / "fixtures" / "parse" / "lists-nested.md", notes / "ml.md")
    _, site = Builds(tmp_path, notes).build(cached=False)
    deck = load([notes], "N").deck
    chapter = next(p for p in site_pages(deck) if p.title == "章节")
    first, second, third = chapter.cards
    page = (site / chapter.url).read_text(encoding="utf-8")
    card = ["article.ng-card", "h{level}.ng-q#{id}", "details.ng-answer#{id}-a"]
    assert _outline(page) == [
        "h1.", "div.ng-meta", "div.ng-toolbar",
        *(item.format(level=2, id=first.id) for item in card),
        *(item.format(level=2, id=second.id) for item in card[:2]), "p.ng-tags",
        card[2].format(id=second.id),
        "h2.ng-section#s-进阶", "div.ng-passage",
        *(item.format(level=3, id=third.id) for item in card)]
    assert "2024年1月1日" in page and "介绍文字" in page
    assert '<span class="ng-tag">书-P3</span>' in page
    nested = next(p for p in site_pages(deck) if p.title == "ML interview")
    asked = next(c for c in nested.cards if c.context)
    outline = _outline((site / nested.url).read_text(encoding="utf-8"))
    at = outline.index(f"h2.ng-q#{asked.id}")
    assert outline[at - 2 : at] == ["article.ng-card", "div.ng-context"]
