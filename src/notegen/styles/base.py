"""What every style reader shares: the note as classified lines, what a reader finds, and
the cues that tell a question from a topic or a label.

A reader looks at a whole note and says which lines start questions (a ``Found`` each),
which headings are sections that close the card before them, and how strongly the note
shows its pattern (``evidence``, 0 to 1). The parse stage lays the cards out from that (see
layout.py) and keeps the reading that explains the note best.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..diagnostics import Diagnostic
from ..ir import CardKind
from ..read import SourceFile
from ..scan import Kind, Line
from ..titles import edge_tags


@dataclass(frozen=True, slots=True)
class Found:
    """A question a reader found."""

    start: int
    """First line of the card: the question, or a label or heading just before it."""
    head_end: int
    """Last line of the question."""
    title: str
    """The question's text as inline Markdown, without list marker, number or label."""
    closes_at_heading: bool = False
    """A question in a paragraph: any heading after it ends its answer. Heading questions
    run until the next question, section or chapter instead."""
    level: int = 0
    """The question's heading level (1-6), 0 when it is not a heading."""
    end: int | None = None
    """Last line of the card, when the reader knows it (a closing tag, a table row)."""
    answer_start: int | None = None
    """First answer line, when it is not the line after the question."""
    answer_end: int | None = None
    """Last answer line, when it is not the card's last line (a closing tag)."""
    answer_offset: int = 0
    """Characters of the first answer line that are not the answer's (the question before
    an answer on the same line: ``**1) Title**. Answer…``)."""
    answer: str | None = None
    """The answer's text when it is not whole lines (a table cell, the right side of
    ``::``); None to take the answer lines."""
    kind: CardKind = CardKind.BASIC
    front: str = ""
    number: str | None = None
    tags: tuple[str, ...] = ()
    context: str = ""


@dataclass(frozen=True, slots=True)
class Reading:
    """How one reader explains a note."""

    style: str
    found: tuple[Found, ...]
    evidence: float
    """How strongly the note shows this reader's pattern, 0 to 1."""
    sections: frozenset[int] = frozenset()
    """Heading lines that close the card before them (a section, not part of an answer)."""
    chapters: frozenset[int] | None = None
    """Lines that start chapters; None for the usual ones (see Doc.chapters)."""
    problems: tuple[Diagnostic, ...] = ()
    declared: bool = False
    """The note states this style through its tool's own mark (``#flashcards``): the
    reading is taken as if front matter had named it."""


@dataclass
class Doc:
    """A note's body as classified lines, with the facts several readers ask for."""

    source: SourceFile
    lines: list[Line]
    first: int = field(init=False)
    """Line number of the first body line."""
    _filled: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.first = self.lines[0].no if self.lines else 1
        self._filled = [0]
        for line in self.lines:
            self._filled.append(self._filled[-1] + (line.kind is not Kind.BLANK))

    def filled_between(self, first: int, last: int) -> int:
        """Non-blank lines from line ``first`` to line ``last``, both included."""
        return self._filled[last - self.first + 1] - self._filled[first - self.first]

    def at(self, no: int) -> Line:
        return self.lines[no - self.first]

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1

    @cached_property
    def text(self) -> str:
        """The body, for quick checks of whether a reader has anything to look at."""
        return "\n".join(line.text for line in self.lines)

    @cached_property
    def headings(self) -> list[Line]:
        return [line for line in self.lines if line.kind is Kind.HEADING]

    @cached_property
    def chapters(self) -> frozenset[int]:
        """``#`` headings start chapters. A note without them whose one shallowest heading
        comes first (``## 其他扩展面试题`` above everything) has that heading as its title."""
        ones = [h.no for h in self.headings if h.level == 1 and not answer_marked(h)]
        if ones or not self.headings:
            return frozenset(ones)
        top = min(h.level for h in self.headings)
        tops = [h for h in self.headings if h.level == top]
        if len(tops) == 1 and tops[0] is self.headings[0] and len(self.headings) > 1:
            return frozenset({tops[0].no})
        return frozenset()

    def following(self, no: int) -> Iterator[Line]:
        """The lines after line ``no``."""
        lines = self.lines
        for i in range(no - self.first + 1, len(lines)):
            yield lines[i]

    def next_filled(self, no: int) -> Line | None:
        """The first non-blank line after line ``no``."""
        return next((line for line in self.following(no) if line.kind is not Kind.BLANK), None)

    def paragraph_end(self, no: int) -> int:
        """Last line of the paragraph that starts at line ``no``."""
        end = no
        for line in self.following(no):
            if line.kind is not Kind.TEXT:
                break
            end = line.no
        return end


def answer_marked(line: Line) -> bool:
    return line.marker is not None and line.marker.value == "answer"


# --- what questions look like ----------------------------------------------------------------

# What may follow a question mark at the end of a title: closing marks and emphasis.
_AFTER_MARK = " \t\n*_`)）]】」』\"'”’~"
_EN_CUE_RE = re.compile(
    r"^(?:[\W\d_]*\s*)?(?:what|what's|why|how|when|where|which|who|whom|whose|is|are|was|were|"
    r"do|does|did|can|could|should|would|will|shall|may|explain|describe|define|compare|"
    r"contrast|discuss|list|name|give|tell|state|outline|summari[sz]e|identify|highlight|"
    r"propose|consider|differentiate|distinguish|illustrate|derive|prove|suggest|"
    r"implement|design|write|evaluate|analy[sz]e)\b",
    re.IGNORECASE)
_EN_PHRASE_RE = re.compile(r"\b(?:difference between|differences between|pros and cons|"
                           r"advantages|disadvantages)\b", re.IGNORECASE)
# What may open a question before its words: emoji, a "Q3:" or "问：" label.
_LEAD_RE = re.compile(
    r"^[\W_]*+(?:(?:Q|Question)[ \t]*+\d*+[ \t]*+[:：.．][ \t]*+|问[ \t]*+[:：][ \t]*+)?",
    re.IGNORECASE)
_ZH_CUE_RE = re.compile(
    r"什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪种|哪里|是否|能否|可否|有没有|吗|呢|"
    r"区别|异同|不同|优缺点|优劣|利弊|优点|缺点|作用|原理|简述|说说|谈谈|讲讲|说一下|"
    r"解释|比较|对比|理解|介绍一下|举例")


def looks_like_question(title: str) -> bool:
    """A question mark, an interrogative or a task word: evidence that a title asks
    something rather than names a topic. Never the only rule: see the readers."""
    text = edge_tags(title.strip())[0]
    text = text[_LEAD_RE.match(text).end():]  # type: ignore[union-attr]
    return bool(text.rstrip(_AFTER_MARK).endswith(("?", "？")) or _EN_CUE_RE.match(text)
                or _ZH_CUE_RE.search(text) or _EN_PHRASE_RE.search(text))


# Headings that close a note's questions: references, further reading, footers.
_REFERENCES_RE = re.compile(
    r"^[\W\d_]*(?:参考|参考资料|参考文献|参考链接|引用|延伸阅读|扩展阅读|推荐阅读|相关阅读|"
    r"references?|bibliography|further reading|see also|sources?|resources|credits|"
    r"acknowledge?ments?|license|licence|contributing|contributors?)[\W_]*$",
    re.IGNORECASE)


def is_references(title: str) -> bool:
    return bool(_REFERENCES_RE.match(title.strip()))


# A line that only labels what follows: "Question 3.", "第 2 题", "【问题】", "面试题".
_QUESTION_LABEL = (
    r"[ \t*_#【\[（(]*+(?:question|problem|exercise|q|问题|题目|面试题|问|front|正面|"
    r"第[ \t]*+[\d一二三四五六七八九十百]++[ \t]*+[题问])[ \t]*+\d*+[.:：)）]?[ \t*_】\]）)]*+")
QUESTION_LABEL_RE = re.compile(f"^{_QUESTION_LABEL}$", re.IGNORECASE)
# A line that only labels an answer: "A:", "Answer", "**Answer**:", "答案", "【解答】".
ANSWER_LABEL_RE = re.compile(
    r"^[\W_]*+(?:answer|answers|solution|a|ans|答案|答|解答|回答|参考答案|"
    r"解析|答案解析|back|背面|第\s*+[\d一二三四五六七八九十百]++\s*+题的答案)\s*+[.:：)）]?[\s*_】\]）)]*+$",
    re.IGNORECASE)
# An answer label at the start of a line, before the answer's text: "A: …", "答：…".
ANSWER_PREFIX_RE = re.compile(
    r"^(?:[-*+][ \t]+)?(?:\*\*|__)?(?:A|Ans|Answer|答|答案|解答|回答)(?:\*\*|__)?[ \t]*[:：]"
    r"(?:\*\*|__)?[ \t]*", re.IGNORECASE)


def is_question_label(text: str) -> bool:
    return bool(QUESTION_LABEL_RE.match(text))


def is_answer_label(text: str) -> bool:
    return bool(ANSWER_LABEL_RE.match(text))


# --- paragraphs that open with a bold number -------------------------------------------------

def bold_lead_removed(body: str) -> str:
    """``**3.** Why …`` → ``Why …``; ``**4. Why …**`` → ``**Why …**``."""
    marks = body[:2]
    rest = body[2:].lstrip(" \t")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    rest = rest[digits + 1 :].lstrip(" \t")
    if rest.startswith(marks):
        return rest[2:].lstrip(" \t")
    return marks + rest


def bold_lead_found(line: Line) -> Found:
    """A question that opens a paragraph with a bold number. In ``**1) Overfitting**. A
    model that…`` the bold title is the question and the rest of the line its answer."""
    if m := _TITLED_LEAD_RE.match(line.text):
        return Found(line.no, line.no, m.group(3), number=line.number, closes_at_heading=True,
                     answer_start=line.no, answer_offset=m.end())
    return Found(line.no, line.no, bold_lead_removed(line.body), number=line.number,
                 closes_at_heading=True)


_TITLED_LEAD_RE = re.compile(r"^[ \t]*(\*\*|__)[ \t]*(\d{1,3})[.)、][ \t]*(\S.*?)\1[ \t]*"
                             r"[.:：。]?[ \t]*(?=\S)")

