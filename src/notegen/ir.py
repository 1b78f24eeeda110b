"""The Card IR: what the parser produces and every emitter consumes.

Questions and answers keep the source text of their lines (less the labels a reader removes,
such as ``A:`` or ``答：``); rendering happens in the emitters. That keeps fidelity testable: the
IR can be compared with the notes line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

from .diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class Span:
    """A range of source lines."""

    path: str
    """The note file, as a POSIX path relative to the working directory when possible."""
    start: int
    """First line, 1-based."""
    end: int
    """Last line, 1-based, inclusive."""


class CardKind(Enum):
    BASIC = "basic"
    """Question on the front, answer on the back."""
    REVERSED = "reversed"
    """Two Anki cards from one note: question → answer and answer → question."""
    CLOZE = "cloze"
    """The front is a text with deletions (``==x==``, ``{{c1::x}}``); the answer is extra."""


@dataclass(frozen=True, slots=True)
class Card:
    """One question and its whole answer."""

    id: str
    """Stable identity: the Anki GUID and the site anchor. Survives edits (see ledger.py)."""
    deck: str
    """Root deck name; the card lives in the subdeck ``deck::folders::chapter``."""
    chapter: str
    number: str | None
    """The number written in the notes ("12", "3.1.1"), or None."""
    title: str
    """The question as a reader sees it, as plain text: number, glyphs, labels and source
    reference removed; cloze deletions shown as their text."""
    question: str
    """Verbatim source of the question's lines."""
    answer: str
    """Markdown of the answer: its source lines (blank lines at either end trimmed), less the
    labels the reader removed."""
    answer_start: int
    """Line of the first answer line (the line after the question when the answer is empty)."""
    tags: tuple[str, ...]
    """Source references such as ``深度学习-P35``, difficulty labels, importance marks."""
    source: Span
    """First line of the card (its question, or a label before it) through its last line."""
    kind: CardKind = CardKind.BASIC
    front: str = ""
    """Markdown of the front when the title does not say it all: a question of several lines,
    or the text of a cloze card with its deletions. Empty for most cards."""
    context: str = ""
    """Markdown shown above the question: the shared lead-in of nested questions."""
    section: tuple[str, ...] = ()
    """Titles of the sections (within the chapter) the card sits in, outermost first."""
    folders: tuple[str, ...] = ()
    """The folders between the notes folder and the note file: subdeck levels."""
    style: str = ""
    """The reader that found the card (see styles/)."""

    @property
    def key(self) -> tuple[str, str]:
        """The natural key a card is recognised by when nothing else is known."""
        return (self.chapter, self.title)

    @property
    def deck_path(self) -> tuple[str, ...]:
        """Subdeck levels below the root deck."""
        return (*self.folders, self.chapter)

    @property
    def subdeck(self) -> str:
        return "::".join((self.deck, *self.deck_path))


@dataclass(frozen=True, slots=True)
class Passage:
    """Lines of a chapter that belong to no card: a section heading and its introduction,
    references after the last answer."""

    span: Span
    text: str
    """Verbatim source."""
    before: int
    """Index in ``Chapter.cards`` of the card the passage precedes (``len(cards)`` when it
    follows the last one)."""
    heading: str | None = None
    """The section's title, when the passage opens a section."""
    level: int = 0
    """The section's depth below the chapter (1 for the outermost), 0 for other text."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """A ``#`` heading (or a note file without one): a subdeck and a site page."""

    title: str
    path: str
    """The note file the chapter comes from."""
    line: int
    """Line of the heading (0 for a chapter implied by a file without ``#`` headings)."""
    meta: str
    """Verbatim lines between the heading and the first question (date stamps and the like)."""
    meta_span: Span | None
    cards: tuple[Card, ...]
    passages: tuple[Passage, ...] = ()
    """Text between and after the cards that belongs to none of them (sections, references)."""
    folders: tuple[str, ...] = ()
    style: str = ""

    @property
    def deck_path(self) -> tuple[str, ...]:
        return (*self.folders, self.title)


@dataclass(frozen=True, slots=True)
class Deck:
    """Everything parsed from a notes folder."""

    name: str
    chapters: tuple[Chapter, ...]

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for chapter in self.chapters for card in chapter.cards)


# --- the IR as plain values ------------------------------------------------------------------
# For the build cache, which stores what marshal stores: a dataclass of this module (or a
# Diagnostic) becomes ("d", its name, its fields in order…), an enum ("e", its name, its
# value), a tuple ("t", its items…); strings, numbers and None stay as they are. Fields are
# taken from the classes themselves, so a field added to the IR is stored with the rest.

_Record = Any
_CLASSES: dict[str, Any] = {cls.__name__: cls
                            for cls in (Span, Card, Passage, Chapter, Deck, Diagnostic)}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (CardKind, Severity)}
_FIELDS = {name: tuple(f.name for f in fields(cls)) for name, cls in _CLASSES.items()}


def to_record(value: Any) -> _Record:
    if isinstance(value, tuple):
        return ("t", *map(to_record, value))
    if isinstance(value, Enum):
        return ("e", type(value).__name__, value.value)
    name = type(value).__name__
    if name in _FIELDS and isinstance(value, _CLASSES[name]):
        return ("d", name, *(to_record(getattr(value, f)) for f in _FIELDS[name]))
    if value is None or isinstance(value, str | int):
        return value
    raise TypeError(f"not part of the IR: {value!r}")


def from_record(record: _Record) -> Any:
    """What ``to_record`` gave; raises KeyError, IndexError, TypeError or ValueError on
    anything else."""
    if not isinstance(record, tuple):
        return record
    kind = record[0]
    if kind == "t":
        return tuple(map(from_record, record[1:]))
    if kind == "e":
        return _ENUMS[record[1]](record[2])
    if kind == "d":
        return _CLASSES[record[1]](*map(from_record, record[2:]))
    raise ValueError(f"not a record of the IR: {kind!r}")
