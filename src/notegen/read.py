"""Read stage: find the note files and decode them into lines.

Text is UTF-8 (a BOM is tolerated), line endings are normalised to ``\\n`` and the text to
Unicode NFC, so that the same note typed on two systems parses the same way.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, error, warning

NOTE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    """Display path (POSIX, relative to the working directory when possible)."""
    file: Path
    lines: tuple[str, ...]
    front_matter: Mapping[str, Any] = field(default_factory=dict)
    body_start: int = 0
    """Index of the first line after the front matter (0 when there is none)."""

    @property
    def title(self) -> str:
        """The note's title: front matter ``title``, else the file name made readable."""
        title = self.front_matter.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        return humanize(self.file.stem)


def humanize(stem: str) -> str:
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_notes(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and folders into note files, in a stable order."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path, problems))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(error(display_path(path), "no such file or folder"))
    return found, problems


def _walk(folder: Path, problems: list[Diagnostic]) -> list[Path]:
    """Note files under a folder; an unreadable folder is an error, not a silent gap (its
    cards would retire)."""
    notes: list[Path] = []

    def unreadable(exc: OSError) -> None:
        problems.append(error(display_path(Path(exc.filename or folder)),
                              f"cannot read folder: {exc.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        notes.extend(
            Path(root, name)
            for name in sorted(files)
            if name.endswith(NOTE_SUFFIXES) and not name.startswith(".")
        )
    return notes


def read_note(path: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Decode one note; None (with an explanation) when it cannot be used."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(shown, f"cannot read: {exc.strerror}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        return None, [error(shown, message, line, col)]
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        return None, [warning(shown, "empty file, skipped")]
    lines = tuple(text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    front, body_start, problems = _front_matter(shown, lines)
    return SourceFile(shown, path, lines, front, body_start), problems


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, col


def _front_matter(
    path: str, lines: tuple[str, ...]
) -> tuple[Mapping[str, Any], int, list[Diagnostic]]:
    """YAML keys between a first line ``---`` and the next ``---`` or ``...``. Anything else
    there (a note that opens with a horizontal rule) is read as text."""
    if not lines or lines[0].rstrip() != "---":
        return {}, 0, []
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
    block = lines[1:end]
    if not end or not any(_YAML_KEY_RE.match(line) for line in block):
        return {}, 0, []
    try:
        data = yaml.safe_load("\n".join(block))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        col = mark.column + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or "invalid YAML"
        return {}, end + 1, [error(path, f"front matter: {reason}", line, col)]
    if not isinstance(data, dict):
        return {}, 0, []
    return data, end + 1, []


_YAML_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")
