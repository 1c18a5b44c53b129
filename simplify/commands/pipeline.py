"""Load everything an analysis needs and run it: shared by audit, cost, report, check and plan.

The order matters: the catalogue first (its errors are the most useful to
see), then the settings (rule packs, cost model, targets), then the
baseline and the scenario, each raising `InputError` with located problems.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..analysis import Analysis, Settings, analyse
from .request import Request
from ..metrics import METRICS


def settings_folder(path: Path) -> Path | None:
    """The catalogue's own rules/ folder (as `simplify init` makes it), which replaces the built-in one."""
    local = path / "rules"
    return local if path.is_dir() and local.is_dir() else None


def in_folder(folder: Path | None, name: str) -> Path | None:
    return folder / name if folder is not None and (folder / name).is_file() else None


def load_settings(request: Request, catalog) -> Settings:
    """Rule packs, cost model, targets and baseline metrics for `catalog`."""
    from ..rules.engine import load_rules, select_rules
    from ..settings import load_cost_model
    from ..targets import load_targets

    base = settings_folder(request.path)
    cost_model = load_cost_model(request.cost_model or in_folder(base, "cost_model.yaml"))
    rules = select_rules(load_rules(list(request.rules), base), request.select, request.ignore)
    targets = load_targets(request.targets or in_folder(base, "targets.yaml"))
    baseline_metrics = None
    if request.baseline:
        from ..baseline import baseline_metrics as metrics_of, load_baseline

        baseline_metrics = metrics_of(load_baseline(request.baseline, request.path, request.limits), cost_model)
    return Settings(cost_model=cost_model, rules=rules, targets=targets,
                    baseline_metrics=baseline_metrics, show_waived=request.show_waived)


def run_analysis(request: Request, json: bool = False) -> Analysis:
    """The analysis of the requested catalogue, after the scenario if one was given; `json` when it is to be
    written as JSON."""
    from .common import load

    catalog = load(request.path, request.limits, request.progress, request.lang, request.quiet)
    settings = load_settings(request, catalog)
    if json:
        settings = replace(settings, json_lang=request.lang)
    if request.scenario is None:
        return analyse(catalog, settings)
    from ..scenario import apply_scenario, load_scenario

    before = analyse(catalog, settings)
    scenario = load_scenario(request.scenario, catalog)
    result = apply_scenario(catalog, scenario, settings.cost_model)
    # Target baselines do not move with a scenario: what was "current" stays the baseline.
    fixed = settings.baseline_metrics or {
        m: catalog.info.baseline_value(m) if catalog.info.baseline_value(m) is not None else before.metrics[m]
        for m in METRICS
    }
    after = analyse(result.catalog, replace(settings, baseline_metrics=fixed))
    return replace(after, scenario=result, before=before)
