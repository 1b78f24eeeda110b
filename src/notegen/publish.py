"""The output folder: what notegen owns in it, and how a build replaces it.

OUT holds what readers use, ``<deck>.apkg`` and ``site/``, beside notegen's working folder
``.notegen/`` (the lock that makes builds of one output take turns, and the manifest of the
decks notegen wrote) and, while a build runs, its staging folder ``.staging-PID``.

notegen replaces or removes only what it made: a ``site/`` that holds its marker file, an
``.apkg`` the manifest records with its digest, its own staging folders, and the pending ledger
a staging folder lists. Anything else in the way stops the build before it writes anything.

Publishing moves each output into place in one step (on Linux the old and new folders are
swapped by the kernel), so a reader (Anki's importer, a browser, a web server, the Pages
upload) finds the old output or the new one, never none, even when the build is killed; the
next build removes what a killed one left.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, NotegenError, display_path, error, warning
from .emit.anki import MODEL_ID

SITE = "site"
WORK = ".notegen"
SITE_MARKER = ".notegen-site"
_MARKER_TEXT = ("Made by notegen. `notegen build` replaces this whole folder: keep nothing of "
                "your own here.\n")
_MANIFEST = "manifest.json"
_LOCK = "lock"
_PENDING = "pending"
"""In a staging folder: the files it writes elsewhere (the pending ledger), one a line."""
_STAGING_RE = re.compile(r"\.staging-\d+|\.old-\d+-.+")
"""Staging folders, and the backups earlier versions of notegen made while publishing."""
_WAIT_SECONDS = 0.2


# --- before anything is written ------------------------------------------------------------

def refuse_overlap(out: Path, notes: Path, config: Path | None) -> None:
    """Stop when the notes (or the site's config) lie where a build writes, or the output lies
    among the notes (the next build would read the pages it wrote as notes)."""
    where = Path(os.path.realpath(out))
    if where.is_relative_to(os.path.realpath(notes)):
        raise NotegenError(error(display_path(out), "the output folder must be outside the "
                                 f"notes folder ({display_path(notes)})"))
    # Notes that exist inside a deck's place would show up here among the decks.
    owned = (SITE, WORK, *(p.name for p in where.glob("*.apkg")))
    for what, keep, path in (("notes folder", "the notes", notes), ("site's config", "it", config)):
        if path is None:
            continue
        real = Path(os.path.realpath(path))
        for name in owned:
            target = Path(os.path.realpath(where / name))
            if real.is_relative_to(target):
                relation = "is" if real == target else "is inside"
                raise NotegenError(error(display_path(path), (
                    f"the {what} {relation} {display_path(out / name)}, which every build "
                    f"replaces; keep {keep} elsewhere or choose another --out")))


def check_replaceable(out: Path, apkg_name: str, ledger: Path) -> None:
    """Stop unless everything the build will replace is notegen's (or absent)."""
    if os.path.lexists(out) and not out.is_dir():
        raise NotegenError(error(display_path(out), "not a folder; choose another --out"))
    problems = []
    site = out / SITE
    if os.path.lexists(site) and not _made_here(site):
        problems.append(error(display_path(site), (
            f"not made by notegen (it holds no {SITE_MARKER} marker), so notegen will not "
            "replace it: move it away, or choose another --out")))
    apkg = out / apkg_name
    if os.path.lexists(apkg) and not _written_here(apkg, _read_manifest(out)):
        problems.append(error(display_path(apkg), (
            "not written by notegen (or changed since), so notegen will not replace it: move "
            "it away, or choose another --out")))
    target = ledger_target(ledger)
    if os.path.lexists(target) and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file"
        problems.append(error(display_path(ledger), f"is {kind}, not the ledger file; move it "
                              "away"))
    if problems:
        raise NotegenError(*problems)


def ledger_target(ledger: Path) -> Path:
    """Where the ledger is written: through a link, to the file it leads to."""
    return Path(os.path.realpath(ledger))


def _made_here(site: Path) -> bool:
    if site.is_symlink() or not site.is_dir():
        return False
    marker = site / SITE_MARKER
    if marker.exists():
        return marker.is_file() and not marker.is_symlink()
    # notegen 0.1 wrote no marker; its sites all carry its script.
    legacy = site / "assets" / "notegen" / "notegen.js"
    return legacy.is_file() and not legacy.is_symlink()


@dataclass(frozen=True, slots=True)
class _Written:
    """A deck notegen wrote into the output folder."""

    name: str
    sha256: str


def _written_here(apkg: Path, manifest: Sequence[_Written]) -> bool:
    if apkg.is_symlink() or not apkg.is_file():
        return False
    if not manifest:
        return _legacy_deck(apkg)
    digest = _digest(apkg)
    return any(w.name == apkg.name and w.sha256 == digest for w in manifest)


def _legacy_deck(apkg: Path) -> bool:
    """A deck notegen 0.1 wrote (it kept no manifest): a package whose collection holds
    notegen's note type."""
    try:
        with zipfile.ZipFile(apkg) as package:
            collection = package.read("collection.anki2")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return str(MODEL_ID).encode("ascii") in collection


def _digest(file: Path) -> str:
    with file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _read_manifest(out: Path) -> tuple[_Written, ...]:
    """The decks notegen wrote here; a damaged manifest records none (so nothing it names is
    taken for notegen's)."""
    try:
        data = json.loads((out / WORK / _MANIFEST).read_text(encoding="utf-8"))
        return tuple(_Written(str(d["name"]), str(d["sha256"])) for d in data["decks"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def _write_manifest(out: Path, written: Sequence[_Written], staging: Path) -> None:
    """Write the manifest atomically, by way of the staging folder (which a killed build
    leaves for the next one to remove)."""
    file = out / WORK / _MANIFEST
    pending = staging / _MANIFEST
    decks = [{"name": w.name, "sha256": w.sha256} for w in dict.fromkeys(written)]
    pending.write_text(json.dumps({"decks": decks}, indent=1) + "\n", encoding="utf-8")
    os.replace(pending, file)


# --- staging -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Pending:
    """A file written beside its place, moved there when the build is published."""

    file: Path
    target: Path


@dataclass(frozen=True, slots=True)
class Staging:
    """Where a build writes its outputs before they are published."""

    out: Path
    folder: Path

    def pending(self, target: Path, what: str) -> Pending:
        """An empty file beside ``target`` (which proves its folder writable), listed in the
        staging folder first, so that whoever cleans up after a killed build removes it too."""
        file = target.with_name(f"{target.name}.{os.getpid()}.new")
        with (self.folder / _PENDING).open("a", encoding="utf-8") as listing:
            listing.write(f"{file}\n")
        try:
            file.touch()  # one left by a killed process of this number is stale
        except OSError as exc:
            raise NotegenError(error(display_path(target), f"cannot write the {what}: "
                                     f"{exc.strerror}")) from None
        return Pending(file, target)

    def publish(self, apkg_name: str | None, site: bool, ledger: Pending | None
                ) -> tuple[Diagnostic, ...]:
        """Put the deck (when ``apkg_name``), the site (when ``site``) and the ledger in place,
        each in one step, all of them or (on failure) none; then remove decks earlier builds
        wrote under other names."""
        names = []
        earlier = _read_manifest(self.out)
        deck = None
        if apkg_name is not None:
            deck = _Written(apkg_name, _digest(self.folder / apkg_name))
            # Meanwhile, every deck that may be here is recorded: a kill leaves none unrecorded.
            _write_manifest(self.out, (*earlier, deck), self.folder)
            names.append(apkg_name)
        if site:
            (self.folder / SITE / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
            names.append(SITE)
        undo: list[Callable[[], None]] = []
        try:
            for name in names:
                undo.append(_swap(self.folder / name, self.out / name))
            if ledger is not None:
                os.replace(ledger.file, ledger.target)
        except OSError:
            for step in reversed(undo):
                step()
            raise
        if deck is None:
            return ()
        # Published: nothing after this may fail the build. A manifest left longer is as true.
        notices = _remove_earlier_decks(self.out, earlier, deck)
        with contextlib.suppress(OSError):
            _write_manifest(self.out, (deck,), self.folder)
        return notices


@contextmanager
def staging(out: Path) -> Iterator[Staging]:
    """A fresh staging folder, for as long as this process holds the output's lock; what
    builds killed earlier left behind is removed first."""
    work = out / WORK
    work.mkdir(parents=True, exist_ok=True)
    with _locked(work / _LOCK, out):
        for stale in out.iterdir():
            if _STAGING_RE.fullmatch(stale.name):
                _remove_staging(stale)
        folder = out / f".staging-{os.getpid()}"
        folder.mkdir()
        try:
            yield Staging(out, folder)
        except OSError as exc:
            if exc.filename is None:  # a write that failed as its file closed names no file
                exc.filename = os.fspath(out)
            raise
        finally:
            _remove_staging(folder)


def _remove_staging(folder: Path) -> None:
    """A staging folder and the pending files it lists (a ledger not yet moved into place)."""
    try:
        listed = (folder / _PENDING).read_text(encoding="utf-8").splitlines()
    except OSError:
        listed = []
    for name in listed:
        # Only what exists: a read-only folder refuses even to unlink what is not there.
        if name.endswith(".new") and os.path.lexists(name):
            os.unlink(name)
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    else:
        folder.unlink(missing_ok=True)


def _remove_earlier_decks(out: Path, earlier: Sequence[_Written], deck: _Written
                          ) -> tuple[Diagnostic, ...]:
    """Decks an earlier build wrote under another name (the deck was renamed): removed when
    unchanged, else left in place; either way the build says so."""
    notices = []
    now = display_path(out / deck.name)
    for name in dict.fromkeys(w.name for w in earlier if w.name != deck.name):
        old = out / name
        if not os.path.lexists(old):
            continue
        why = "it has changed since"
        if _written_here(old, earlier):
            try:
                old.unlink()
            except OSError as exc:
                why = f"it cannot be removed ({exc.strerror})"
            else:
                notices.append(warning(display_path(old), "removed: an earlier build wrote "
                                       f"it, and the deck is now {now}"))
                continue
        notices.append(warning(display_path(old), f"left in place: an earlier build wrote it, "
                               f"but {why}; the deck is now {now}"))
    return tuple(notices)


# --- the lock ------------------------------------------------------------------------------

@contextmanager
def _locked(file: Path, out: Path) -> Iterator[None]:
    """Hold the output folder's lock: builds of one output take turns. The system releases it
    when the process ends, however it ends, so a killed build never leaves it held."""
    with file.open("a+b") as handle:
        if not _try_lock(handle.fileno()):
            print(f"{display_path(out)}: waiting for another build of this folder to finish…",
                  file=sys.stderr, flush=True)
            while not _try_lock(handle.fileno()):
                time.sleep(_WAIT_SECONDS)
        yield


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# --- moving into place ---------------------------------------------------------------------

def _swap(staged: Path, target: Path) -> Callable[[], None]:
    """Move ``staged`` to ``target`` in one step; what ``target`` held moves to ``staged`` (and
    goes with the staging folder). Returns the step that undoes it."""
    if not os.path.lexists(target):
        os.rename(staged, target)
        return lambda: os.rename(target, staged)
    _exchange(staged, target)
    return lambda: _exchange(staged, target)


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths: atomically where the system can (Linux's renameat2), else by three
    renames, between which ``b`` is briefly missing."""
    if _renameat2 is not None:
        # Through ctypes no audit event is raised: raise the one os.rename would, so that audit
        # hooks see every rename.
        sys.audit("os.rename", a, b, None, None)
        if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                      _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), os.fspath(b))
    aside = a.with_name(a.name + ".swap")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _load_renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    function: Callable[..., int] | None = getattr(ctypes.CDLL(None, use_errno=True),
                                                  "renameat2", None)
    return function


_renameat2 = _load_renameat2()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
