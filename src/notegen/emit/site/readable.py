"""The text a reader sees in notegen's HTML, for search results: tags gone, entities
decoded, and math as readable text (``\\frac{a}{b} \\approx 0`` → ``a/b ≈ 0``), since the
search shows its snippets as they are, without MathJax.

This reads only HTML that notegen's renderer wrote (sanitized, math in ``arithmatex``
elements), so a few regular expressions see all of it, in time linear in its length.
"""

from __future__ import annotations

import functools
import html
import re

_MATH_RE = re.compile(
    r'<(span|div) class="arithmatex[^"]*">\\[(\[](.*?)\\[)\]]</\1>', re.DOTALL)
# Block elements part words; inline ones (``<b>``, highlighting spans) do not. Sanitized HTML
# has every ``<`` of its text escaped, so what is left between ``<`` and ``>`` is a tag.
_BLOCK_TAG_RE = re.compile(
    r"<!--.*?-->|</?(?:p|div|br|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|caption|pre|"
    r"blockquote|hr|h[1-6]|details|summary|figure|figcaption|img)\b[^>]*>",
    re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_MATH_MARK = "\x00"
_MARK_RE = re.compile(_MATH_MARK)


def readable(fragment: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    math: list[str] = []

    def keep_math(m: re.Match[str]) -> str:
        math.append(tex_text(html.unescape(m.group(2))))
        return f" {_MATH_MARK} " if m.group(1) == "div" else _MATH_MARK

    # The mark stands for math while tags go; a NUL is no text in HTML anyway.
    text = _MATH_RE.sub(keep_math, fragment.replace(_MATH_MARK, ""))
    text = html.unescape(_TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", text)))
    if math:
        pieces = iter(math)
        text = _MARK_RE.sub(lambda _: next(pieces), text)
    return " ".join(text.split())


# --- TeX ---------------------------------------------------------------------------------------

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa "
          "lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta "
          "Lambda Xi Pi Sigma Upsilon Phi Psi Omega")
_SYMBOLS = {
    **dict(zip(_GREEK.split(), "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΥΦΨΩ", strict=True)),
    "partial": "∂", "nabla": "∇", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "cdots": "⋯", "ldots": "…", "dots": "…",
    "cdot": "·", "prime": "′", "neg": "¬", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "langle": "⟨", "rangle": "⟩", "{": "{", "}": "}", "_": "_", "%": "%",
    "$": "$", "#": "#", "&": "&", "|": "‖", "lvert": "|", "rvert": "|", "vert": "|",
    "lVert": "‖", "rVert": "‖", "Vert": "‖",
}
_RELATIONS = {
    "approx": "≈", "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "times": "×", "div": "÷", "pm": "±", "mp": "∓", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔",
    "Leftrightarrow": "⇔", "gets": "←", "mapsto": "↦", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "cup": "∪", "cap": "∩", "sim": "∼",
    "simeq": "≃", "propto": "∝", "equiv": "≡", "ll": "≪", "gg": "≫", "mid": "|",
    "land": "∧", "lor": "∨", "wedge": "∧", "vee": "∨", "oplus": "⊕", "otimes": "⊗",
    "circ": "∘", "iff": "⇔", "implies": "⇒",
}
_SPACES = frozenset({",", ";", ":", " ", "quad", "qquad", "\\", "enspace", "thinspace"})
# Commands that print their argument as it is.
_WRAPPERS = frozenset({
    "text", "textrm", "textbf", "textit", "texttt", "mathrm", "mathbf", "mathit", "mathsf",
    "mathtt", "mathbb", "mathcal", "mathfrak", "boldsymbol", "bm", "operatorname", "mbox",
    "hbox", "emph", "overline", "underline", "widehat", "widetilde", "hat", "tilde", "bar",
    "vec", "dot", "ddot", "overrightarrow"})
# Commands that show nothing themselves (sizes, spacing, environments' names).
_SILENT = frozenset({
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
    "biggr", "middle", "limits", "nolimits", "displaystyle", "textstyle", "scriptstyle",
    "!", "nonumber", "notag", "label", "tag"})
_FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_MAX_DEPTH = 64
"""Braces nested deeper than this are read as plain characters (no TeX needs more)."""


@functools.lru_cache(maxsize=4096)
def tex_text(tex: str) -> str:
    """TeX as text a reader can follow without MathJax."""
    return " ".join(_Tex(tex).group(None).split())


# A command and the spaces TeX drops after its name, a one-character command, a brace, a
# character with a meaning of its own, or a run of plain text.
_TOKEN_RE = re.compile(r"\\([A-Za-z]+) *|\\(.)|([{}&~])|([^\\{}&~]+)", re.DOTALL)


class _Tex:
    def __init__(self, tex: str) -> None:
        # (command name, None) or (None, text): a brace or a special character as text.
        self.tokens = [(m.group(1) or m.group(2), m.group(3) or m.group(4))
                       for m in _TOKEN_RE.finditer(tex)]
        self.i = 0
        self.depth = 0

    def group(self, close: str | None) -> str:
        """Text up to ``close`` (consumed) or the end."""
        parts: list[str] = []
        while self.i < len(self.tokens):
            command, text = self.tokens[self.i]
            self.i += 1
            if command is not None:
                parts.append(self.command(command))
            elif text == close:
                break
            elif text == "{" and self.depth < _MAX_DEPTH:
                parts.append(self.nested())
            elif text in ("{", "}"):
                continue
            elif text in ("&", "~"):  # alignment, a non-breaking space
                parts.append(" ")
            else:
                parts.append(text or "")
        return "".join(parts)

    def nested(self) -> str:
        self.depth += 1
        try:
            return self.group("}")
        finally:
            self.depth -= 1

    def argument(self) -> str:
        while self.i < len(self.tokens):
            command, text = self.tokens[self.i]
            self.i += 1
            if command is not None:
                return self.command(command)
            if text == "{" and self.depth < _MAX_DEPTH:
                return self.nested()
            if text and text.strip():
                text = text.lstrip()
                if len(text) > 1:  # the argument is its first character; the rest follows
                    self.i -= 1
                    self.tokens[self.i] = (None, text[1:])
                return text[0]
        return ""

    def optional(self) -> None:
        """Skip an optional ``[…]`` argument (``\\sqrt[3]{x}``)."""
        if self.i < len(self.tokens):
            command, text = self.tokens[self.i]
            if command is None and text and text.startswith("[") and "]" in text:
                rest = text[text.index("]") + 1:]
                self.tokens[self.i] = (None, rest)

    def command(self, name: str) -> str:
        if name in _FRACTIONS:
            top, bottom = self.argument(), self.argument()
            return f"{_atom(top)}/{_atom(bottom)}"
        if name == "sqrt":
            self.optional()
            return f"√{_atom(self.argument())}"
        if name in ("begin", "end"):
            self.argument()  # the environment's name
            return " "
        if name in _WRAPPERS:
            return self.argument()
        if name in _SILENT:
            return ""
        if name in _SPACES:
            return " "
        if name in _RELATIONS:
            return f" {_RELATIONS[name]} "
        # An operator's name (\\log, \\max, \\sin) reads as a word.
        return _SYMBOLS.get(name, f"{name} ")


def _atom(text: str) -> str:
    """A fraction's part, in parentheses unless it is a single symbol or number."""
    text = " ".join(text.split())
    return text if len(text) <= 1 or text.replace(".", "").isalnum() else f"({text})"
