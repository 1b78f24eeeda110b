"""The command line: a thin shell over build, export and the ledger.

Every failure the user can fix is reported as ``path:line:col: message`` with a non-zero
exit, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from . import __version__
from .build import build, load, require_folder, summary
from .config import SiteConfig, default_config_file
from .diagnostics import NotegenError, from_os_error
from .emit.export import write_jsonl
from .ledger import LEDGER_NAME, Ledger, anki_search
from .serve import serve

NOTES = Path("notes")
OUT = Path("build")

_notes_option = click.option(
    "--notes", "notes", type=click.Path(path_type=Path), default=NOTES, show_default=True,
    help="Folder of Markdown notes.")
_out_option = click.option(
    "--out", "out", type=click.Path(path_type=Path), default=OUT, show_default=True,
    help="Output folder: the .apkg and site/ go here.")
_config_option = click.option(
    "--config", "config", type=click.Path(path_type=Path), default=None,
    help="The site's mkdocs.yml (default: ./mkdocs.yml when present).")
_deck_option = click.option(
    "--deck", "deck", default=None,
    help="Root deck name (default: site_name from mkdocs.yml, else the notes' title).")


@click.group()
@click.version_option(__version__, prog_name="notegen")
def cli() -> None:
    """Turn Markdown study notes into an Anki deck and a searchable site."""


@cli.command("build")
@_notes_option
@_out_option
@_config_option
@_deck_option
@click.option("--verbose", "-v", is_flag=True, help="List every warning.")
def build_command(notes: Path, out: Path, config: Path | None, deck: str | None,
                  verbose: bool) -> None:
    """Build OUT/<deck>.apkg and OUT/site/ from the notes."""
    site_config = SiteConfig.load(config or default_config_file())
    report = build(notes, out, site_config, deck)
    click.echo(summary(report, verbose=verbose))


@cli.command("export")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of stdout.")
@_deck_option
def export_command(paths: tuple[Path, ...], output: TextIO, deck: str | None) -> None:
    """Write the cards of PATHS (files or folders; default notes/) as JSON lines."""
    loaded = load(list(paths) or [NOTES], deck)
    for problem in loaded.problems:
        click.echo(str(problem), err=True)
    count = write_jsonl(loaded.deck, output)
    click.echo(f"{count} cards", err=True)


@cli.command("retired")
@_notes_option
def retired_command(notes: Path) -> None:
    """Print an Anki search that selects the notes of cards gone from the notes."""
    ledger = Ledger.load(require_folder(notes) / LEDGER_NAME)
    retired = [e for e in ledger.entries if e.retired]
    if not retired:
        click.echo("no retired cards", err=True)
        return
    for entry in retired:
        click.echo(f"{entry.id}  {entry.chapter} / {entry.title}", err=True)
    click.echo(anki_search(e.id for e in retired))


@cli.command("serve")
@_notes_option
@_out_option
@_config_option
@_deck_option
@click.option("--port", default=8000, show_default=True)
def serve_command(notes: Path, out: Path, config: Path | None, deck: str | None,
                  port: int) -> None:
    """Build, serve the site on localhost and rebuild when a note changes."""
    serve(notes, out, config or default_config_file(), deck, port)


def run(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        cli.main(args=argv, prog_name="notegen", standalone_mode=False)
    except NotegenError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic), err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except OSError as exc:
        click.echo(str(from_os_error(exc)), err=True)
        return 1
    return 0


def main() -> None:
    sys.exit(run())
