"""Anki emitter: the Card IR as an ``.apkg`` that Anki imports cleanly, again and again.

Anki matches notes by GUID only, and by default updates a matched note only when the
incoming note's ``mod`` is newer. So: a note type of our own with a fixed id and fields
designed once; the GUID is the card's stable id; ``mod`` is when the card's content last
changed (from the ledger), so re-importing an unchanged rebuild updates nothing and an edited
card is updated in place. The package is byte-identical for the same input.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import genanki

from ..diagnostics import Diagnostic, warning
from ..ir import Card, CardKind, Deck
from ..render import Media, Renderer
from ..sanitize import escape

MODEL_ID = 1733900517
MODEL_NAME = "notegen"
REVERSED_MODEL_ID = 1733900518
REVERSED_MODEL_NAME = "notegen-reversed"
CLOZE_MODEL_ID = 1733900519
CLOZE_MODEL_NAME = "notegen-cloze"
# The note types' fields: designed once. Changing a list makes Anki see existing notes as
# conflicting on import, so they never change.
ID_FIELD = "Id"  # the card's id again: Anki cannot search GUIDs, but it can search fields
FIELDS = ("Question", "Answer", "Chapter", "Source", "Link", ID_FIELD)
CLOZE_FIELDS = ("Text", "Extra", "Chapter", "Source", "Link", ID_FIELD)
# When the templates or CSS last changed (seconds since the epoch). Anki updates an imported
# note type only when its mod grows: whoever edits the templates or assets/card.css sets it
# to the time of the edit (tests/test_anki.py keeps each released version's hash and fails
# until the new one is recorded).
MODEL_MOD = 1796165961

_SOURCE = """\
<div class="ng-source">{{#Link}}<a href="{{Link}}">{{Source}}</a>{{/Link}}\
{{^Link}}{{Source}}{{/Link}}</div>"""
FRONT = """\
<div class="ng-chapter">{{Chapter}}</div>
<div class="ng-question">{{Question}}</div>
"""
BACK = f"""\
{{{{FrontSide}}}}
<hr id="answer">
<div class="ng-answer">{{{{Answer}}}}</div>
{_SOURCE}
"""
# The reverse card of a reversed note: the answer asks, the question answers.
REVERSE_FRONT = """\
<div class="ng-chapter">{{Chapter}}</div>
<div class="ng-question ng-reverse">{{Answer}}</div>
"""
REVERSE_BACK = f"""\
{{{{FrontSide}}}}
<hr id="answer">
<div class="ng-answer">{{{{Question}}}}</div>
{_SOURCE}
"""
CLOZE_FRONT = """\
<div class="ng-chapter">{{Chapter}}</div>
<div class="ng-question ng-cloze-text">{{cloze:Text}}</div>
"""
CLOZE_BACK = f"""\
<div class="ng-chapter">{{{{Chapter}}}}</div>
<div class="ng-question ng-cloze-text">{{{{cloze:Text}}}}</div>
{{{{#Extra}}}}<hr id="answer">
<div class="ng-answer">{{{{Extra}}}}</div>{{{{/Extra}}}}
{_SOURCE}
"""

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def card_css() -> str:
    return files("notegen").joinpath("assets/card.css").read_text(encoding="utf-8")


def model_fingerprint() -> str:
    text = "\x1f".join((*FIELDS, *CLOZE_FIELDS, FRONT, BACK, REVERSE_FRONT, REVERSE_BACK,
                        CLOZE_FRONT, CLOZE_BACK, card_css()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class AnkiResult:
    fingerprints: Mapping[str, str]
    """Card id → fingerprint of the note written for it (one per note)."""
    problems: tuple[Diagnostic, ...]


class _Model(genanki.Model):  # type: ignore[misc]
    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return dict(super().to_json(MODEL_MOD, deck_id))


class _Note(genanki.Note):  # type: ignore[misc]
    """A note whose ``mod`` is when its content last changed, not when it was built."""

    def __init__(self, *, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)

    @property
    def cards(self) -> list[genanki.Card]:
        """A cloze note has a card per deletion number, nested or not (genanki's own search
        misses nested deletions); other notes, one per template."""
        if self.model.model_type != genanki.Model.CLOZE:
            return list(super().cards)
        numbers = {int(n) for group in _DELETION_RE.findall(self.fields[0])
                   for n in group.split(",") if n and int(n) > 0}
        return [genanki.Card(n - 1) for n in sorted(numbers)]


_DELETION_RE = re.compile(r"\{\{c([\d,]+)::")


MODEL = _Model(
    MODEL_ID,
    MODEL_NAME,
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}],
    css=card_css(),
    sort_field_index=0,
)
REVERSED_MODEL = _Model(
    REVERSED_MODEL_ID,
    REVERSED_MODEL_NAME,
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK},
               {"name": "Card 2", "qfmt": REVERSE_FRONT, "afmt": REVERSE_BACK}],
    css=card_css(),
    sort_field_index=0,
)
CLOZE_MODEL = _Model(
    CLOZE_MODEL_ID,
    CLOZE_MODEL_NAME,
    fields=[{"name": name} for name in CLOZE_FIELDS],
    templates=[{"name": "Cloze", "qfmt": CLOZE_FRONT, "afmt": CLOZE_BACK}],
    css=card_css(),
    sort_field_index=0,
    model_type=genanki.Model.CLOZE,
)
MODELS = {CardKind.BASIC: MODEL, CardKind.REVERSED: REVERSED_MODEL, CardKind.CLOZE: CLOZE_MODEL}


def deck_id(name: str) -> int:
    """Fixed per deck name."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big") | 1 << 31


def tag(text: str) -> str:
    """Anki tags cannot contain spaces."""
    return "_".join(text.split())


def write_apkg(deck: Deck, renderer: Renderer, path: Path,
               changed: Callable[[str, str], int], site_url: str | None,
               page_of: Callable[[Card], str]) -> AnkiResult:
    """Write the package; ``changed(id, fingerprint)`` says when each note last changed."""
    decks: dict[str, genanki.Deck] = {}
    media: dict[str, Media] = {}
    fingerprints: dict[str, str] = {}
    mods: list[int] = []
    problems: list[Diagnostic] = []
    for card, (rendered, found) in zip(deck.cards, renderer.cards(deck.cards), strict=True):
        problems.extend(found)
        if not card.answer.strip() and card.kind is not CardKind.CLOZE:  # a cloze holds its answer
            problems.append(warning(card.source.path, f"'{card.title}' has no answer; left out "
                                    "of the deck (it is still on the site)", card.source.start))
            continue
        link = f"{site_url.rstrip('/')}/{page_of(card)}#{card.id}" if site_url else ""
        question = (f'<div class="ng-context">{rendered.context}</div>' if rendered.context
                    else "") + rendered.question
        fields = [question, rendered.answer, escape(" › ".join((card.chapter, *card.section))),
                  escape(_source(card)), escape(link), card.id]
        tags = sorted({tag(t) for t in (*card.tags, *card.deck_path)})
        subdeck = card.subdeck
        model = MODELS[card.kind]
        fingerprint = _fingerprint(fields, tags, subdeck, model.model_id)
        fingerprints[card.id] = fingerprint
        mods.append(changed(card.id, fingerprint))
        note = _Note(model=model, fields=fields, guid=guid(card), tags=tags, mod=mods[-1])
        if subdeck not in decks:
            decks[subdeck] = genanki.Deck(deck_id(subdeck), subdeck)
        decks[subdeck].add_note(note)
        media.update((m.name, m) for m in rendered.media)
    _write(list(decks.values()), media, path, min(mods, default=MODEL_MOD))
    return AnkiResult(fingerprints, tuple(problems))


def guid(card: Card) -> str:
    """The card's id; a note of another kind than basic has a GUID of its own, since Anki
    will not turn an existing note into another note type (it reports a conflict)."""
    return card.id if card.kind is CardKind.BASIC else f"{card.id}-{card.kind.value}"


def _source(card: Card) -> str:
    """Where the card comes from, short enough for a phone: ``notes.md:35 · 深度学习-P35``."""
    return " · ".join((f"{Path(card.source.path).name}:{card.source.start}", *card.tags))


def _fingerprint(fields: Sequence[str], tags: Sequence[str], subdeck: str, model: int) -> str:
    text = "\x1f".join((*fields, " ".join(tags), subdeck, str(model)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _write(decks: list[genanki.Deck], media: Mapping[str, Media], path: Path,
           oldest: int) -> None:
    """genanki numbers notes and cards from the timestamp it is given: the oldest note's
    time, so the same notes give the same ids. The zip is written here rather than by
    genanki, with fixed timestamps and modes, so the same notes give the same bytes."""
    database = path.with_name(path.name + ".anki2")
    try:
        with closing(sqlite3.connect(database)) as connection:
            genanki.Package(decks).write_to_db(connection.cursor(), oldest,
                                               itertools.count(oldest * 1000))
            connection.commit()
    except sqlite3.Error as exc:  # as the OSError it stands for, which the caller reports
        code = errno.ENOSPC if exc.sqlite_errorname == "SQLITE_FULL" else errno.EIO
        raise OSError(code, os.strerror(code), str(database)) from exc
    names = sorted(media)
    with zipfile.ZipFile(path, "w") as package:
        _add(package, "collection.anki2", database.read_bytes())
        _add(package, "media", json.dumps(dict(enumerate(names))).encode())
        for index, name in enumerate(names):
            _add(package, str(index), media[name].file.read_bytes())
    database.unlink()


def _add(package: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
    entry.external_attr = 0o644 << 16
    entry.create_system = 3
    entry.compress_type = zipfile.ZIP_DEFLATED
    package.writestr(entry, data)
