"""The site's search index, built from the Card IR rather than by parsing the built pages: an
entry for each page (its title and chapter text), each section and each card (its title;
its context and answer as text), in the format of Material's ``search_index.json``.

What the search shows is readable text: math as text, not TeX, and none of the page's own
labels ("Answer", "Show all answers"). Chinese text is cut into words (chinese.py) with the
notes' own terms (terms.py). Both are cached by content, a page at a time: a rebuild cuts
only the pages that changed. Each step returns what finishes it, so that jieba works while
the rest of the build goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ... import terms
from ...cache import Cache, Table, digest
from ...ir import Deck
from ...sanitize import escape
from .chinese import Chinese
from .pages import PageContent
from .readable import readable

_CODE = digest(*(Path(__file__).with_name(name).read_bytes()
                 for name in ("search.py", "chinese.py", "readable.py")),
               Path(terms.__file__).read_bytes())
"""The code the index comes from: a change to it is a new index, never a stale cache hit."""


def note_terms(deck: Deck, chinese: Chinese, cache: Cache) -> Callable[[], list[str]]:
    """The notes' own terms, which jieba's general dictionary would cut apart (过拟合 into
    过|拟合), and short bold phrases; cached by the notes' text. Which words jieba knows is
    cached too, so that changed notes ask jieba only about new words."""
    texts = [card.title for card in deck.cards] + [card.answer for card in deck.cards]
    found_table = cache.table("site-terms")
    key = digest(_CODE, chinese.base, *texts)
    cached = found_table.get(key)
    if isinstance(cached, list):
        return lambda: list(cached)
    candidates = terms.discover(texts)
    known_table = cache.table("site-known")
    keys = {word: digest(chinese.base, word) for word in candidates}
    unknown = [word for word in candidates if not isinstance(known_table.get(keys[word]), bool)]
    answers = chinese.known(unknown)
    bold = terms.bold_phrases(texts)

    def finish() -> list[str]:
        for word, known in zip(unknown, answers(), strict=True):
            known_table.put(keys[word], known)
        found = list(dict.fromkeys([*(word for word in candidates
                                      if not known_table.get(keys[word])), *bold]))
        found_table.put(key, found)
        return found

    return finish


def index_docs(pages: Sequence[tuple[str, PageContent]], chinese: Chinese, cache: Table
               ) -> Callable[[], list[dict[str, Any]]]:
    """The index's documents of each page (its path, what it shows), in order: the page's
    own entry first, as the search UI expects, then its sections and cards."""
    keys = [digest(_CODE, chinese.digest, path, content.digest) for path, content in pages]
    held = [cache.get(key) for key in keys]
    parts = [content.searchable for _, content in pages]
    missing = [n for n, (mine, entry) in enumerate(zip(parts, held, strict=True))
               if not (isinstance(entry, list) and len(entry) == len(mine))]
    # Titles and texts as the search shows them: readable, escaped (shown as HTML).
    texts = [escape(text) for n in missing for part in parts[n]
             for text in (readable(part.title), " ".join(readable(b) for b in part.body if b))]
    cut = chinese.cut(texts)

    def finish() -> list[dict[str, Any]]:
        words = iter(cut())
        for n in missing:
            held[n] = [(next(words), next(words)) for _ in parts[n]]
            cache.put(keys[n], held[n])
        docs = []
        for mine, entry in zip(parts, held, strict=True):
            assert isinstance(entry, list)
            for part, (title, text) in zip(mine, entry, strict=True):
                doc: dict[str, Any] = {"location": part.location, "title": title, "text": text}
                if part.tags:
                    doc["tags"] = [escape(tag) for tag in part.tags]
                docs.append(doc)
        return docs

    return finish
