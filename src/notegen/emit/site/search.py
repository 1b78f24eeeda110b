"""What the site's search needs from the notes: a jieba user dictionary of their own terms."""

from __future__ import annotations

import logging

from ... import terms
from ...ir import Deck


def search_terms(deck: Deck) -> list[str]:
    """A jieba user dictionary of the notes' own terms, so that 过拟合 or 交叉熵 stay whole
    words in the search index and in queries."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    jieba.initialize()
    texts = [card.title for card in deck.cards] + [card.answer for card in deck.cards]
    found = terms.discover(texts, lambda word: jieba.dt.FREQ.get(word, 0) > 0)
    return list(dict.fromkeys([*found, *terms.bold_phrases(texts)]))
