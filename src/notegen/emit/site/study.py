"""What the study mode (assets/site/study.js) reads: every card's HTML in small script files
that the browser loads only when it needs them (the Study page itself is in pages.py).

The site must work on GitHub Pages and from ``file://``, where a page may load a script but
not fetch a file, so the data is JavaScript handing its payload to study.js:
``notegenStudyLoad(name, payload)``. The index comes first (the pages, each card's id and
tags: a few bytes a card, so the first card shows quickly even with 10,000 of them); the
cards' HTML follows in chunks of about ``CHUNK_BYTES``, each named after a hash of its
content, so that a browser holding a stale index in its cache can never pair it with
another build's cards: it fails to load them instead, and study.js asks for a reload.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ...cache import digest
from ...render import RenderedCard
from .pages import SitePage

DATA_DIR = "assets/study"
"""Where the data lives in the site; study.js knows it too."""
INDEX = "index"
STUDY_PAGE = "study/index.md"
CHUNK_BYTES = 48_000
"""About one screen of a phone's patience on a slow line; a chunk never splits a card."""

def study_data(pages: Sequence[SitePage], rendered: Sequence[RenderedCard]) -> dict[str, str]:
    """The data's scripts by their path in the site: every card of the pages, in their order,
    as ``rendered`` holds it for its page, so that a studied card shows what the page shows."""
    files: dict[str, str] = {}
    chunks = []
    for chunk in chunked([[r.site_question, r.answer, r.context] for r in rendered]):
        payload = _json(chunk)
        name = digest(payload)[:16]
        files[f"{DATA_DIR}/{name}.js"] = _script(name, payload)
        chunks.append([name, len(chunk)])
    files[f"{DATA_DIR}/{INDEX}.js"] = _script(INDEX, _json(_index(pages, chunks)))
    return files


def chunked(items: Sequence[list[str]]) -> list[list[list[str]]]:
    """Consecutive runs of cards, each run about ``CHUNK_BYTES`` of UTF-8 (one card may
    exceed it alone)."""
    chunks: list[list[list[str]]] = []
    size = 0
    for item in items:
        item_size = sum(len(part.encode("utf-8")) for part in item)
        if not chunks or size + item_size > CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return chunks


def _index(pages: Sequence[SitePage], chunks: list[list[Any]]) -> dict[str, Any]:
    tags = sorted({tag for page in pages for card in page.cards for tag in card.tags})
    number = {tag: n for n, tag in enumerate(tags)}
    cards = [card for page in pages for card in page.cards]
    return {
        "pages": [[page.address, " / ".join(page.deck_path), len(page.cards)] for page in pages],
        "ids": [card.id for card in cards],
        "tags": tags,
        "cardTags": [[number[tag] for tag in card.tags] for card in cards],
        "chunks": chunks,
    }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script(name: str, payload: str) -> str:
    return f"notegenStudyLoad({json.dumps(name)},{payload});\n"
