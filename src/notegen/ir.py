"""The Card IR: what the parser produces and every emitter consumes.

Questions and answers keep the source text of their lines (less the labels a reader removes,
such as ``A:`` or ``答：``); rendering happens in the emitters. That keeps fidelity testable: the
IR can be compared with the notes line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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
