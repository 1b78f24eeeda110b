"""Rendering is linear in its input: inputs that made it quadratic finish. The bound is a
generous timeout in the harness, which only a hang exceeds; it measures nothing."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from notegen.ir import Card, CardKind, Span
from notegen.render import Renderer

HANG = 60.0  # seconds; a linear render of these inputs takes well under one
SIZE = 200_000

INPUTS = {
    "spaces in a title": ("Q" + " " * SIZE + "x", ""),
    "spaces in a heading": ("Q", "## a" + " " * SIZE + "b\n\n#" + " " * SIZE),
    "repeated (P1)": ("Q" + " (P1)" * (SIZE // 5), "x" + " (P1)" * (SIZE // 5)),
    "repeated <img": ("Q", "<img src=\"a" * (SIZE // 10) + "\n\n" + "<img " * (SIZE // 5)),
    "repeated \\(": ("Q", "\\(" * (SIZE // 2)),
    "repeated $": ("Q", "$a " * (SIZE // 3)),
    "repeated <!--": ("Q", "<!--\n" * (SIZE // 5) + "<!-- x " * (SIZE // 7)),
    "a long table row": ("Q", "| a | b |\n|---|---|\n" + "| $x " * (SIZE // 5) + "|"),
    "tabs": ("Q", "a\tb\n" * (SIZE // 4)),
}


def _render(title: str, answer: str, kind: CardKind) -> None:
    card = Card("c1", "Deck", "Chapter", None, title, title, answer, 2, (),
                Span("notes/a.md", 1, 2), kind=kind, front=answer if kind is CardKind.CLOZE
                else "")
    Renderer(Path("notes")).card(card)


def finishes(action: Callable[..., None], *args: object) -> bool:
    """Run ``action`` in a child process; False when it is still running after HANG."""
    child = multiprocessing.get_context("fork").Process(target=action, args=args)
    child.start()
    child.join(HANG)
    if child.is_alive():
        child.kill()
        child.join()
        return False
    return child.exitcode == 0


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_long_pathological_inputs_render(name: str) -> None:
    title, answer = INPUTS[name]
    assert finishes(_render, title, answer, CardKind.BASIC), name


@pytest.mark.parametrize("front", ["==" * SIZE, "{{c1::" * (SIZE // 6), "==a {{c1::" * 10_000])
def test_long_cloze_fronts_render(front: str) -> None:
    assert finishes(_render, "Q", front, CardKind.CLOZE)
