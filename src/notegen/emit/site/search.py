"""The site's search index, built from the Card IR rather than by parsing the built pages: an
entry for each page (its title and chapter text), each section and each card (its title;
its context and answer as text), in the format of Material's ``search_index.json``.

What the search shows is readable text: math as text, not TeX, and none of the page's own
labels ("Answer", "Show all answers"). Chinese text is cut into words (chinese.py) with the
notes' own terms (terms.py). Both are cached by content: a rebuild cuts only what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ... import terms
from ...cache import Table, digest
from ...ir import Deck
from .chinese import Dictionaries, Segmenter
from .markup import escape
from .pages import Searchable
from .readable import readable

_CODE = digest(*(Path(__file__).with_name(name).read_bytes()
                 for name in ("search.py", "chinese.py", "readable.py")),
               Path(terms.__file__).read_bytes())
"""The code the index comes from: a change to it is a new index, never a stale cache hit."""


def note_terms(deck: Deck, dictionaries: Dictionaries, cache: Table) -> list[str]:
    """The notes' own terms, which jieba's general dictionary would cut apart (过拟合 into
    过|拟合), and short bold phrases; cached by the notes' text."""
    texts = [card.title for card in deck.cards] + [card.answer for card in deck.cards]
    key = digest(_CODE, dictionaries.digest(), *texts)
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    known = Segmenter(dictionaries).known
    found = list(dict.fromkeys([*terms.discover(texts, known), *terms.bold_phrases(texts)]))
    cache.put(key, found)
    return found


def index_docs(parts: Sequence[Searchable], segmenter: Segmenter, cache: Table
               ) -> list[dict[str, Any]]:
    """The index's documents, in page order: the page's own entry first, as the search UI
    expects, then its sections and cards."""
    docs = []
    for part in parts:
        key = digest(_CODE, segmenter.digest, part.title, part.body)
        cached = cache.get(key)
        if isinstance(cached, tuple):
            title, text = cached
        else:
            title, text = (escape(segmenter(readable(html))) for html in (part.title, part.body))
            cache.put(key, (title, text))
        doc: dict[str, Any] = {"location": quote(part.location, safe="/#"), "title": title,
                               "text": text}
        if part.tags:
            doc["tags"] = [escape(tag) for tag in part.tags]
        docs.append(doc)
    return docs
