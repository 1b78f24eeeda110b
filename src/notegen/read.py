"""Read stage: find the note files and decode them into lines.

A note is a regular file inside the notes folder whose name ends in ``.md`` or ``.markdown`` (in
any case). A link counts when it leads to such a file inside the folder; FIFOs, devices, links
that lead outside, loop or lead nowhere are skipped with a warning, so no file can hang a build
or slip another folder's contents into a deck. Text is UTF-8 (a BOM is tolerated, and UTF-16
with a BOM is read as such); anything else gets the command that converts it. Line endings are
normalised to ``\\n`` and the text to Unicode NFC, so that the same note typed on two systems
parses the same way.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import shlex
import stat
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import yaml
from charset_normalizer import from_bytes

from .diagnostics import Diagnostic, decoded_name, error, readable, relative_path, warning
from .diagnostics import display_path as display_path  # re-exported for the later stages

NOTE_SUFFIXES = (".md", ".markdown")
MAX_NOTE_BYTES = 64_000_000
"""Larger than any note people write (a whole book exported with its images inlined is a few
tens of MB), small enough that reading one cannot exhaust memory."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    """Display path (POSIX, relative to the working directory when possible, readable even when
    the file's name is not UTF-8)."""
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
        return humanize(PurePosixPath(self.path).stem)


def humanize(stem: str) -> str:
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def default_deck_name(paths: Sequence[Path], sources: Sequence[SourceFile]) -> str:
    """The notes' title: a single note file's title, else the notes folder's name (so
    that adding a second note does not rename the deck)."""
    if len(paths) == 1 and paths[0].is_file() and sources:
        return sources[0].title
    folder = paths[0] if paths and paths[0].is_dir() else Path.cwd()
    return humanize(folder.resolve().name) or "Notes"


def is_note_name(name: str) -> bool:
    return name.lower().endswith(NOTE_SUFFIXES) and not name.startswith(".")


# --- finding notes -------------------------------------------------------------------------

def find_notes(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand files and folders into note files, in a stable order."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            problems.append(error(display_path(path), _missing(exc)))
            continue
        if stat.S_ISDIR(mode):
            found.extend(_walk(path, problems))
        elif (kind := _not_regular(mode)) is not None:
            problems.append(error(display_path(path), f"not a regular file ({kind})"))
        else:
            found.append(path)
    return found, problems


def _missing(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a link that leads back to itself"
    return "no such file or folder" if exc.errno == errno.ENOENT else exc.strerror or str(exc)


def _walk(folder: Path, problems: list[Diagnostic]) -> list[Path]:
    """Note files under a folder; an unreadable folder is an error, not a silent gap (its
    cards would retire)."""
    notes: list[Path] = []
    inside = os.path.realpath(folder)

    def unreadable(exc: OSError) -> None:
        problems.append(error(display_path(Path(exc.filename or folder)),
                              f"cannot read folder: {exc.strerror}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [name for name in sorted(dirs) if not name.startswith((".", "_"))
                   and _admitted(Path(root, name), inside, problems)]
        notes.extend(Path(root, name) for name in sorted(files)
                     if is_note_name(name) and _admitted(Path(root, name), inside, problems))
    return notes


def _admitted(path: Path, inside: str, problems: list[Diagnostic]) -> bool:
    """Whether to read a note file or enter a folder, noting why not. A link to a folder is not
    followed: inside the notes folder it leads to notes read where they are, outside to files
    that are not the user's notes."""
    if path.is_symlink():
        problem = _link_problem(path, inside)
        if problem is not None:
            problems.append(problem)
            return False
        if path.is_dir():
            return False
    if (problem := _name_problem(path)) is not None:
        problems.append(problem)
    return True


def _link_problem(link: Path, inside: str) -> Diagnostic | None:
    """Why a link is not a note (or a folder of notes), or None when it leads to a file or
    folder inside the notes folder."""
    shown = display_path(link)
    try:
        target = os.path.realpath(link, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return warning(shown, "a link that leads back to itself; skipped")
        return warning(shown, f"a link to {os.readlink(link)}, which does not exist; skipped")
    if os.path.commonpath((target, inside)) != inside:
        return warning(shown, f"a link to {readable(os.readlink(link))}, outside the notes "
                       "folder; not read")
    return None


def _name_problem(path: Path) -> Diagnostic | None:
    """A warning for a name that is not UTF-8, with the command that renames it."""
    raw = os.fsencode(path.name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    shown = relative_path(path)
    what = "folder" if path.is_dir() else "file"
    name = decoded_name(raw)
    if name is None:
        return warning(readable(shown), f"the {what} name is not UTF-8 (shown with escapes); "
                       f"rename it: mv {_shell_word(os.fsencode(shown))} NEW-NAME")
    target = os.fsencode(shown)[: -len(raw)] + name.encode("utf-8")
    return warning(readable(shown), f"the {what} name is not UTF-8 (shown here as GB18030); "
                   f"rename it: mv {_shell_word(os.fsencode(shown))} {_shell_word(target)}")


def _shell_word(raw: bytes) -> str:
    """Bytes as one word for bash or zsh: quoted text, or $'…' escapes when not UTF-8."""
    try:
        return shlex.quote(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "$'" + "".join(chr(b) if 32 <= b < 127 and chr(b) not in "'\\" else f"\\x{b:02x}"
                              for b in raw) + "'"


# --- reading one note ----------------------------------------------------------------------

def read_note(path: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Decode one note; None (with an explanation) when it cannot be used."""
    shown = display_path(path)
    data = _read_bytes(path, shown)
    if isinstance(data, Diagnostic):
        return None, [data]
    text = _decode(data, shown)
    if isinstance(text, Diagnostic):
        return None, [text]
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        return None, [warning(shown, "empty file, skipped")]
    lines = tuple(text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    front, body_start, problems = _front_matter(shown, lines)
    return SourceFile(shown, path, lines, front, body_start), problems


def _read_bytes(path: Path, shown: str) -> bytes | Diagnostic:
    """The file's bytes, when it is a regular file of a note's size. Opened without blocking,
    so a FIFO cannot stall the build; the checks are made on the file as opened."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return error(shown, f"cannot read: {exc.strerror}")
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if (kind := _not_regular(info.st_mode)) is not None:
            return warning(shown, f"not a regular file ({kind}); skipped")
        data = stream.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        size = max(info.st_size, len(data))
        return error(shown, f"{size / 1e6:.1f} MB is more than the {MAX_NOTE_BYTES / 1e6:.0f} "
                     "MB notegen reads from one note; split it into smaller notes")
    return data


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISDIR, "a folder"))
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in kinds if test(mode)), "not a file")


# --- decoding ------------------------------------------------------------------------------

def _decode(data: bytes, shown: str) -> str | Diagnostic:
    """The text of a note: UTF-8 (with or without a BOM), or UTF-16 with a BOM, which says its
    encoding unambiguously. Anything else is an error that names the likely encoding and how
    to convert the file."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return error(shown, f"not valid UTF-16 (byte {exc.start} of the file)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _not_utf8(data, exc.start, shown)


def _not_utf8(data: bytes, offset: int, shown: str) -> Diagnostic:
    line, col = _position(data, offset)
    reason = f"not valid UTF-8 (byte 0x{data[offset]:02x})"
    # What the bytes around the first bad one are: enough to tell, and quick on any size.
    sample = data[max(0, offset - _SAMPLE // 16) : offset + _SAMPLE]
    if _damaged_utf8(sample):
        return error(shown, f"{reason}, though the text around it is UTF-8: the file is damaged "
                     "here; retype what stands at this place", line, col)
    encoding = _likely_encoding(sample)
    if encoding is None:
        return error(shown, f"{reason}, and it does not look like text in any encoding: is it "
                     "a note? If it is, save it as UTF-8", line, col)
    converted = shlex.quote(shown + ".utf8")
    command = (f"iconv -f {encoding} -t UTF-8 {shlex.quote(shown)} > {converted} && "
               f"mv {converted} {shlex.quote(shown)}")
    return error(shown, f"{reason}: most likely {encoding}; convert it with: {command} (or "
                 f"open it in an editor as {encoding} and save it as UTF-8)", line, col)


_SAMPLE = 1_000_000


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (a file cut or joined), not text in another encoding, whose
    bytes are seldom valid UTF-8."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    other = len(text) - len(text.encode("ascii", "ignore")) - bad
    return bad * 20 < other


def _likely_encoding(data: bytes) -> str | None:
    """The encoding the bytes most likely are in, by the name iconv knows it."""
    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    # Of encodings that read the bytes equally well, the one most files are in: Windows'
    # Western code page, and GB18030, of which GBK and GB2312 are subsets. A few accented
    # letters are too little to tell one single-byte code page from another: Windows-1252 is
    # the one to bet on then.
    alike = {name for match in results if (match.chaos, match.coherence) == (best.chaos,
                                                                            best.coherence)
             for name in match.could_be_from_charset}
    if _single_byte(best.encoding) and _reads(data, "cp1252"):
        alike.add("cp1252")
    common = next((name for name in ("cp1252", "gb18030") if name in alike), best.encoding)
    return _iconv_name(common)


def _single_byte(codec: str) -> bool:
    return len(bytes(range(128, 256)).decode(codec, "replace")) == 128


def _reads(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _iconv_name(codec: str) -> str:
    name = codecs.lookup(codec).name  # e.g. cp1252, gb18030, utf-16-le, iso8859-2, shift_jis
    if m := re.fullmatch(r"cp(125\d)", name):
        return f"WINDOWS-{m.group(1)}"
    if m := re.fullmatch(r"iso8859-(\d+)", name):
        return f"ISO-8859-{m.group(1)}"
    if m := re.fullmatch(r"utf-(16|32)-(le|be)", name):
        return f"UTF-{m.group(1)}{m.group(2).upper()}"
    return name.upper()


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, col


# --- front matter --------------------------------------------------------------------------

_MAX_DEPTH = 64


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, bounded for text anyone may have written: no aliases (a few lines
    of them expand into billions of items), no nesting deeper than ``_MAX_DEPTH`` (composing
    recurses), and a scalar that cannot be built (an impossible date, a number of 5,000 digits)
    stays text, with a warning."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.kept_as_text: list[tuple[yaml.Mark, str]] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._refuse("aliases (*name) are not supported; write the value out")
        if self.depth == _MAX_DEPTH:
            self._refuse(f"nested more than {_MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _refuse(self, problem: str) -> NoReturn:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        mark = event.start_mark if isinstance(event.start_mark, yaml.error.Mark) else None
        raise yaml.composer.ComposerError(None, None, problem, mark)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:
            if not isinstance(node, yaml.ScalarNode):
                raise
            self.kept_as_text.append((node.start_mark, _unreadable(node, exc)))
            return node.value


def _unreadable(node: yaml.ScalarNode, exc: ValueError) -> str:
    if node.tag.endswith(":timestamp"):
        return f"{node.value} is not a real date ({exc})"
    if node.tag.endswith(":int"):
        return f"a number of {len(node.value)} digits is too long to read"
    return f"{node.value[:40]} cannot be read ({exc})"


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
    loader = _FrontMatterLoader("\n".join(block))
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        col = mark.column + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or "invalid YAML"
        return {}, end + 1, [error(path, f"front matter: {reason}", line, col)]
    finally:
        loader.dispose()
    problems = [warning(path, f"front matter: {why}; kept as text", mark.line + 2,
                        mark.column + 1) for mark, why in loader.kept_as_text]
    if not isinstance(data, dict):
        return {}, 0, problems
    return data, end + 1, problems


_YAML_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")
