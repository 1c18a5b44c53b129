"""What every command shares: the error edge, loading with progress, writing output.

Human output goes to stdout, progress and diagnostics to stderr, so that
`--format json > out.json` is always clean JSON.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..diagnostics import Diagnostic, InputError
from ..i18n import printable

EXIT_FINDINGS = 1
EXIT_INPUT = 2


def stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_diagnostics(diags: list[Diagnostic], lang: str = "vi", quiet: bool = False) -> None:
    """Every diagnostic on stderr, one line each (warnings hidden by --quiet)."""
    for d in diags:
        if quiet and not d.is_error:
            continue
        sys.stderr.write(printable(d.render(lang)) + "\n")


def run_app(app: typer.Typer) -> None:
    """Run the typer app; turn problems into exit 2 without a traceback."""
    try:
        # Outside standalone mode click returns a typer.Exit's code instead of raising it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as error:
        try:
            fail_input(error, _lang_from_argv())
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except click_exceptions() as error:
        error.show()
        sys.exit(EXIT_INPUT)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one located line, never a traceback
        sys.stderr.write(_describe_crash(exc) + "\n")
        sys.exit(EXIT_INPUT)


def click_exceptions() -> tuple[type[BaseException], ...]:
    """Typer's usage errors and aborts, whichever click it uses.

    Typer 0.29+ carries its own copy of click (and does not install click);
    older versions use click itself. Both are found through typer's classes.
    """
    click_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    return (click_error, typer.Abort)


def _lang_from_argv() -> str:
    argv = sys.argv
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "vi"


def _describe_crash(exc: BaseException) -> str:
    tb = exc.__traceback__
    where = "?"
    while tb is not None:
        where = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno} in {tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return f"E299 internal error: {type(exc).__name__}: {exc} (at {where}); please report it"


def fail_input(error: InputError, lang: str = "vi") -> None:
    """Print an InputError's diagnostics and exit 2."""
    print_diagnostics(error.diagnostics, lang)
    errors = sum(1 for d in error.diagnostics if d.is_error)
    summary = f"{errors} lỗi" if lang == "vi" else f"{errors} error{'s' if errors != 1 else ''}"
    sys.stderr.write(summary + "\n")
    raise typer.Exit(EXIT_INPUT)


def load(path: Path, limits=None, progress: bool = True, lang: str = "vi", quiet: bool = False):
    """The catalogue at `path`, printing its warnings; InputError on errors."""
    from ..catalog.loader import require_catalog
    from ..catalog.yaml_reader import Limits

    limits = limits or Limits()
    if progress and sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(console=stderr_console(), transient=True) as bar:
            task = bar.add_task("Đọc danh mục" if lang == "vi" else "Loading catalogue", total=None)
            catalog, warnings = require_catalog(path, limits, lambda done, total: bar.update(task, completed=done, total=total))
    else:
        catalog, warnings = require_catalog(path, limits)
    print_diagnostics(warnings, lang, quiet)
    return catalog


def emit(text: str | bytes, output: Path | None) -> None:
    """Write text (or UTF-8 bytes) to --output atomically, or to stdout, ending with a newline."""
    if output is None and isinstance(text, str):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    data = text.encode("utf-8") if isinstance(text, str) else text
    end = b"" if data.endswith(b"\n") else b"\n"
    if output is None:  # machine-readable bytes (JSON): UTF-8 whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.write(end)
        sys.stdout.buffer.flush()
        return
    from ..atomic import write_atomic

    try:
        write_atomic(output, lambda handle: (handle.write(data), handle.write(end)))
    except OSError as error:  # a folder of that name, a full disk: the previous file is as it was
        raise typer.BadParameter(f"cannot write {output}: {error.strerror or error}", param_hint="--output") from None

