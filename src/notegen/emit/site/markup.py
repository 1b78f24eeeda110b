"""The one escape for plain text the site writes into HTML: chapter and section titles, file
and folder names, tags, the site's name, and the search index. The theme's templates print
nav titles, page titles and the site's name as they are, so they are given escaped.

The renderer's sanitize module will hold the same helper for the deck; the site then takes it
from there.
"""

from __future__ import annotations

import html


def escape(text: str) -> str:
    """Plain text as HTML, safe in element content and in quoted attribute values."""
    return html.escape(text, quote=True)
