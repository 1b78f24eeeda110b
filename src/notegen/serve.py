"""``notegen serve``: the site on 127.0.0.1, rebuilt when a note is saved, and the pages open
in a browser reloaded once the new site is in place.

Changes are noticed through watchfiles (the system's own file events, in batches) rather than
MkDocs' live-reload server. That server rebuilds on any event under a watched folder, and
every build rewrites the ledger inside the notes folder, so each save would build twice; it
also reloads the pages after every attempt, a failed one included. Here a batch of events
leads to a build only when the content of something the build reads has changed, and pages
reload only after a build has published a new site.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from errno import EACCES, EADDRINUSE
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

import click
import watchfiles

from .build import BuildReport, build, moved_notice, summary
from .config import SiteConfig
from .diagnostics import Diagnostic, NotegenError, Severity, error, from_os_error
from .emit.site.chinese import KeptJieba
from .progress import Progress
from .stamp import is_input

HOST = "127.0.0.1"
RELOAD_PATH = "/.notegen/reload"
# A page waiting for a new site asks again after this long, well inside the time after which
# browsers and proxies give up on a quiet request.
_WAIT_SECONDS = 25.0
# mkdocs.yml is checked this often: editors save it by replacing the file, which ends a
# watch on the file itself, and watching its folder would mean watching the whole project.
_CONFIG_CHECK_MS = 500


def serve(notes: Path, out: Path, config: Path | None, deck: str | None, port: int, *,
          progress: Progress, quiet: bool = False) -> None:
    server = _listen(port, out / "site")  # first: a busy port must fail before any build
    threading.Thread(target=server.serve_forever, daemon=True).start()
    builds = _Builds(notes, out, config, deck, progress)
    inputs = _Inputs(notes, config)  # before the first build, so that no save goes unseen
    try:
        report = builds.run()
        if report is not None and not quiet:
            click.echo(summary(report))
        click.echo(f"serving http://{HOST}:{server.server_address[1]}/ (on this computer "
                   "only); rebuilding when a note changes. Ctrl+C stops.")
        for _ in inputs.changes():
            started = time.monotonic()
            if (report := builds.run()) is not None:
                server.reloads.publish()
                if not quiet:
                    click.echo(f"{_clock()} rebuilt in {time.monotonic() - started:.1f} s: "
                               + _counts(report))
    except KeyboardInterrupt:
        pass
    finally:
        builds.jieba.close()
        server.reloads.close()
        server.shutdown()
        server.server_close()


class _Builds:
    """The builds of one ``serve``: each reports only the warnings the last one did not."""

    def __init__(self, notes: Path, out: Path, config: Path | None, deck: str | None,
                 progress: Progress) -> None:
        self._notes, self._out, self._config, self._deck = notes, out, config, deck
        self._progress = progress
        self._warned: frozenset[Diagnostic] = frozenset()
        self.jieba = KeptJieba()
        """Loaded once, for every build that cuts Chinese with the same terms."""

    def run(self) -> BuildReport | None:
        """Build; on failure say why and return None (the last good site stays served)."""
        try:
            with self._progress as progress:
                report = build(self._notes, self._out, SiteConfig.load(self._config),
                               self._deck, progress=progress, jieba=self.jieba)
        except (NotegenError, OSError) as exc:
            problems = exc.diagnostics if isinstance(exc, NotegenError) else [from_os_error(exc)]
            for problem in problems:
                click.echo(str(problem), err=True)
            still = ("still serving the last good site" if (self._out / "site").is_dir()
                     else "nothing to serve yet")
            click.echo(f"{_clock()} build failed; {still}: fix it and save to build again",
                       err=True)
            return None
        warnings = frozenset(p for p in report.problems if p.severity is Severity.WARNING)
        for problem in report.problems:
            if problem in warnings - self._warned:
                click.echo(str(problem), err=True)
        self._warned = warnings
        if notice := moved_notice(report):
            click.echo(notice, err=True)
        return report


def _counts(report: BuildReport) -> str:
    warnings = sum(p.severity is Severity.WARNING for p in report.problems)
    return (f"{len(report.deck.cards)} cards in {len(report.deck.chapters)} chapters"
            + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""))


def _clock() -> str:
    return time.strftime("%H:%M:%S")


# --- what a build reads ---------------------------------------------------------------------

class _Inputs:
    """What a build reads: the notes folder's files and the site's mkdocs.yml."""

    def __init__(self, notes: Path, config: Path | None) -> None:
        self._notes = notes
        self._notes_files = Contents(functools.partial(note_files, notes))
        self._config_file = Contents(lambda: [config] if config is not None else [])

    def changes(self) -> Iterator[None]:
        """Yields each time the content of an input has changed, until interrupted."""
        watch = watchfiles.watch(
            self._notes, watch_filter=lambda change, path: is_input(path, change),
            rust_timeout=_CONFIG_CHECK_MS, yield_on_timeout=True)
        for turn, events in enumerate(watch):
            # The first turn comes once the watch is set up: a note saved before is seen then.
            notes_changed = (bool(events) or turn == 0) and self._notes_files.changed()
            if self._config_file.changed() or notes_changed:
                yield


def note_files(notes: Path) -> list[Path]:
    return [p for p in notes.rglob("*")
            if is_input(str(p)) and p.is_file()]


@dataclass(frozen=True, slots=True)
class _Stamp:
    mtime_ns: int
    size: int
    digest: str


class Contents:
    """The content of a set of files, to tell a real change from a save that changed nothing
    (or a touch). A file is read again only when its size or modification time moved."""

    def __init__(self, files: Callable[[], Iterable[Path]]) -> None:
        self._files = files
        self._stamps = self._read({})

    def changed(self) -> bool:
        stamps = self._read(self._stamps)
        changed = ({p: s.digest for p, s in stamps.items()}
                   != {p: s.digest for p, s in self._stamps.items()})
        self._stamps = stamps
        return changed

    def _read(self, known: dict[Path, _Stamp]) -> dict[Path, _Stamp]:
        stamps = {}
        for path in self._files():
            try:
                stat = path.stat()
                old = known.get(path)
                if old is not None and (old.mtime_ns, old.size) == (stat.st_mtime_ns,
                                                                    stat.st_size):
                    stamps[path] = old
                else:
                    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                    stamps[path] = _Stamp(stat.st_mtime_ns, stat.st_size, digest)
            except OSError:  # gone or unreadable since it was listed: as good as absent
                continue
        return stamps


# --- the server -----------------------------------------------------------------------------

def _listen(port: int, site: Path) -> _LiveServer:
    try:
        return _LiveServer((HOST, port), functools.partial(_LiveHandler,
                                                           directory=str(site.resolve())))
    except OSError as exc:
        if exc.errno == EADDRINUSE:
            why = (f"port {port} is already in use (by another `notegen serve`?): stop that "
                   "one, or choose another port with --port")
        elif exc.errno == EACCES:
            why = (f"not allowed to listen on port {port} (ports below 1024 need root): "
                   "choose one above 1023 with --port")
        else:
            why = f"cannot listen on {HOST}:{port}: {exc.strerror or exc}"
        raise NotegenError(error("notegen serve", why)) from None


class _Reloads:
    """The site's generation. An open page waits for it to pass the one it was served with,
    then reloads; a restarted server starts a new generation, so its pages reload too."""

    def __init__(self) -> None:
        self._generation = secrets.token_hex(8)
        self._changed = threading.Condition()
        self._closed = False

    @property
    def generation(self) -> str:
        return self._generation

    def publish(self) -> None:
        with self._changed:
            self._generation = secrets.token_hex(8)
            self._changed.notify_all()

    def close(self) -> None:
        """Let every waiting page go, so that the server can stop."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_past(self, known: str, seconds: float) -> str:
        with self._changed:
            self._changed.wait_for(lambda: self._generation != known or self._closed, seconds)
            return self._generation


class _LiveServer(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int],
                 handler: Callable[..., SimpleHTTPRequestHandler]) -> None:
        self.reloads = _Reloads()
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser went away (a page closed or reloaded): nothing to answer
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder's files without logging each request or listing folders; the stdlib
    handler already keeps requests inside the folder (``..`` cannot climb out of it)."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_head(self) -> BinaryIO | None:
        try:
            return super().send_head()
        except ValueError:  # a NUL byte or bytes that are no text: no file has that name
            self.send_error(HTTPStatus.NOT_FOUND)
            return None


class _LiveHandler(QuietHandler):
    """Adds what a page needs to reload itself when the site is rebuilt."""

    server: _LiveServer

    def do_GET(self) -> None:
        if urlsplit(self.path).path == RELOAD_PATH:
            self._answer_when_rebuilt()
        else:
            super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a reload must fetch the new site
        super().end_headers()

    def send_head(self) -> BinaryIO | None:
        page = self._page()
        if page is None:
            return super().send_head()
        try:
            body = _with_reload_script(page.read_bytes(), self.server.reloads.generation)
        except OSError:  # replaced by a build at this very moment
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _page(self) -> Path | None:
        """The HTML file this request asks for, if it asks for one."""
        try:
            file = Path(self.translate_path(self.path))
            if file.is_dir():
                if not urlsplit(self.path).path.endswith("/"):
                    return None  # the stdlib handler redirects to the folder's address
                file = file / "index.html"
            return file if file.suffix == ".html" and file.is_file() else None
        except ValueError:
            return None  # no page has such a name; send_head answers it

    def _answer_when_rebuilt(self) -> None:
        known = parse_qs(urlsplit(self.path).query).get("known", [""])[0]
        body = self.server.reloads.wait_past(known, _WAIT_SECONDS).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_RELOAD_SCRIPT = """<script>(() => {
  if (window.notegenReload) return;  // instant navigation brings this script along
  window.notegenReload = "%(generation)s";
  const ask = () => fetch("%(path)s?known=%(generation)s", {cache: "no-store"})
    .then((r) => r.ok ? r.text() : Promise.reject(r.status))
    .then((now) => now === "%(generation)s" ? ask() : location.reload())
    .catch(() => setTimeout(ask, 1000));  // the server is restarting: ask again
  ask();
})();</script>"""


def _with_reload_script(page: bytes, generation: str) -> bytes:
    script = (_RELOAD_SCRIPT % {"generation": generation, "path": RELOAD_PATH}).encode()
    end = page.rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]
