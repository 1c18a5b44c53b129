"""The `simplify` command line: one typer application, thin commands.

Each command lives in `simplify/commands/<name>.py` and is registered here.
Problems with the input reach this edge as `InputError` and become exit
code 2 with every located diagnostic on stderr; anything unexpected becomes
one line saying what failed and where, also exit 2, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from . import __version__

app = typer.Typer(
    name="simplify",
    help="Audit catalogues of administrative procedures (TTHC): compliance cost, once-only findings, targets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"simplify {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """simplify: cut administrative procedures and their compliance cost by half."""
    from .parallel import defer_writes, wait_later

    # Cache files are written in the background while the output is made; a command ends when they are.
    defer_writes()
    ctx.call_on_close(wait_later)


def _register() -> None:
    """Attach every command once (tests call `main` many times in one process)."""
    import importlib

    from .commands import COMMANDS

    if app.registered_commands:
        return
    for name, module, function in COMMANDS:
        mod = importlib.import_module(f".commands.{module}", __package__)
        app.command(name)(getattr(mod, function))


def main() -> None:
    """Console-script entry point."""
    if len(sys.argv) > 1 and sys.argv[1] in ("--version", "-V"):
        print(f"simplify {__version__}")
        return
    _register()
    from .commands.common import run_app

    run_app(app)
