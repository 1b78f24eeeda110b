"""Only marked lines are questions (``<!-- notegen: question -->``): for notes whose
questions follow no pattern, or where every pattern would read too much."""

from __future__ import annotations

from .base import Doc, Reading

NAME = "marked"
PRIORITY = 90


def read(doc: Doc) -> Reading | None:
    """Markers apply in every style; this one adds nothing to them."""
    return None


def read_stated(doc: Doc) -> Reading | None:
    return Reading(NAME, (), 1.0)
