"""`simplify graph`: draw one procedure's steps, or the document network of a catalogue."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..options import DEFAULT_CATALOG, Lang, OutputOpt
from .common import emit, load
from .request import Request, with_options


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    graphml = "graphml"
    json = "json"


def split_arguments(first: str | None, second: str | None) -> tuple[Path, str | None]:
    """(catalogue path, procedure code) from the one or two positional arguments.

    A single argument is the catalogue when it names an existing file or
    folder, or looks like a path (a separator or a catalogue suffix), so that
    a mistyped path is reported as missing rather than as an unknown code;
    otherwise it is a procedure code in the default catalogue.
    """
    if second is not None:
        return Path(first), second
    if first is None:
        return DEFAULT_CATALOG, None
    candidate = Path(first)
    looks_like_path = "/" in first or "\\" in first or candidate.suffix.lower() in (".yaml", ".yml", ".xlsx")
    if candidate.exists() or looks_like_path:
        return candidate, None
    return DEFAULT_CATALOG, first


@with_options("lang", "quiet", "no_progress", "limits")
def graph(
    target: Annotated[Optional[str], typer.Argument(
        metavar="PATH", show_default=False,
        help="Catalogue folder, YAML file or .xlsx workbook (default ./procedures_catalog). "
             "Given alone, it is taken as PATH if it exists, else as a procedure CODE in the default catalogue.",
    )] = None,
    code: Annotated[Optional[str], typer.Argument(
        metavar="CODE", show_default=False,
        help="Procedure code: draw its step graph. Without it, the document network is drawn.",
    )] = None,
    format: Annotated[GraphFormat, typer.Option(
        "--format", help="mermaid (pastes into GitHub markdown), dot (Graphviz), graphml (Gephi, yEd) or json (node-link).",
    )] = GraphFormat.mermaid,
    life_event: Annotated[Optional[str], typer.Option(
        "--life-event", help="Network only: the procedures of this life event and the procedures linked to them.",
    )] = None,
    ministry: Annotated[Optional[str], typer.Option(
        "--ministry", help="Network only: the procedures of this ministry and the procedures linked to them.",
    )] = None,
    output: OutputOpt = None,
    request: Request = Request(),
) -> None:
    """Draw a procedure's step graph (simplify graph [PATH] CODE) or the document network (simplify graph [PATH]).

    The step graph shows each step with its actor, hours, days and
    in-person / online marks, the documents handed in at each step and the
    critical path in red. The network shows which procedure issues each
    document, which procedures ask for it and which database holds it;
    once-only opportunities (a document the state already issued or holds,
    yet asked of citizens) are drawn in orange.
    """
    from ..graph import focus_codes, network_diagram, procedure_diagram
    from ..report import dot, graphml, mermaid, nodelink

    lang = Lang(request.lang)
    path, code = split_arguments(target, code)
    if code is not None and (life_event or ministry):
        raise typer.BadParameter(
            "--life-event và --ministry chỉ dùng cho mạng giấy tờ, không dùng với mã thủ tục"
            if lang is Lang.vi else "--life-event and --ministry focus the document network; leave them out with a CODE",
            param_hint="--life-event/--ministry",
        )
    catalog = load(path, request.limits, request.progress, request.lang, request.quiet)
    writer = {
        GraphFormat.mermaid: mermaid, GraphFormat.dot: dot, GraphFormat.graphml: graphml, GraphFormat.json: nodelink,
    }[format]
    if code is not None:
        procedure = catalog.procedure(code)
        if procedure is None:
            raise typer.BadParameter(_unknown_code(catalog, code, lang), param_hint="CODE")
        text = writer.render(procedure_diagram(procedure, lang.value))
    else:
        if (life_event or ministry) and not focus_codes(catalog, life_event, ministry):
            raise typer.BadParameter(_no_focus(catalog, life_event, ministry, lang), param_hint="--life-event/--ministry")
        text = writer.render(network_diagram(catalog, lang.value, life_event=life_event, ministry=ministry))
    emit(text, output)


def _unknown_code(catalog, code: str, lang: Lang) -> str:
    import difflib

    near = difflib.get_close_matches(code, [p.code for p in catalog.procedures], n=3)
    hint = ", ".join(near)
    if lang is Lang.vi:
        return f"không có thủ tục mã '{code}' trong {catalog.path or 'danh mục'}" + (f" (gần giống: {hint})" if near else "")
    return f"no procedure '{code}' in {catalog.path or 'the catalogue'}" + (f" (did you mean: {hint})" if near else "")


def _no_focus(catalog, life_event: str | None, ministry: str | None, lang: Lang) -> str:
    events = ", ".join(sorted({p.life_event for p in catalog.procedures if p.life_event})) or "-"
    ministries = ", ".join(sorted({p.ministry for p in catalog.procedures if p.ministry})) or "-"
    if lang is Lang.vi:
        wanted = " và ".join(([f"sự kiện '{life_event}'"] if life_event else []) + ([f"bộ '{ministry}'"] if ministry else []))
        return f"không có thủ tục nào thuộc {wanted} (sự kiện: {events}; bộ: {ministries})"
    wanted = " and ".join(([f"life event '{life_event}'"] if life_event else []) + ([f"ministry '{ministry}'"] if ministry else []))
    return f"no procedure of {wanted} (life events: {events}; ministries: {ministries})"
