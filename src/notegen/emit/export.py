"""Export emitter: the Card IR as JSON lines, one object per card, for other tools."""

from __future__ import annotations

import json
from typing import TextIO

from ..ir import Card, Deck

# Line breaks to str.splitlines (and to JavaScript before ES2019) that JSON leaves as they
# are: escaped, each record stays on one line for any reader of lines.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def card_record(card: Card) -> dict[str, object]:
    return {
        "id": card.id,
        "deck": card.deck,
        "chapter": card.chapter,
        "number": card.number,
        "title": card.title,
        "question": card.question,
        "answer": card.answer,
        "tags": list(card.tags),
        "kind": card.kind.value,
        "front": card.front,
        "context": card.context,
        "section": list(card.section),
        "folders": list(card.folders),
        "style": card.style,
        "source": {
            "path": card.source.path,
            "lines": [card.source.start, card.source.end],
            "answer_start": card.answer_start,
        },
    }


def write_jsonl(deck: Deck, out: TextIO) -> int:
    count = 0
    for card in deck.cards:
        out.write(json.dumps(card_record(card), ensure_ascii=False).translate(_LINE_BREAKS)
                  + "\n")
        count += 1
    return count
