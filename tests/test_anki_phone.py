"""The back of a card in real Anki, read on a phone: its source line and its link to the site
fit a 390 px screen, by day and by night."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from notegen.build import build
from notegen.config import SiteConfig
from notegen.emit.anki import card_css

from .ankitools import fresh_collection, import_apkg, note_ids_by_guid

pytestmark = [pytest.mark.anki, pytest.mark.browser]

PHONE = 390
_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<style>html, body {{ margin: 0; }} {css}</style></head>
<body class="{mode}"><div class="card">{answer}</div></body></html>"""


def test_the_back_fits_a_phone(notes_copy: Path, tmp_path: Path, browser: Browser) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Notes\nsite_url: https://someone.github.io/"
                      "deep-learning-interview-notes-2024/\ntheme:\n  name: material\n",
                      encoding="utf-8")
    report = build(notes_copy, tmp_path / "out", SiteConfig.load(config))
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, report.apkg)
    card = report.deck.cards[0]
    note = col.get_note(note_ids_by_guid(col)[card.id])
    answer = col.get_card(note.card_ids()[0]).answer()
    col.close()
    # The link shows where the card comes from, not the long address it opens.
    assert f">{html.escape(Path(card.source.path).name)}:{card.source.start}" in answer
    assert len(note["Link"]) > 60
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    for mode in ("", "nightMode"):
        page.set_content(_PAGE.format(css=card_css(), mode=mode, answer=answer))
        widths = page.evaluate("""() => ({
            page: document.documentElement.scrollWidth,
            source: document.querySelector('.ng-source').scrollWidth,
            link: document.querySelector('.ng-source a').getBoundingClientRect().right})""")
        assert widths["page"] <= PHONE and widths["source"] <= PHONE, widths
        assert widths["link"] <= PHONE, widths
        colour = page.evaluate("getComputedStyle(document.querySelector('.ng-source a')).color")
        background = page.evaluate("getComputedStyle(document.querySelector('.card'))"
                                   ".backgroundColor")
        assert colour != background
    page.close()
