"""What the user asked for, and the decorator that declares the shared options once.

Typer reads a command's options from its signature, so options shared by
several commands would otherwise be repeated in each. `with_options(...)`
adds the named shared options to a command's own signature and hands the
command one `Request` built from them.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, get_type_hints

from ..catalog.yaml_reader import Limits
from ..options import (
    DEFAULT_CATALOG, BaselineOpt, CostModelOpt, IgnoreOpt, Lang, LangOpt, MaxDepthOpt, MaxFileSizeOpt,
    MaxProceduresOpt, MaxRowsOpt, NoProgressOpt, PathArg, QuietOpt, RulesOpt, ScenarioOpt, SelectOpt, ShowWaivedOpt,
    TargetsOpt,
)


@dataclass(frozen=True)
class Request:
    """What the user asked for on the command line."""

    path: Path = DEFAULT_CATALOG
    rules: tuple[Path, ...] = ()
    cost_model: Path | None = None
    targets: Path | None = None
    select: str | None = None
    ignore: str | None = None
    baseline: str | None = None
    scenario: Path | None = None
    show_waived: bool = False
    limits: Limits = Limits()
    progress: bool = True
    lang: str = "vi"
    quiet: bool = False


_LIMITS = Limits()
# name -> (annotation, default); `limits` stands for the four --max-* options.
SHARED: dict[str, tuple[Any, Any]] = {
    "path": (PathArg, DEFAULT_CATALOG),
    "lang": (LangOpt, Lang.vi),
    "rules": (RulesOpt, None),
    "cost_model": (CostModelOpt, None),
    "targets": (TargetsOpt, None),
    "select": (SelectOpt, None),
    "ignore": (IgnoreOpt, None),
    "baseline": (BaselineOpt, None),
    "scenario": (ScenarioOpt, None),
    "show_waived": (ShowWaivedOpt, False),
    "quiet": (QuietOpt, False),
    "no_progress": (NoProgressOpt, False),
    "max_file_size": (MaxFileSizeOpt, _LIMITS.max_file_bytes),
    "max_procedures": (MaxProceduresOpt, _LIMITS.max_procedures),
    "max_depth": (MaxDepthOpt, _LIMITS.max_depth),
    "max_rows": (MaxRowsOpt, _LIMITS.max_rows),
}
LIMITS = ("max_file_size", "max_procedures", "max_depth", "max_rows")
SETTINGS = ("rules", "cost_model", "targets", "select", "ignore")


def request_from(values: dict[str, Any]) -> Request:
    """A Request from the shared options a command was given (the others keep their defaults)."""
    fields: dict[str, Any] = {k: values[k] for k in ("path", "cost_model", "targets", "select", "ignore",
                                                      "baseline", "scenario", "show_waived", "quiet") if k in values}
    if "rules" in values:
        fields["rules"] = tuple(values["rules"] or ())
    if "lang" in values:
        fields["lang"] = values["lang"].value
    if "no_progress" in values:
        fields["progress"] = not values["no_progress"]
    if "max_file_size" in values:
        fields["limits"] = Limits(max_file_bytes=values["max_file_size"], max_procedures=values["max_procedures"],
                                  max_depth=values["max_depth"], max_rows=values["max_rows"])
    return Request(**fields)


def with_options(*names: str) -> Callable[[Callable], Callable]:
    """Add the named shared options (or the groups "limits", "settings") to a command; pass it `request`."""
    chosen: list[str] = []
    for name in names:
        chosen += LIMITS if name == "limits" else SETTINGS if name == "settings" else (name,)

    def decorate(command: Callable) -> Callable:
        hints = get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints[p.name]) for p in inspect.signature(command).parameters.values()
               if p.name != "request"]
        shared = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=SHARED[n][1],
                                    annotation=SHARED[n][0]) for n in chosen]
        # PATH is the one positional argument: it comes first.
        params = [p for p in shared if p.name == "path"] + own + [p for p in shared if p.name != "path"]

        @functools.wraps(command)
        def run(**kwargs: Any) -> Any:
            given = {n: kwargs.pop(n) for n in chosen}
            return command(request=request_from(given), **kwargs)

        run.__signature__ = inspect.Signature(params)
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run

    return decorate
