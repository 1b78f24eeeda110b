"""What the site asks of the renderer: every card in order, chapter text with its images, and
titles as safe HTML (the Renderer contract of render.py).

render.py does not offer all of it yet, so this adapts it: chapter text is rendered as the
answer of a card of its own (which gives its images and warnings too), and every fragment
that may hold raw HTML is balanced by nh3, so that an unclosed ``<!--``, ``<textarea>`` or
``<td>`` in one answer cannot swallow the cards after it. Once render.py keeps the contract
itself (sanitized, balanced HTML; ``cards`` and ``passage``), the site takes it as it is and
this module goes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import nh3

from ...diagnostics import Diagnostic
from ...ir import Card, Span
from ...render import Media, RenderedCard, Renderer


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    media: tuple[Media, ...]
    problems: tuple[Diagnostic, ...]


class SiteRenderer(Protocol):
    def cards(self, cards: Sequence[Card]
              ) -> list[tuple[RenderedCard, tuple[Diagnostic, ...]]]: ...

    def passage(self, path: str, first_line: int, text: str) -> Rendered: ...

    def title(self, title: str) -> str: ...


def site_renderer(renderer: Renderer) -> SiteRenderer:
    return _Adapted(renderer)


# Only balancing: the tags and attributes today's renderer writes, classes kept for math,
# highlighting and tables; scripts and event handlers go as nh3 always drops them.
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["*"] = {"class", "title", "style"}
_STYLES = {"text-align", "color", "background-color", "font-weight", "font-style",
           "text-decoration"}


def _balanced(fragment: str, source: str) -> str:
    """markdown-it's HTML of ``source``, balanced. It writes balanced HTML itself but for
    the raw HTML it passes on, which needs a ``<`` in the source."""
    if "<" not in source:
        return fragment
    return str(nh3.clean(fragment, attributes=_ATTRIBUTES, link_rel=None,
                         filter_style_properties=_STYLES))


class _Adapted:
    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    def cards(self, cards: Sequence[Card]
              ) -> list[tuple[RenderedCard, tuple[Diagnostic, ...]]]:
        results = []
        for card in cards:
            rendered, problems = self._renderer.card(card)
            results.append((replace(
                rendered, question=_balanced(rendered.question, card.front),
                answer=_balanced(rendered.answer, card.answer),
                context=_balanced(rendered.context, card.context),
                site_question=_balanced(rendered.site_question, card.front)), problems))
        return results

    def passage(self, path: str, first_line: int, text: str) -> Rendered:
        holder = Card(id="", deck="", chapter="", number=None, title="", question="",
                      answer=text, answer_start=first_line, tags=(),
                      source=Span(path, first_line, first_line))
        rendered, problems = self._renderer.card(holder)
        return Rendered(_balanced(rendered.answer, text), rendered.media, problems)

    def title(self, title: str) -> str:
        return self._renderer.title(title)

