"""`check --format json`: the gate's verdict for scripts.

`{"tool", "catalog", "baseline", "fail_on", "cost_tolerance", "passed",
"new", "existing", "regressions", "summary"}`: findings as the audit's JSON
contract writes them plus `fails` (whether each fails the run), regressions
with their rule (REG001-REG004), object, the figures that rose and their
location. Keys may be added, never renamed or removed.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..check import CheckResult, Entry
from .jsontext import dumps


def render(result: CheckResult, lang: str = "vi", root: str = "") -> str | bytes:
    """The verdict as JSON text; `root` is not needed, locations stay relative to the catalogue."""
    return dumps(check_document(result, lang), len(result.entries))


def check_document(result: CheckResult, lang: str = "vi") -> dict[str, Any]:
    """The verdict as JSON-ready data."""
    return {
        "tool": {"name": "simplify", "version": __version__},
        "catalog": {"name": result.catalog, "path": result.catalog_path, "procedures": result.procedures},
        "baseline": result.baseline,
        "fail_on": result.fail_on,
        "cost_tolerance": result.cost_tolerance,
        "passed": result.passed,
        "new": [_entry(e, lang) for e in result.of("new")],
        "existing": [_entry(e, lang) for e in result.of("existing")],
        "regressions": [_entry(e, lang) for e in result.of("regression")],
        "summary": result.summary(),
    }


def _entry(entry: Entry, lang: str) -> dict[str, Any]:
    return {**entry.item.to_dict(lang), "fails": entry.fails}
