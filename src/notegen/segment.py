"""Parse stage, part 3: cut a note into chapters, cards and passages (the Card IR).

The style readers (styles/) say where the questions are and layout.py where each card ends;
this walks the note once and hands every line to its chapter: to a card, to the chapter's
metadata (lines before its first question: date stamps and the like), or to a passage (a
section heading and its text, references after the last answer). Every non-blank line
therefore lands in exactly one card or one chapter.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

from .cache import Table, code_digest, digest
from .diagnostics import Diagnostic, readable, warning
from .ir import Card, Chapter, Deck, Passage, Span, from_record, to_record
from .ledger import natural_id
from .read import SourceFile, default_deck_name, find_notes, humanize, read_note
from .scan import LEADING_GLYPHS_RE, Kind, Line, scan, strip_marker, strip_number
from .styles import Chosen, Doc, choose, declared_style
from .styles.layout import Placed
from .titles import clean_title, plain_text


def parse_paths(paths: Sequence[Path], deck_name: str | None = None, cache: Table | None = None
                ) -> tuple[Deck, list[Diagnostic]]:
    """Read and parse note files and folders into one deck; ``cache`` keeps each note's
    parse from build to build."""
    files, problems = find_notes(paths)
    sources: list[SourceFile] = []
    for path in files:
        source, found = read_note(path)
        problems.extend(found)
        if source is not None:
            sources.append(source)
    if deck_name is None:
        deck_name = default_deck_name(paths, sources)
    deck, found = parse_sources(sources, deck_name, [p for p in paths if p.is_dir()], cache)
    return deck, problems + found


def parse_sources(sources: Sequence[SourceFile], deck_name: str, roots: Sequence[Path] = (),
                  cache: Table | None = None) -> tuple[Deck, list[Diagnostic]]:
    chapters: list[Chapter] = []
    problems: list[Diagnostic] = []
    seen: Counter[tuple[str, str]] = Counter()
    for source in sources:
        found, file_problems = _parsed(source, deck_name, _folders(source, roots), cache)
        chapters.extend(_counted(found, seen))
        problems.extend(file_problems)
    problems.extend(_clashes(chapters))
    return Deck(deck_name, tuple(chapters)), problems


def _parsed(source: SourceFile, deck_name: str, folders: tuple[str, ...], cache: Table | None
            ) -> tuple[list[Chapter], list[Diagnostic]]:
    """``parse_source``, taken from the cache when this code parsed this very note before
    (the same text, at the same path, into the same deck and folders)."""
    if cache is None:
        return parse_source(source, deck_name, folders)
    key = digest(_parse_code(), source.path, str(source.file), deck_name, str(len(folders)),
                 *folders, "\n".join(source.lines))
    held = cache.get(key)
    if held is not None:
        try:
            chapters, problems = from_record(held)
            return list(chapters), list(problems)
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # not what this code writes: parse again
    chapters, problems = parse_source(source, deck_name, folders)
    cache.put(key, to_record((tuple(chapters), tuple(problems))))
    return chapters, problems


@functools.cache
def _parse_code() -> str:
    """notegen's code (any of it may change a parse), and the libraries that read front
    matter and titles."""
    return digest(code_digest(), *(f"{name}={metadata.version(name)}"
                                   for name in ("PyYAML", "markdown-it-py", "mdit-py-plugins")))


def _counted(chapters: list[Chapter], seen: Counter[tuple[str, str]]) -> list[Chapter]:
    """A note's chapters, with new ids for the (chapter, title) pairs that earlier notes hold
    too. Each note is parsed on its own, counting its pairs from the first occurrence; here
    the count goes on from the notes before it, so the nth card of one pair in the whole deck
    has the id of the nth occurrence, as when all the notes are parsed in one go."""
    here: Counter[tuple[str, str]] = Counter()
    counted = []
    for chapter in chapters:
        cards = list(chapter.cards)
        for n, card in enumerate(cards):
            occurrence = here[card.key]
            here[card.key] += 1
            if earlier := seen[card.key]:
                cards[n] = replace(card, id=natural_id(card.key, earlier + occurrence))
        renumbered = any(a is not b for a, b in zip(cards, chapter.cards, strict=True))
        counted.append(replace(chapter, cards=tuple(cards)) if renumbered else chapter)
    seen.update(here)
    return counted


def _folders(source: SourceFile, roots: Sequence[Path]) -> tuple[str, ...]:
    """The folders between the notes folder and the note: subdeck levels, named as a person
    reads them (like the note's path) even when a name is not UTF-8."""
    for root in roots:
        try:
            return tuple(map(readable, source.file.parent.relative_to(root).parts))
        except ValueError:
            continue
    return ()


def _clashes(chapters: Sequence[Chapter]) -> list[Diagnostic]:
    """Chapters of different files with the same place in the deck share one subdeck and
    one page: say so, since the user may have meant two."""
    first: dict[tuple[str, ...], Chapter] = {}
    problems = []
    for chapter in chapters:
        other = first.setdefault(chapter.deck_path, chapter)
        if other is not chapter and other.path != chapter.path:
            problems.append(warning(
                chapter.path, f"chapter '{chapter.title}' is also in {other.path}: their cards "
                f"share one subdeck and one page; rename one heading to keep them apart",
                chapter.line or None))
    return problems


def parse_source(source: SourceFile, deck_name: str, folders: tuple[str, ...] = ()
                 ) -> tuple[list[Chapter], list[Diagnostic]]:
    """One note's chapters. A (chapter, title) pair that recurs in the note gets an id for
    each occurrence (counted from the note's first; see ``_counted``)."""
    lines, problems = scan(source)
    style, found = declared_style(source)
    problems.extend(found)
    if not lines:
        return [], problems
    doc = Doc(source, lines)
    chosen = choose(doc, style)
    problems.extend(chosen.problems)
    if not chosen.layout.cards:
        problems.append(warning(
            source.path,
            f"no questions found ({chosen.style} style); number them, mark one with "
            "<!-- notegen: question -->, or set notegen.questions in the front matter",
        ))
    return _Assembly(doc, chosen, deck_name, folders, Counter()).chapters(), problems


class _Assembly:
    """Walks a note's lines once, cutting them into chapters, cards and passages."""

    def __init__(self, doc: Doc, chosen: Chosen, deck: str, folders: tuple[str, ...],
                 seen: Counter[tuple[str, str]]) -> None:
        self.doc, self.style, self.deck, self.folders = doc, chosen.style, deck, folders
        self.seen = seen
        self.layout = chosen.layout
        self.done: list[Chapter] = []

    def chapters(self) -> list[Chapter]:
        doc, layout = self.doc, self.layout
        cards = {p.found.start: p for p in layout.cards}
        chapter = _ChapterBuilder(_note_title(doc), 0)
        no = doc.first
        while no <= doc.last:
            line = doc.at(no)
            if no in layout.chapters:
                self._finish(chapter)
                chapter = _ChapterBuilder(_chapter_title(line), no)
                if no < doc.last and doc.at(no + 1).kind is Kind.UNDERLINE:
                    no += 1  # a Setext heading's underline
            elif no in cards:
                chapter.add_card(cards[no])
                no = cards[no].end
            elif no in layout.sections:
                chapter.open_passage(line)
            else:
                chapter.add_line(line)
            no += 1
        self._finish(chapter)
        return self.done

    def _finish(self, chapter: _ChapterBuilder) -> None:
        self.done.extend(chapter.finish(self.doc, self.deck, self.style, self.folders,
                                        self.seen))


@dataclass
class _ChapterBuilder:
    title: str
    line: int
    meta: list[Line] = field(default_factory=list)
    cards: list[tuple[Placed, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    """Each card with its sections' titles and the tags they give it."""
    passages: list[tuple[list[Line], int, int]] = field(default_factory=list)
    """Lines, index of the card they precede, section depth (0 for plain text)."""
    sections: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    """The open sections: heading level, title, and the tags its title carries."""

    def add_card(self, placed: Placed) -> None:
        level = placed.found.level
        while level and self.sections and self.sections[-1][0] >= level:
            self.sections.pop()  # a heading question beside a section closes it
        self.cards.append((placed, tuple(title for _, title, _ in self.sections),
                           tuple(tag for *_, tags in self.sections for tag in tags)))

    def open_passage(self, heading: Line) -> None:
        while self.sections and self.sections[-1][0] >= heading.level:
            self.sections.pop()
        title, tags = clean_title(strip_marker(heading.body))
        self.sections.append((heading.level, title, tags))
        self.passages.append(([heading], len(self.cards), len(self.sections)))

    def add_line(self, line: Line) -> None:
        if self.passages and self.passages[-1][1] == len(self.cards):
            self.passages[-1][0].append(line)
        elif not self.cards and not self.passages:
            self.meta.append(line)
        else:
            self.passages.append(([line], len(self.cards), 0))

    def finish(self, doc: Doc, deck: str, style: str, folders: tuple[str, ...],
               seen: Counter[tuple[str, str]]) -> list[Chapter]:
        meta = _trimmed(self.meta)
        passages = []
        for lines, before, depth in self.passages:
            kept = _trimmed(lines)
            if not kept:
                continue
            heading = kept[0] if kept[0].kind is Kind.HEADING and depth else None
            passages.append(Passage(
                span=Span(doc.source.path, kept[0].no, kept[-1].no),
                text="\n".join(line.text for line in kept),
                before=before,
                heading=plain_text(strip_marker(heading.body)).strip() if heading else None,
                level=depth if heading else 0,
            ))
        if not self.line and not meta and not self.cards and not passages:
            return []  # nothing before the first chapter heading
        return [Chapter(
            title=self.title,
            path=doc.source.path,
            line=self.line,
            meta="\n".join(line.text for line in meta),
            meta_span=Span(doc.source.path, meta[0].no, meta[-1].no) if meta else None,
            cards=tuple(_card(doc, placed, section, tags, deck, self.title, style, folders, seen)
                        for placed, section, tags in self.cards),
            passages=tuple(passages),
            folders=folders,
            style=style,
        )]


def _card(doc: Doc, placed: Placed, section: tuple[str, ...], section_tags: tuple[str, ...],
          deck: str, chapter: str, style: str, folders: tuple[str, ...],
          seen: Counter[tuple[str, str]]) -> Card:
    f = placed.found
    title, tags = clean_title(f.title)
    key = (chapter, title)
    occurrence = seen[key]
    seen[key] += 1
    path = doc.source.path
    if f.answer is not None:
        answer = f.answer.strip()
    else:
        lines = [doc.at(no).text for no in range(placed.answer_start, placed.answer_end + 1)]
        if lines and placed.prefix:
            lines[0] = lines[0][placed.prefix:]
        answer = "\n".join(lines)
    return Card(
        id=natural_id(key, occurrence),
        deck=deck,
        chapter=chapter,
        number=f.number,
        title=title,
        question="\n".join(doc.at(no).text for no in range(f.start, f.head_end + 1)),
        answer=answer,
        answer_start=placed.answer_start,
        tags=tuple(dict.fromkeys((*tags, *f.tags, *section_tags))),
        source=Span(path, f.start, placed.end),
        kind=f.kind,
        front=f.front,
        context=f.context,
        section=section,
        folders=folders,
        style=style,
    )


def _trimmed(lines: Sequence[Line]) -> list[Line]:
    start, end = _content_bounds(lines)
    return list(lines[start:end])


def _content_bounds(lines: Sequence[Line]) -> tuple[int, int]:
    """Slice bounds that trim blank lines at both ends."""
    filled = [i for i, line in enumerate(lines) if line.kind is not Kind.BLANK]
    return (filled[0], filled[-1] + 1) if filled else (0, 0)


def _chapter_title(line: Line) -> str:
    """A chapter heading without its number (``3.``, ``第3章``, ``Chapter 3:``), so that
    renumbering chapters renames no subdeck."""
    body = strip_marker(line.body).strip()
    bare = _CHAPTER_NUMBER_RE.sub("", LEADING_GLYPHS_RE.sub("", strip_number(body)), count=1)
    return plain_text(bare).strip() or plain_text(body).strip()


_CHAPTER_NUMBER_RE = re.compile(
    r"^(?:第[ \t]*[\d一二三四五六七八九十百零〇两]+[ \t]*[章节篇部讲课]|(?:chapter|part|lesson|"
    r"lecture|unit)[ \t]+\d+)[ \t]*[:：.、．-]?[ \t]*(?=\S)", re.IGNORECASE)


def _note_title(doc: Doc) -> str:
    """The chapter of a note without chapter headings: its front matter title, a leading
    ``<h1>`` (README files often open with one), the folder of a README or index file, or
    the file name made readable."""
    source = doc.source
    if isinstance(title := source.front_matter.get("title"), str) and title.strip():
        return title.strip()
    head = "\n".join(line.text for line in doc.lines[:30])
    if (m := _HTML_H1_RE.search(head)) and (text := plain_text(m.group(1)).strip()):
        return text
    if source.file.stem.lower() in ("readme", "index") and source.file.resolve().parent.name:
        return humanize(source.file.resolve().parent.name)
    return source.title


_HTML_H1_RE = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
