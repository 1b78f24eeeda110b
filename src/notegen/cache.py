"""The build cache: work a rebuild need not do again.

It lives in the output folder (``OUT/.notegen/cache/``), is never committed and is safe to delete:
every entry is keyed by a hash of everything its value depends on, and every table by
notegen's version, so a stale entry can never be served, only missed. A table keeps just the
entries the last build used, so the cache stays the size of the notes.

Values are what ``marshal`` stores (str, bytes, numbers, tuples, lists, dicts): fast to load,
and a damaged or foreign file is simply an empty table.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__

CACHE_NAME = ".notegen/cache"  # inside the output folder's own .notegen folder
_SALT = f"{__version__}\x1f{sys.version}"
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: str | bytes) -> str:
    """A short hash of the parts (kept apart, so ("ab", "c") differs from ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


@functools.cache
def code_digest() -> str:
    """Of every file of notegen itself (its code, templates, scripts and styles), by path
    and content: a result that any of them may change is keyed by this."""
    parts: list[str | bytes] = []
    for root, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            parts += [os.path.relpath(os.path.join(root, name), _PACKAGE),
                      Path(root, name).read_bytes()]
    return digest(*parts)


class Table:
    """One kind of cached result: key → value."""

    def __init__(self, old: dict[str, Any]) -> None:
        self._old = old
        self._used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any | None:
        if key in self._used:
            self.hits += 1
            return self._used[key]
        if key in self._old:
            self.hits += 1
            value = self._used[key] = self._old[key]
            return value
        self.misses += 1
        return None

    def put(self, key: str, value: Any) -> None:
        self._used[key] = value

    @property
    def entries(self) -> dict[str, Any]:
        return self._used


class Cache:
    """The tables of one build; ``Cache(None)`` caches nothing (and saves nothing)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._tables: dict[str, Table] = {}

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = Table(self._load(name))
        return self._tables[name]

    def _load(self, name: str) -> dict[str, Any]:
        if self.folder is None:
            return {}
        try:
            data = marshal.loads((self.folder / f"{name}.bin").read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if not (isinstance(data, tuple) and len(data) == 2 and data[0] == _SALT
                and isinstance(data[1], dict)):
            return {}
        return data[1]

    def save(self) -> None:
        """Write the tables used by this build, each atomically. (Builds of one output take
        turns, so no other build is saving here.)"""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.bin.*"):  # left by a build killed while saving
            stale.unlink(missing_ok=True)
        for name, table in self._tables.items():
            write_atomically(self.folder / f"{name}.bin", marshal.dumps((_SALT, table.entries)))


def write_atomically(target: Path, data: bytes) -> None:
    """Write by way of a file beside ``target`` (named ``target.PID``, which a killed build
    leaves), so that a reader finds the old file or the new one, whole."""
    pending = target.with_name(f"{target.name}.{os.getpid()}")
    pending.write_bytes(data)
    os.replace(pending, target)
