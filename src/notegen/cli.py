"""The command line: a thin shell over build, export and the ledger.

Each command imports the stages it runs when it runs, so that ``notegen build`` with nothing
changed answers (stamp.py) before MkDocs, the renderer or the readers are loaded.

Every failure the user can fix is reported as ``path:line:col: message`` with a non-zero
exit, never as a traceback. Results go to stdout; warnings, errors and progress to stderr, so
that a redirected summary or export never hides a warning.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click

from . import __version__
from .config import (
    LEDGER_NAME,
    Output,
    SiteConfig,
    asked_outputs,
    choose_deck_name,
    default_config_file,
)
from .diagnostics import Diagnostic, NotegenError, Severity, error, from_os_error
from .progress import Progress
from .read import display_path
from .stamp import Inputs

NOTES = Path("notes")
OUT = Path("build")
# A screenful; --verbose lists the rest.
WARNINGS_SHOWN = 12


def _notes_folder(_ctx: click.Context, _param: click.Parameter, notes: Path) -> Path:
    """The notes folder, or advice on what to give instead."""
    if notes.is_dir():
        return notes
    if notes.is_file():
        raise NotegenError(error(
            display_path(notes), "--notes takes the folder that holds your notes, not one "
            f"note: build them all with --notes {display_path(notes.parent)}, or see this "
            f"note's cards with `notegen export {display_path(notes)}`"))
    raise NotegenError(error(
        display_path(notes), "notes folder not found: run notegen in the folder that holds "
        "it, or name the folder of your notes with --notes"))


_notes_option = click.option(
    "--notes", "notes", type=click.Path(path_type=Path), default=NOTES, show_default=True,
    callback=_notes_folder, help="Folder of Markdown notes.")
_out_option = click.option(
    "--out", "out", type=click.Path(path_type=Path), default=OUT, show_default=True,
    help="Output folder: the .apkg and site/ go here.")
_config_option = click.option(
    "--config", "config", type=click.Path(path_type=Path), default=None,
    help="The site's mkdocs.yml (default: ./mkdocs.yml when present).")
_deck_option = click.option(
    "--deck", "deck", default=None,
    help="Root deck name (default: `deck` in the notes' notegen.yml, else site_name in "
         "mkdocs.yml, else the notes folder's name).")
_quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="Print only warnings and errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Run `notegen COMMAND -h` for a command's options.")
@click.version_option(__version__, "-V", "--version", prog_name="notegen")
def cli() -> None:
    """Turn Markdown study notes into an Anki deck and a searchable site."""


@cli.command("build")
@_notes_option
@_out_option
@_config_option
@_deck_option
@click.option("--only", type=click.Choice([o.value for o in Output]), default=None,
              help="Build just the Anki deck or just the site (default: both).")
@click.option("-v", "--verbose", is_flag=True,
              help=f"List every warning (else the first {WARNINGS_SHOWN}).")
@_quiet_option
def build_command(notes: Path, out: Path, config: Path | None, deck: str | None,
                  only: str | None, verbose: bool, quiet: bool) -> None:
    """Build the Anki deck and the site from the notes.

    Writes OUT/<deck>.apkg and OUT/site/, both replaced only when the whole build has
    succeeded, and updates the notes' identity ledger.
    """
    site_config = SiteConfig.load(config or default_config_file())
    wanted = Output(only) if only else None
    inputs = Inputs(notes, out, site_config, deck, asked_outputs(wanted))
    if (built := inputs.up_to_date()) is not None:
        echo_problems(built.problems, limit=None if verbose else WARNINGS_SHOWN)
        if not quiet:
            click.echo(built.summary())
        return
    from .build import build, moved_notice, summary

    with _progress(quiet) as progress:
        report = build(notes, out, site_config, deck, only=wanted, progress=progress,
                       inputs=inputs)
    echo_problems(report.problems, limit=None if verbose else WARNINGS_SHOWN)
    if notice := moved_notice(report):
        click.echo(notice, err=True)
    if not quiet:
        click.echo(summary(report))


@cli.command("serve")
@_notes_option
@_out_option
@_config_option
@_deck_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@_quiet_option
def serve_command(notes: Path, out: Path, config: Path | None, deck: str | None,
                  port: int, quiet: bool) -> None:
    """Serve the site locally; rebuild and reload it on each save.

    Builds, serves OUT/site/ on http://127.0.0.1:PORT/ (reachable from this computer
    only), and rebuilds when a note, an image in the notes folder or mkdocs.yml changes;
    open pages reload by themselves. Ctrl+C stops.
    """
    from .serve import serve

    serve(notes, out, config or default_config_file(), deck, port,
          progress=_progress(quiet), quiet=quiet)


@cli.command("export")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of stdout.")
@_config_option
@_deck_option
@_quiet_option
def export_command(paths: tuple[Path, ...], output: TextIO, config: Path | None,
                   deck: str | None, quiet: bool) -> None:
    """Write the cards of notes as JSON lines.

    PATHS are note files or folders (default: notes/). Each line holds a card's id, deck,
    chapter, title, question, answer, tags and source; ids are those of the last build.
    """
    from .build import load, notes_root
    from .emit.export import write_jsonl

    sources = list(paths) or [NOTES]
    site_config = SiteConfig.load(config or default_config_file())
    loaded = load(sources, choose_deck_name(deck, notes_root(sources), site_config).name)
    echo_problems(loaded.problems)
    count = write_jsonl(loaded.deck, output)
    if not quiet:
        click.echo(f"{count} cards", err=True)


@cli.command("retired")
@_notes_option
def retired_command(notes: Path) -> None:
    """Print an Anki search for the cards gone from the notes.

    Paste it into Anki's browser to select those notes, then delete or suspend them.
    """
    from .ledger import Ledger, anki_search

    ledger = Ledger.load(notes / LEDGER_NAME)
    retired = [e for e in ledger.entries if e.retired]
    if not retired:
        click.echo("no retired cards", err=True)
        return
    for entry in retired:
        click.echo(f"{entry.id}  {entry.chapter} / {entry.title}", err=True)
    click.echo(anki_search(e.id for e in retired))


@cli.command("styles")
def styles_command() -> None:
    """List the ways of marking questions notegen reads."""
    from .styles import READERS

    width = max(len(m.NAME) for m in READERS)
    click.echo(f"{'auto':<{width}}  the style that explains each note best (the default)")
    for module in READERS:
        summary_line = " ".join((module.__doc__ or "").split("\n\n")[0].split())
        summary_line = summary_line.replace("``", "`").removesuffix(":")
        click.echo(f"{module.NAME:<{width}}  {summary_line}")
    click.echo("\nState a note's style in its front matter:  notegen: {questions: NAME}")


def _progress(quiet: bool) -> Progress:
    return Progress() if quiet else Progress.for_stream(sys.stderr)


def echo_problems(problems: Sequence[Diagnostic], limit: int | None = None) -> None:
    """Print problems to stderr in their order: every error, and warnings up to ``limit``."""
    warnings = 0
    for problem in problems:
        if problem.severity is Severity.WARNING:
            warnings += 1
            if limit is not None and warnings > limit:
                continue
        click.echo(str(problem), err=True)
    if limit is not None and warnings > limit:
        click.echo(f"… {warnings - limit} more warnings (`notegen build --verbose` lists all)",
                   err=True)


def run(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        cli.main(args=argv, prog_name="notegen", standalone_mode=False)
    except NotegenError as exc:
        echo_problems(exc.diagnostics)
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
