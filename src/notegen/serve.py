"""``notegen serve``: build, serve the site on localhost, rebuild when a note changes."""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from .build import build, summary
from .config import SiteConfig
from .diagnostics import NotegenError, from_os_error

_POLL_SECONDS = 0.5
# Notes and the images they show; not the ledger, which every build rewrites.
_WATCHED = (".md", ".markdown", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def serve(notes: Path, out: Path, config: Path | None, deck: str | None, port: int) -> None:
    def rebuild() -> None:
        try:
            report = build(notes, out, SiteConfig.load(config), deck)
        except (NotegenError, OSError) as exc:
            problems = exc.diagnostics if isinstance(exc, NotegenError) else [from_os_error(exc)]
            for problem in problems:
                click.echo(str(problem), err=True)
            click.echo("build failed; still serving the last good site", err=True)
        else:
            click.echo(summary(report))

    rebuild()
    site = out / "site"
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"serving {site} on http://127.0.0.1:{server.server_address[1]}/ "
               "(Ctrl+C stops)")
    seen = _snapshot(notes, config)
    try:
        while True:
            time.sleep(_POLL_SECONDS)
            now = _snapshot(notes, config)
            if now != seen:
                seen = now
                click.echo("notes changed: rebuilding…")
                rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _snapshot(notes: Path, config: Path | None) -> dict[Path, tuple[int, int]]:
    """What a change to the notes or the site's config would alter."""
    files = [p for p in notes.rglob("*") if p.suffix.lower() in _WATCHED]
    if config is not None:
        files.append(config)
    state = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request."""

    def log_message(self, format: str, *args: object) -> None:
        pass
