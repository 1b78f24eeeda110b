"""Anki emitter: the Card IR as an ``.apkg`` that Anki imports cleanly, again and again.

Anki matches notes by GUID only, and by default updates a matched note only when the
incoming note's ``mod`` is newer. So: a note type of our own with a fixed id and fields
designed once; the GUID is the card's stable id; ``mod`` is when the card's content last
changed (from the ledger), so re-importing an unchanged rebuild updates nothing and an edited
card is updated in place. The package is byte-identical for the same input.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import genanki

from ..diagnostics import Diagnostic, warning
from ..ir import Card, Deck
from ..render import Media, Renderer
from ..sanitize import escape

MODEL_ID = 1733900517
MODEL_NAME = "notegen"
# The note type's fields: designed once. Changing this list makes Anki see existing notes
# as conflicting on import, so it never changes.
ID_FIELD = "Id"  # the card's id again: Anki cannot search GUIDs, but it can search fields
FIELDS = ("Question", "Answer", "Chapter", "Source", "Link", ID_FIELD)
# When the templates or CSS last changed (seconds since the epoch). Anki updates an imported
# note type only when its mod grows: whoever edits FRONT, BACK or assets/card.css sets it to
# the time of the edit (tests/test_anki.py keeps each released version's hash and fails
# until the new one is recorded).
MODEL_MOD = 1796134639

FRONT = """\
<div class="ng-chapter">{{Chapter}}</div>
<div class="ng-question">{{Question}}</div>
"""
BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="ng-answer">{{Answer}}</div>
<div class="ng-source">{{Source}}{{#Link}} · <a href="{{Link}}">{{Link}}</a>{{/Link}}</div>
"""

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def card_css() -> str:
    return files("notegen").joinpath("assets/card.css").read_text(encoding="utf-8")


def model_fingerprint() -> str:
    text = "\x1f".join((*FIELDS, FRONT, BACK, card_css()))
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


MODEL = _Model(
    MODEL_ID,
    MODEL_NAME,
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Card 1", "qfmt": FRONT, "afmt": BACK}],
    css=card_css(),
    sort_field_index=0,
)


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
        if not card.answer.strip():
            problems.append(warning(card.source.path, f"'{card.title}' has no answer; left out "
                                    "of the deck (it is still on the site)", card.source.start))
            continue
        link = f"{site_url.rstrip('/')}/{page_of(card)}#{card.id}" if site_url else ""
        fields = [rendered.question, rendered.answer, escape(card.chapter), escape(_source(card)),
                  escape(link), card.id]
        tags = sorted({tag(t) for t in (*card.tags, card.chapter)})
        subdeck = f"{deck.name}::{card.chapter}"
        fingerprint = _fingerprint(fields, tags, subdeck)
        fingerprints[card.id] = fingerprint
        mods.append(changed(card.id, fingerprint))
        note = _Note(model=MODEL, fields=fields, guid=card.id, tags=tags, mod=mods[-1])
        if subdeck not in decks:
            decks[subdeck] = genanki.Deck(deck_id(subdeck), subdeck)
        decks[subdeck].add_note(note)
        media.update((m.name, m) for m in rendered.media)
    _write(list(decks.values()), media, path, min(mods, default=MODEL_MOD))
    return AnkiResult(fingerprints, tuple(problems))


def _source(card: Card) -> str:
    return " · ".join((Path(card.source.path).name, *card.tags))


def _fingerprint(fields: Sequence[str], tags: Sequence[str], subdeck: str) -> str:
    text = "\x1f".join((*fields, " ".join(tags), subdeck))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _write(decks: list[genanki.Deck], media: Mapping[str, Media], path: Path,
           oldest: int) -> None:
    """genanki numbers notes and cards from the timestamp it is given: the oldest note's
    time, so the same notes give the same ids. Then fix the zip's own timestamps."""
    staged = path.parent / ".media"
    staged.mkdir(parents=True, exist_ok=True)
    media_files = []
    for name in sorted(media):
        target = staged / name
        target.write_bytes(media[name].file.read_bytes())
        media_files.append(str(target))
    buffer = io.BytesIO()
    genanki.Package(decks, media_files=media_files).write_to_file(buffer, timestamp=oldest)
    path.write_bytes(_normalized_zip(buffer.getvalue()))
    for file in media_files:
        Path(file).unlink()
    staged.rmdir()


def _normalized_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
