"""Parse stage, part 3: cut a note into chapters, cards and passages (the Card IR).

The style readers (styles/) say where the questions are and layout.py where each card ends;
this walks the note once and hands every line to its chapter: to a card, to the chapter's
metadata (lines before its first question: date stamps and the like), or to a passage (a
section heading and its text, references after the last answer). Every non-blank line
therefore lands in exactly one card or one chapter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it.token import Token

from .diagnostics import Diagnostic, warning
from .ir import Card, Chapter, Deck, Passage, Span
from .ledger import natural_id
from .markdown import new_parser
from .read import SourceFile, find_notes, humanize, read_note
from .scan import LEADING_GLYPHS_RE, Kind, Line, scan, strip_marker, strip_number
from .styles import Chosen, Doc, choose, declared_style
from .styles.layout import Placed

# A trailing source reference: "(深度学习-P35)", "（深度学习-P15）", "(Bishop p. 12)", "(P7)".
# An ASCII parenthesis must follow a space, so that "O(P1)" stays part of the title.
_SOURCE_REF_RE = re.compile(
    r"(?:[ \t\u3000]+\(|[ \t\u3000]*（)[ \t]*"
    r"((?:[^()（）\s][^()（）]*?[-–\s])?[Pp]\.?[ \t]?\d+(?:[-–]\d+)?)[ \t]*[)）][ \t\u3000]*$"
)
# Inline HTML a reader does not see in a title: comments (markers) and formatting tags.
# Anything else that looks like a tag (List<String>) is text.
_HIDDEN_HTML_RE = re.compile(
    r"^(?:<!--.*-->|</?(?:a|abbr|b|big|br|code|del|em|font|i|ins|kbd|mark|q|s|small|span|"
    r"strong|sub|sup|u)(?:\s[^>]*)?/?>)$", re.IGNORECASE | re.DOTALL)


def parse_paths(paths: Sequence[Path], deck_name: str | None = None
                ) -> tuple[Deck, list[Diagnostic]]:
    """Read and parse note files and folders into one deck."""
    files, problems = find_notes(paths)
    sources: list[SourceFile] = []
    for path in files:
        source, found = read_note(path)
        problems.extend(found)
        if source is not None:
            sources.append(source)
    if deck_name is None:
        deck_name = default_deck_name(paths, sources)
    deck, found = parse_sources(sources, deck_name, [p for p in paths if p.is_dir()])
    return deck, problems + found


def default_deck_name(paths: Sequence[Path], sources: Sequence[SourceFile]) -> str:
    """The notes' title: a single note file's title, else the notes folder's name (so
    that adding a second note does not rename the deck)."""
    if len(paths) == 1 and paths[0].is_file() and sources:
        return sources[0].title
    folder = paths[0] if paths and paths[0].is_dir() else Path.cwd()
    return humanize(folder.resolve().name) or "Notes"


def parse_sources(sources: Sequence[SourceFile], deck_name: str,
                  roots: Sequence[Path] = ()) -> tuple[Deck, list[Diagnostic]]:
    chapters: list[Chapter] = []
    problems: list[Diagnostic] = []
    for source in sources:
        found, file_problems = parse_source(source, deck_name, _folders(source, roots))
        chapters.extend(found)
        problems.extend(file_problems)
    problems.extend(_clashes(chapters))
    return Deck(deck_name, tuple(_with_natural_ids(chapters))), problems


def _folders(source: SourceFile, roots: Sequence[Path]) -> tuple[str, ...]:
    """The folders between the notes folder and the note: subdeck levels."""
    for root in roots:
        try:
            return source.file.parent.relative_to(root).parts
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
    return _Assembly(doc, chosen, deck_name, folders).chapters(), problems


class _Assembly:
    """Walks a note's lines once, cutting them into chapters, cards and passages."""

    def __init__(self, doc: Doc, chosen: Chosen, deck: str, folders: tuple[str, ...]) -> None:
        self.doc, self.style, self.deck, self.folders = doc, chosen.style, deck, folders
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
            elif no in cards:
                chapter.add_card(cards[no])
                no = cards[no].end
            elif no in layout.sections:
                chapter.open_passage(line, plain_text(strip_marker(line.body)).strip())
            else:
                chapter.add_line(line)
            no += 1
        self._finish(chapter)
        return self.done

    def _finish(self, chapter: _ChapterBuilder) -> None:
        self.done.extend(chapter.finish(self.doc, self.deck, self.style, self.folders))


@dataclass
class _ChapterBuilder:
    title: str
    line: int
    meta: list[Line] = field(default_factory=list)
    cards: list[tuple[Placed, tuple[str, ...]]] = field(default_factory=list)
    passages: list[tuple[list[Line], int, int]] = field(default_factory=list)
    """Lines, index of the card they precede, section depth (0 for plain text)."""
    sections: list[tuple[int, str]] = field(default_factory=list)
    """The open sections: heading level and title."""

    def add_card(self, placed: Placed) -> None:
        self.cards.append((placed, tuple(title for _, title in self.sections)))

    def open_passage(self, heading: Line, title: str) -> None:
        while self.sections and self.sections[-1][0] >= heading.level:
            self.sections.pop()
        self.sections.append((heading.level, title))
        self.passages.append(([heading], len(self.cards), len(self.sections)))

    def add_line(self, line: Line) -> None:
        if self.passages and self.passages[-1][1] == len(self.cards):
            self.passages[-1][0].append(line)
        elif not self.cards and not self.passages:
            self.meta.append(line)
        else:
            self.passages.append(([line], len(self.cards), 0))

    def finish(self, doc: Doc, deck: str, style: str, folders: tuple[str, ...]
               ) -> list[Chapter]:
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
            cards=tuple(_card(doc, placed, section, deck, self.title, style, folders)
                        for placed, section in self.cards),
            passages=tuple(passages),
            folders=folders,
            style=style,
        )]


def _card(doc: Doc, placed: Placed, section: tuple[str, ...], deck: str, chapter: str,
          style: str, folders: tuple[str, ...]) -> Card:
    f = placed.found
    title, tags = clean_title(f.title)
    path = doc.source.path
    if f.answer is not None:
        answer = f.answer.strip()
    else:
        lines = [doc.at(no).text for no in range(placed.answer_start, placed.answer_end + 1)]
        if lines and placed.prefix:
            lines[0] = lines[0][placed.prefix:]
        answer = "\n".join(lines)
    return Card(
        id="",
        deck=deck,
        chapter=chapter,
        number=f.number,
        title=title,
        question="\n".join(doc.at(no).text for no in range(f.start, f.head_end + 1)),
        answer=answer,
        answer_start=placed.answer_start,
        tags=tuple(dict.fromkeys((*tags, *f.tags))),
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
    """A chapter heading without its number, so renumbering chapters renames nothing."""
    body = LEADING_GLYPHS_RE.sub("", strip_number(strip_marker(line.body)).strip())
    return plain_text(body).strip() or plain_text(strip_marker(line.body)).strip()


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


def clean_title(question: str) -> tuple[str, tuple[str, ...]]:
    """The question as a reader sees it, and the tags its edges carry: source references
    (``(深度学习-P35)``), difficulty (``[M]``), importance stars and emoji."""
    body = strip_marker(question).strip()
    text = plain_text(LEADING_GLYPHS_RE.sub("", body)).strip() or body
    tags: list[str] = []
    while (m := _SOURCE_REF_RE.search(text)) and m.start() > 0:
        tags.insert(0, m.group(1).strip())
        text = text[: m.start()].rstrip()
    while (m := _EDGE_TAG_RE.search(text)) and (rest := (text[: m.start()] + text[m.end():])
                                                 .strip()):
        tags.append(_edge_tag(m.group("lead") or m.group("trail")))
        text = rest
    if (m := _TITLE_LABEL_RE.match(text)) and text[m.end():].strip():
        text = text[m.end():].strip()
    return text, tuple(dict.fromkeys(tags))


_EMOJI = "\U0001F000-\U0001FAFF\u2600-\u26FF\u2700-\u27BF\u2B50\u2B55\u2B1B\u2B1C"
_EMOJI_RUN = f"[{_EMOJI}][{_EMOJI}\u200d\ufe0f\U0001F3FB-\U0001F3FF]*"
# A tag at either edge of a title: "[M]", "(⭐⭐)", "***", "📌", "✅".
_EDGE_TAG = rf"\[(?:E|M|H|Easy|Medium|Hard)\]|{_EMOJI_RUN}|\*{{3,}}|★+"
_EDGE_TAG_RE = re.compile(
    rf"^[ \t]*(?P<lead>{_EDGE_TAG})[ \t]*|[ \t]*[（(]?(?P<trail>{_EDGE_TAG})[）)]?[ \t]*$",
    re.IGNORECASE)
_DIFFICULTY = {"e": "easy", "m": "medium", "h": "hard"}
# A label before the question's text: "Q1:", "Question:", "问：", "Q:".
_TITLE_LABEL_RE = re.compile(r"^(?:Q(?:uestion)?[ \t]*\d*|问题?[ \t]*\d*|题目)[ \t]*[:：.．][ \t]*",
                             re.IGNORECASE)


def _edge_tag(tag: str) -> str:
    inner = tag.strip("[]").lower()
    if tag.startswith("["):
        return _DIFFICULTY.get(inner[:1], inner)
    if set(tag) == {"*"}:
        return "★" * len(tag)
    return tag


def plain_text(markdown: str) -> str:
    """Inline Markdown as a reader sees it: escapes resolved, emphasis and tags dropped,
    math kept exactly as written."""
    tokens = _INLINE.parseInline(markdown)
    return "".join(_plain(tokens[0].children or [])) if tokens else ""


def _plain(tokens: Sequence[Token]) -> Iterable[str]:
    for token in tokens:
        if token.type in ("text", "code_inline"):
            yield token.content
        elif token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.type == "math_inline" and token.markup == "\\(":
            yield f"\\({token.content}\\)"
        elif token.type in ("math_inline", "math_inline_double"):
            yield f"{token.markup}{token.content}{token.markup}"
        elif token.type == "html_inline" and not _HIDDEN_HTML_RE.match(token.content):
            yield token.content
        elif token.children:
            yield from _plain(token.children)


def _with_natural_ids(chapters: Sequence[Chapter]) -> Iterable[Chapter]:
    seen: Counter[tuple[str, str]] = Counter()
    for chapter in chapters:
        cards = []
        for card in chapter.cards:
            cards.append(replace(card, id=natural_id(card.key, seen[card.key])))
            seen[card.key] += 1
        yield replace(chapter, cards=tuple(cards))


_INLINE = new_parser()
