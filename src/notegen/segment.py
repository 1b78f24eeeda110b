"""Parse stage, part 3: cut classified lines into chapters and cards (the Card IR).

A card is its question line and every line after it up to the next question or chapter,
verbatim. Lines before a chapter's first question are the chapter's metadata (date stamps and
the like). Every non-blank line therefore lands in exactly one card or one chapter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it.token import Token

from .diagnostics import Diagnostic, warning
from .ir import Card, Chapter, Deck, Span
from .ledger import natural_id
from .markdown import new_parser
from .questions import assign_roles, declared_style
from .read import SourceFile, find_notes, humanize, read_note
from .scan import LEADING_GLYPHS_RE, Kind, Line, scan, strip_marker, strip_number

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
    deck, found = parse_sources(sources, deck_name)
    return deck, problems + found


def default_deck_name(paths: Sequence[Path], sources: Sequence[SourceFile]) -> str:
    """The notes' title: a single note file's title, else the notes folder's name (so
    that adding a second note does not rename the deck)."""
    if len(paths) == 1 and paths[0].is_file() and sources:
        return sources[0].title
    folder = paths[0] if paths and paths[0].is_dir() else Path.cwd()
    return humanize(folder.resolve().name) or "Notes"


def parse_sources(sources: Sequence[SourceFile], deck_name: str) -> tuple[Deck, list[Diagnostic]]:
    chapters: list[Chapter] = []
    problems: list[Diagnostic] = []
    for source in sources:
        found, file_problems = parse_source(source, deck_name)
        chapters.extend(found)
        problems.extend(file_problems)
    return Deck(deck_name, tuple(_with_natural_ids(chapters))), problems


def parse_source(source: SourceFile, deck_name: str) -> tuple[list[Chapter], list[Diagnostic]]:
    lines, problems = scan(source)
    style, found = declared_style(source)
    problems.extend(found)
    roles, found = assign_roles(lines, style, source.path)
    problems.extend(found)
    if not roles.questions:
        problems.append(warning(
            source.path,
            f"no questions found ({roles.style.value} style); number them, mark one with "
            "<!-- notegen: question -->, or set notegen.questions in the front matter",
        ))
    builder = _ChapterBuilder(source.title, 0)
    chapters: list[Chapter] = []
    for line in lines:
        if line.no in roles.chapters:
            chapters.extend(builder.finish(source.path, deck_name))
            builder = _ChapterBuilder(_chapter_title(line), line.no)
        elif line.no in roles.questions:
            builder.cards.append(_CardBuilder(line))
        elif builder.cards:
            builder.cards[-1].body.append(line)
        else:
            builder.meta.append(line)
    chapters.extend(builder.finish(source.path, deck_name))
    return chapters, problems


@dataclass
class _CardBuilder:
    question: Line
    body: list[Line] = field(default_factory=list)

    def finish(self, path: str, deck: str, chapter: str) -> Card:
        start, end = _content_bounds(self.body)
        answer_lines = self.body[start:end]
        title, tags = clean_title(self.question)
        last = answer_lines[-1].no if answer_lines else self.question.no
        return Card(
            id="",
            deck=deck,
            chapter=chapter,
            number=self.question.number,
            title=title,
            question=self.question.text,
            answer="\n".join(line.text for line in answer_lines),
            answer_start=answer_lines[0].no if answer_lines else self.question.no + 1,
            tags=tags,
            source=Span(path, self.question.no, last),
        )


@dataclass
class _ChapterBuilder:
    title: str
    line: int
    meta: list[Line] = field(default_factory=list)
    cards: list[_CardBuilder] = field(default_factory=list)

    def finish(self, path: str, deck: str) -> list[Chapter]:
        start, end = _content_bounds(self.meta)
        meta = self.meta[start:end]
        if not self.line and not meta and not self.cards:
            return []  # nothing before the first chapter heading
        return [Chapter(
            title=self.title,
            path=path,
            line=self.line,
            meta="\n".join(line.text for line in meta),
            meta_span=Span(path, meta[0].no, meta[-1].no) if meta else None,
            cards=tuple(card.finish(path, deck, self.title) for card in self.cards),
        )]


def _content_bounds(lines: Sequence[Line]) -> tuple[int, int]:
    """Slice bounds that trim blank lines at both ends."""
    filled = [i for i, line in enumerate(lines) if line.kind is not Kind.BLANK]
    return (filled[0], filled[-1] + 1) if filled else (0, 0)


def _chapter_title(line: Line) -> str:
    return plain_text(strip_marker(line.body)).strip()


def clean_title(line: Line) -> tuple[str, tuple[str, ...]]:
    """The question as a reader sees it, and the source references it ends with."""
    body = strip_marker(line.body)
    if line.kind is not Kind.ORDERED:
        body = strip_number(body)
    text = plain_text(LEADING_GLYPHS_RE.sub("", body.strip())).strip() or line.text.strip()
    tags: list[str] = []
    while (m := _SOURCE_REF_RE.search(text)) and m.start() > 0:
        tags.insert(0, m.group(1).strip())
        text = text[: m.start()].rstrip()
    return text, tuple(tags)


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
