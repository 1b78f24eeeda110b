"""The one allow-list of HTML that notegen writes, and the one escape for plain text.

Notes hold raw HTML (``<b>``, ``<span style="color:red">``, tables, ``<details>``) and text that
only looks like HTML (``List<String>``, ``if a<b and c>d``). Both outputs, the Anki deck (its
reviewer is a web view) and the site, must show the first and never run anything. So:

- a raw tag is markup only when its name and every attribute name are on the allow-list below;
  anything else (``<script>``, ``<iframe>``, ``<img onerror=…>``, ``<String>``, an unclosed
  ``<!--``) is shown as the text it is (``markup``);
- every piece of HTML the renderer returns then goes through nh3 (the Rust ammonia sanitizer)
  with the same allow-list (``clean``): it drops what no rule above can see (``javascript:``
  and ``data:`` URLs, CSS beyond colours and emphasis, classes notegen does not style) and
  closes every open element, so a card's HTML is balanced and can be pasted anywhere;
- plain-text fields (titles, chapter names, source, tags, nav) go through ``escape``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3
from pygments.token import STANDARD_TYPES

_INLINE_TAGS = ("a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "ins", "kbd",
                "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike",
                "strong", "sub", "sup", "u", "var", "br", "img")
_BLOCK_TAGS = ("blockquote", "caption", "col", "colgroup", "dd", "details", "div", "dl", "dt",
               "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p",
               "pre", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul")
TAGS = frozenset(_INLINE_TAGS + _BLOCK_TAGS)
"""Elements notes really use, and those notegen itself writes."""

_STYLED = ("span", "div", "p", "td", "th", "font", "mark")
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "font": frozenset({"color"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "span": frozenset({"data-cloze", "tabindex"}),
}
ATTRIBUTES = {tag: _ATTRIBUTES.get(tag, frozenset()) | _ATTRIBUTES["*"]
              | (frozenset({"style"}) if tag in _STYLED else frozenset())
              for tag in TAGS}
"""Attribute names allowed per element (``class`` is handled by ``CLASSES``)."""

_PYGMENTS = frozenset(name for name in STANDARD_TYPES.values() if name)
CLASSES: dict[str, frozenset[str]] = {
    "span": frozenset({"arithmatex", "arithmatex-display", "ng-cloze"}) | _PYGMENTS,
    "div": frozenset({"arithmatex", "highlight"}),
    "table": frozenset({"ng-table"}),
    "p": frozenset({"ng-empty", "ng-reference"}),
}
"""The classes notegen's own HTML uses: math for MathJax, Pygments' highlighting, cloze
deletions. Any other class a note writes is dropped, so notes cannot restyle the page."""

STYLE_PROPERTIES = frozenset({"color", "background-color", "font-weight", "font-style",
                              "text-decoration", "text-align"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
    filter_style_properties=set(STYLE_PROPERTIES),
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)


def clean(fragment: str) -> str:
    """HTML reduced to the allow-list, every element closed."""
    return str(_CLEANER.clean(fragment))


def escape(text: str) -> str:
    """Plain text as HTML, safe in element content and in quoted attribute values."""
    return html.escape(text, quote=True)


# A tag as CommonMark reads one (the same grammar markdown-it uses to find raw HTML);
# possessive quantifiers keep a long unclosed tag linear.
_ATTRIBUTE = (r"[ \t\n]++([A-Za-z_:][A-Za-z0-9_.:-]*+)"
              r"(?:[ \t\n]*+=[ \t\n]*+(?:[^\"'=<>`\x00-\x20]++|'[^']*+'|\"[^\"]*+\"))?+")
_TAG_RE = re.compile(rf"<(/?)([A-Za-z][A-Za-z0-9-]*+)((?:{_ATTRIBUTE})*+)[ \t\n]*+/?>")
_ATTRIBUTE_RE = re.compile(_ATTRIBUTE)
_EMPTY_COMMENT_RE = re.compile(r"<!---?>")
_ATTRIBUTE_VALUE_RE = re.compile(r"=[ \t\n]*+(?:([^\"'=<>`\x00-\x20]++)|'([^']*+)'|\"([^\"]*+)\")")

SrcRewrite = Callable[[str], str]


def markup(raw: str, rewrite_src: SrcRewrite, comment_closes: Callable[[int], int]) -> str:
    """Raw HTML from a note with every tag the allow-list does not know shown as text.

    ``rewrite_src`` maps an ``<img src>`` to the name the output refers to it by;
    ``comment_closes(pos)`` is the index of the ``-->`` after ``pos`` (or -1), so that many
    unclosed ``<!--`` stay linear. Complete comments are kept (``clean`` drops them)."""
    out: list[str] = []
    pos = 0
    while (start := raw.find("<", pos)) >= 0:
        out.append(raw[pos:start])
        if (empty := _EMPTY_COMMENT_RE.match(raw, start)):
            out.append(empty.group())  # `<!-->` ends itself, as browsers read it
            pos = empty.end()
        elif raw.startswith("<!--", start) and (close := comment_closes(start + 4)) >= 0:
            out.append(raw[start : close + 3])
            pos = close + 3
        elif (tag := _TAG_RE.match(raw, start)) and _allowed(tag):
            out.append(_with_src(tag, rewrite_src) if tag.group(2).lower() == "img"
                       else tag.group())
            pos = tag.end()
        else:
            out.append("&lt;")
            pos = start + 1
    out.append(raw[pos:])
    return "".join(out)


def _allowed(tag: re.Match[str]) -> bool:
    name = tag.group(2).lower()
    if name not in TAGS:
        return False
    names = {m.group(1).lower() for m in _ATTRIBUTE_RE.finditer(tag.group(3))}
    return not (tag.group(1) and names) and names <= (ATTRIBUTES[name] | {"class"})


def _with_src(tag: re.Match[str], rewrite_src: SrcRewrite) -> str:
    """An ``<img>`` tag with its ``src`` rewritten (every value quoted again)."""
    parts = ["<img"]
    for attribute in _ATTRIBUTE_RE.finditer(tag.group(3)):
        name = attribute.group(1).lower()
        found = _ATTRIBUTE_VALUE_RE.search(attribute.group())
        value = html.unescape(next((g for g in found.groups() if g is not None), "")
                              ) if found else ""
        if name == "src":
            value = rewrite_src(value)
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts) + ">"


_VOID = frozenset({"br", "img", "hr", "col"})


def element(raw: str) -> tuple[str, bool] | None:
    """The element a raw tag the allow-list keeps opens or closes (``("b", False)`` for
    ``<b>``, ``("b", True)`` for ``</b>``); None for anything else, void elements included."""
    tag = _TAG_RE.fullmatch(raw)
    if tag is None or not _allowed(tag) or tag.group(2).lower() in _VOID:
        return None
    return tag.group(2).lower(), bool(tag.group(1))


def is_markup(text: str) -> bool:
    """Whether ``text`` starts with a tag the allow-list keeps as HTML."""
    tag = _TAG_RE.match(text)
    return tag is not None and _allowed(tag)
