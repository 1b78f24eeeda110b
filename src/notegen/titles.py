"""Titles as a reader sees them: inline Markdown made plain text, and the tags a title's
edges carry (source references, difficulty, importance stars, emoji)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from .markdown import new_parser
from .scan import LEADING_GLYPHS_RE, strip_marker

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


def clean_title(question: str) -> tuple[str, tuple[str, ...]]:
    """The question as a reader sees it, and the tags its edges carry: source references
    (``(深度学习-P35)``), difficulty (``[M]``), importance stars and emoji."""
    body = _HEADING_MARK_RE.sub("", strip_marker(question).strip())  # "1. ### Q" is a heading
    text = plain_text(LEADING_GLYPHS_RE.sub("", body)).strip() or body
    tags: list[str] = []
    while text.endswith((")", "）")) and (m := _source_ref(text)) and m.start() > 0:
        tags.insert(0, m.group(1).strip())
        text = text[: m.start()].rstrip()
    text, edges = edge_tags(text)
    if (m := _TITLE_LABEL_RE.match(text)) and text[m.end():].strip():
        text = text[m.end():].strip()
    return text, tuple(dict.fromkeys((*tags, *edges)))


def _source_ref(text: str) -> re.Match[str] | None:
    """The source reference the text ends with. It holds no parenthesis, so it opens at the
    last one: matched there, a title of many ``(P1)`` or spaces costs its length, not its
    length squared."""
    opening = max(text.rfind("("), text.rfind("（"))
    if opening <= 0:
        return None
    return _SOURCE_REF_RE.match(text, len(text[:opening].rstrip(" \t\u3000")))


def edge_tags(text: str) -> tuple[str, tuple[str, ...]]:
    """The text without the difficulty labels, stars and emoji at its edges, and those as
    tags: ``[M] Given …`` → ``Given …``, ``("medium",)``."""
    tags = []
    while _may_have_edge_tag(text) and (m := _EDGE_TAG_RE.search(text)) and (
            rest := (text[: m.start()] + text[m.end():]).strip()):
        tags.append(_edge_tag(m.group("lead") or m.group("trail")))
        text = rest
    return text, tuple(tags)


def _may_have_edge_tag(text: str) -> bool:
    """Whether either edge of the text could hold a tag (most titles: neither)."""
    stripped = text.strip(" \t")
    if not stripped:
        return False
    return any(_could_tag(c) for c in (stripped[0], stripped[-1],
                                       stripped.rstrip(")）")[-1:] or " "))


def _could_tag(char: str) -> bool:
    return char in "[*★" or (ord(char) >= 0x2600 and _EMOJI_CHAR_RE.match(char) is not None)


_EMOJI = "\U0001F000-\U0001FAFF\u2600-\u26FF\u2700-\u27BF\u2B50\u2B55\u2B1B\u2B1C"
_EMOJI_RUN = f"[{_EMOJI}][{_EMOJI}\u200d\ufe0f\U0001F3FB-\U0001F3FF]*"
_EMOJI_CHAR_RE = re.compile(f"[{_EMOJI}\u200d\ufe0f\U0001F3FB-\U0001F3FF]")
# A tag at either edge of a title: "[M]", "(⭐⭐)", "***", "📌", "✅".
_EDGE_TAG = rf"\[(?:E|M|H|Easy|Medium|Hard)\]|{_EMOJI_RUN}|\*{{3,}}|★+"
_EDGE_TAG_RE = re.compile(
    rf"^[ \t]*+(?P<lead>{_EDGE_TAG})[ \t]*+"
    rf"|(?<![ \t])[ \t]*+[（(]?(?P<trail>{_EDGE_TAG})[）)]?[ \t]*+$",
    re.IGNORECASE)
_DIFFICULTY = {"e": "easy", "m": "medium", "h": "hard"}
# A label before the question's text: "Q1:", "Question:", "问：", "Q:".
_TITLE_LABEL_RE = re.compile(
    r"^(?:Q(?:uestion)?[ \t]*+\d*+|问题?[ \t]*+\d*+|题目)[ \t]*+[:：.．][ \t]*+", re.IGNORECASE)


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
    if not _MARKUP_RE.search(markdown):
        return " ".join(markdown.split("\n")) if "\n" in markdown else markdown
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


_INLINE = new_parser()
_HEADING_MARK_RE = re.compile(r"^#{1,6}[ \t]+(?=\S)")
# Characters that can make inline Markdown differ from its text.
_MARKUP_RE = re.compile(r"[\\*_`\[\]<>&$!~:]|  $")
