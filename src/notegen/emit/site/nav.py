"""The site's navigation: the home page, then the notes' folder tree with its pages.

Every page shows the navigation, so its size on each page must stay bounded, or building
(and downloading) the site grows with pages × pages. No level holds more than ``FANOUT``
entries: a longer run is split into groups named after their first and last page, groups of
groups where needed; with the theme's ``navigation.prune`` a page then carries only the
entries on its own path, a few hundred links at most, however many pages there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...sanitize import escape
from .pages import HOME, SitePage
from .study import STUDY_PAGE

FANOUT = 20

NavEntry = dict[str, Any]
"""One entry of MkDocs' ``nav`` setting: ``{title: path}`` or ``{title: [entries]}``."""


@dataclass
class _Folder:
    name: str
    children: list[_Folder | SitePage] = field(default_factory=list)
    folders: dict[str, _Folder] = field(default_factory=dict)

    def folder(self, name: str) -> _Folder:
        if name not in self.folders:
            self.folders[name] = _Folder(name)
            self.children.append(self.folders[name])
        return self.folders[name]


def nav_config(labels: Mapping[str, str], pages: Sequence[SitePage]) -> list[NavEntry]:
    """MkDocs' ``nav``: the home and Study pages, then folders and pages in the order they
    first come in the notes; titles escaped (the theme prints them as they are)."""
    root = _Folder("")
    for page in pages:
        folder = root
        for name in page.deck_path[:-1]:
            folder = folder.folder(name)
        folder.children.append(page)
    return [{escape(labels["home"]): HOME}, {escape(labels["study"]): STUDY_PAGE},
            *_entries(root)]


def _entries(folder: _Folder) -> list[NavEntry]:
    entries = [{escape(child.name): _entries(child)} if isinstance(child, _Folder)
               else {escape(child.title): child.path} for child in folder.children]
    return _bounded(entries)


def _bounded(entries: list[NavEntry]) -> list[NavEntry]:
    # Each entry's first and last title: a folder's or page's own, a group's from its ends.
    edges = [(title, title) for entry in entries for title in entry]
    while len(entries) > FANOUT:
        groups = -(-len(entries) // FANOUT)
        size = -(-len(entries) // groups)  # as even as FANOUT allows
        starts = range(0, len(entries), size)
        ends = [min(start + size, len(entries)) - 1 for start in starts]
        edges = [(edges[start][0], edges[end][1]) for start, end in zip(starts, ends, strict=True)]
        entries = [{f"{first} … {last}": entries[start : end + 1]}
                   for (first, last), start, end in zip(edges, starts, ends, strict=True)]
    return entries
