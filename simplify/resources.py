"""Where the default rule packs, cost model and targets are found.

In the repository they are the top-level `rules/` folder; an installed
package carries the same files as `simplify/defaults/` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def defaults_dir() -> Path:
    """The folder holding default.yaml, cost_model.yaml and targets.yaml."""
    installed = _HERE / "defaults"
    if (installed / "cost_model.yaml").is_file():
        return installed
    return _HERE.parent / "rules"


def default_file(name: str) -> Path:
    return defaults_dir() / name
