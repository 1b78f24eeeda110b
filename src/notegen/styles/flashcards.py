"""Flashcard syntaxes, read as their tools define them: Obsidian Spaced Repetition (OSR),
Logseq's ``#card`` blocks and Anki cloze deletions written in Markdown.

OSR (plugin v1.15 defaults), in a note tagged ``#flashcards`` (or holding OSR's ``<!--SR:…-->``
scheduling comments):

- ``Question::Answer`` on one line is a card; ``Question:::Answer`` is a card both ways. The
  first separator on the line counts, ``:::`` before ``::``; one inside inline code makes the
  line text.
- A line that is only ``?`` (``??`` for both ways) splits a card of several lines into its
  question (the lines above it, back to a blank line) and its answer (to the next blank line).
- A paragraph holding ``==highlights==`` is a cloze card, one deletion per highlight
  (``==2;;x==`` groups deletions, ``==x;;hint==`` gives a hint).
- ``<!--SR:…-->`` comments are OSR's schedule, not content; a ``#flashcards/deck`` tag line
  names the deck of the cards after it (a tag here), and is not content either.

Without the tag, ``Q::A`` and ``?`` cards still count, but ``==x==`` is a highlight and a
``key:: value`` line is a property (Logseq, Dataview) unless its key reads like a question.
Property lines never become cards: Logseq's (a key with no spaces, at the top of a note or
under a list item) and Dataview's ``[key:: value]``. Anki's own ``{{c1::x}}`` deletions make a
paragraph a cloze card in any note.

Clozes are written in the card's front as Anki deletions (``{{c1::x}}``), numbered as their
tool numbers them; the title shows the text with the deletions filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ir import CardKind
from ..scan import Kind, Line
from .base import Doc, Found, Reading, looks_like_question

NAME = "flashcards"
PRIORITY = 5
INLINE = True

# A ``?`` line, found in one search of a note's text (a pattern that opens with a literal
# is searched fast; one that opens with ``^`` is tried at every character).
_SEPARATOR_LINE_RE = re.compile(r"\n[ \t]*\?\??[ \t]*(?:\n|$)")
_TAG_RE = re.compile(r"(?:^|\s)#flashcards(?:/[^\s#]+)?(?=\s|$)")
_DECK_TAG_RE = re.compile(r"^#flashcards(?:/([^\s#]+))?\s*")
_SR_RE = re.compile(r"[ \t]?<!--SR:.*?-->")
_OSR_CLOZE_RE = re.compile(r"==(?:(\d+);;)?(.+?)(?:;;(.+?))?==")
_ANKI_CLOZE_RE = re.compile(r"\{\{c\d[\d,]*::")
_BRACKET_FIELD_RE = re.compile(r"[\[(][^\[\]()]*::[^\[\]()]*[\])]")
_LOGSEQ_KEY_RE = re.compile(r"^[A-Za-z*+!?$%&=<>_.-][\w*+!?$%&=<>.-]*$")
_LIST_MARKER_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")


def read(doc: Doc) -> Reading | None:
    text = doc.text
    if ("#card" in text or "#[[card]]" in text) and _LOGSEQ_CARD_RE.search(text):
        return Reading(NAME, tuple(_logseq_cards(doc)), 0.99, declared=True)
    if not ("::" in text or "==" in text or "{{c" in text or _SEPARATOR_LINE_RE.search(text)):
        return None
    osr = bool(_TAG_RE.search(text) or _TAG_RE.search(_front_matter_tags(doc))
               or "<!--SR:" in text)
    found = list(_cards(doc, osr))
    if not found:
        return None
    return Reading(NAME, tuple(found), 0.99 if osr else 0.9, declared=osr)


def _front_matter_tags(doc: Doc) -> str:
    tags = doc.source.front_matter.get("tags")
    if isinstance(tags, str):
        return " ".join(f"#{t.lstrip('#')}" for t in tags.replace(",", " ").split())
    if isinstance(tags, list):
        return " ".join(f"#{str(t).lstrip('#')}" for t in tags)
    return ""


@dataclass
class _Block:
    """Lines between blank lines: where OSR looks for a card."""

    lines: list[Line]


def _cards(doc: Doc, osr: bool) -> list[Found]:
    found: list[Found] = []
    deck: str | None = None
    for block in _blocks(doc):
        pending: list[Line] = []
        for i, line in enumerate(block.lines):
            if (m := _DECK_TAG_RE.match(line.text)) and not line.text[m.end():].strip():
                deck = m.group(1)  # a tag line: the deck of the cards after it
                pending = []
                continue
            single = _single_line(doc, line, block.lines[i + 1 :], osr, deck)
            if single is not None:
                found.append(single)
                pending = []
                continue
            pending.append(line)
        if pending and (card := _multi_line(pending, osr, deck)) is not None:
            found.append(card)
    return found


def _blocks(doc: Doc) -> list[_Block]:
    """Runs of non-blank lines; a code fence stays inside its run."""
    blocks: list[_Block] = []
    current: list[Line] = []
    for line in doc.lines:
        if line.kind is Kind.BLANK:
            if current:
                blocks.append(_Block(current))
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(_Block(current))
    return blocks


def _single_line(doc: Doc, line: Line, rest: list[Line], osr: bool, deck: str | None
                 ) -> Found | None:
    if line.kind is Kind.OPAQUE or "::" not in line.text or _ANKI_CLOZE_RE.search(line.text):
        return None
    body = _SR_RE.sub("", line.text)
    at = body.find(":::")
    reversed_ = at >= 0 and at == body.find("::")
    if not reversed_:
        at = body.find("::")
    if at < 0 or body[:at].count("`") % 2:
        return None  # the separator is inside inline code
    front, back = body[:at], body[at + (3 if reversed_ else 2):]
    question = _LIST_MARKER_RE.sub("", front).strip()
    if own := _DECK_TAG_RE.match(question):
        deck, question = own.group(1), question[own.end():]  # this card's own deck
    if not question or not back.strip() or _is_property(doc, line, question, back, osr):
        return None
    end = line.no
    if rest and rest[0].text.startswith("<!--SR:"):
        end = rest[0].no  # the card's schedule, on the line after it
    offset = len(body) - len(back.lstrip())
    return Found(line.no, line.no, question, end=end, answer_start=line.no,
                 answer=back.strip(), answer_offset=offset,
                 kind=CardKind.REVERSED if reversed_ else CardKind.BASIC, tags=_deck(deck))


def _is_property(doc: Doc, line: Line, key: str, value: str, osr: bool) -> bool:
    """A Logseq or Dataview property, not a card."""
    if _BRACKET_FIELD_RE.search(line.text):
        return True
    if not _LOGSEQ_KEY_RE.match(key) or not value.startswith(" "):
        # A key with spaces: a question, unless outside OSR it reads like a field name.
        return not osr and not looks_like_question(key) and len(key.split()) < 3
    if not osr:
        return True
    # In an OSR note a one-word front is a card, except where Logseq puts properties: at
    # the top of the note, or under a list item.
    above = [doc.at(no) for no in range(doc.first, line.no)]
    at_top = all(x.kind is Kind.BLANK or "::" in x.text for x in above)
    under_item = bool(above) and (above[-1].kind is Kind.BULLET or (
        "::" in above[-1].text and line.indent > 0))
    return at_top or under_item


def _multi_line(lines: list[Line], osr: bool, deck: str | None) -> Found | None:
    """A card of several lines split by ``?``/``??``, or a cloze paragraph."""
    content = [line for line in lines if not line.text.startswith("<!--SR:")]
    for i, line in enumerate(content):
        mark = line.text.strip() if line.kind is not Kind.OPAQUE else ""
        if mark in ("?", "??") and i > 0:
            # A heading or a rule right above the question is the note's structure (a
            # section, a separator), not the question's text.
            question = content[:i]
            while question and question[0].kind in (Kind.HEADING, Kind.RULE, Kind.UNDERLINE):
                question = question[1:]
            if not question:
                return None
            answer = content[i + 1 :]
            front = "\n".join(_SR_RE.sub("", x.text) for x in question).strip()
            return Found(question[0].no, line.no, front.split("\n")[0], end=lines[-1].no,
                         answer_start=answer[0].no if answer else line.no + 1,
                         answer_end=answer[-1].no if answer else line.no,
                         front=front if len(question) > 1 else "",
                         kind=CardKind.REVERSED if mark == "??" else CardKind.BASIC,
                         tags=_deck(deck))
    text = "\n".join(_SR_RE.sub("", x.text) for x in content).strip()
    cloze = _anki_cloze(text) if _ANKI_CLOZE_RE.search(text) else (
        _osr_cloze(text) if osr and _OSR_CLOZE_RE.search(text) else None)
    if cloze is None or any(x.kind is Kind.HEADING for x in content):
        return None
    front, title = cloze
    return Found(content[0].no, lines[-1].no, title, end=lines[-1].no,
                 answer_start=lines[-1].no + 1, answer_end=lines[-1].no,
                 kind=CardKind.CLOZE, front=front, tags=_deck(deck))


def _osr_cloze(text: str) -> tuple[str, str]:
    """``==x==`` → ``{{c1::x}}``, one number per deletion in order; ``==2;;x==`` keeps its
    number; ``==x;;hint==`` keeps its hint."""
    counter = iter(range(1, 1 << 30))

    def anki(m: re.Match[str]) -> str:
        number = m.group(1) or str(next(counter))
        hint = f"::{m.group(3)}" if m.group(3) else ""
        return f"{{{{c{number}::{m.group(2)}{hint}}}}}"

    return _OSR_CLOZE_RE.sub(anki, text), _OSR_CLOZE_RE.sub(lambda m: m.group(2), text)


def _anki_cloze(text: str) -> tuple[str, str]:
    return text, strip_anki_clozes(text)


_ANKI_DELETION_RE = re.compile(r"\{\{c[\d,]+::(.*?)(?:::[^{}]*?)?\}\}", re.DOTALL)


def strip_anki_clozes(text: str) -> str:
    """The text with its deletions filled in (innermost first, for nested clozes)."""
    while (stripped := _ANKI_DELETION_RE.sub(lambda m: m.group(1), text)) != text:
        text = stripped
    return text


# --- Logseq: a block tagged #card is a card, its child blocks the answer ---------------------

_LOGSEQ_CARD_RE = re.compile(r"(?:^|\s)(?:#card|#\[\[card\]\])(?=\s|$)", re.MULTILINE)
_LOGSEQ_CLOZE_RE = re.compile(r"\{\{cloze\s+(.+?)\s*\}\}")
_PROPERTY_RE = re.compile(r"^[ \t]*[A-Za-z][\w-]*:: ")


def _logseq_cards(doc: Doc) -> list[Found]:
    found = []
    for line in doc.lines:
        if line.kind is not Kind.BULLET or not _LOGSEQ_CARD_RE.search(line.body):
            continue
        end = line.no
        for later in doc.following(line.no):
            if later.kind is not Kind.BLANK and later.kind is not Kind.OPAQUE and (
                    later.indent <= line.indent):
                break
            if later.kind is not Kind.BLANK:
                end = later.no
        start = line.no + 1
        while start <= end and _PROPERTY_RE.match(doc.at(start).text):
            start += 1  # the block's properties (card-last-interval:: 4) are not its answer
        question = _LOGSEQ_CARD_RE.sub("", line.body).strip()
        kind, front = CardKind.BASIC, ""
        if _LOGSEQ_CLOZE_RE.search(question):  # Logseq hides every {{cloze}} of a block at once
            kind, front = CardKind.CLOZE, _LOGSEQ_CLOZE_RE.sub(r"{{c1::\1}}", question)
            question = _LOGSEQ_CLOZE_RE.sub(r"\1", question)
        found.append(Found(line.no, line.no, question, end=end, answer_start=start,
                           kind=kind, front=front))
    return found


def _deck(deck: str | None) -> tuple[str, ...]:
    return (deck.replace("/", "::"),) if deck else ()
