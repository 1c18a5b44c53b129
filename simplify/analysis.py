"""One analysis of a catalogue: costs, metrics, findings, targets, scenario.

This is what every report is written from (audit in any format, the Excel
report, check). It is a function of the catalogue and the settings; the
commands load the inputs and hand the result to a writer. For a catalogue
read from a folder, the costs and findings of procedures whose inputs are
unchanged come from the analysis cache (simplify.catalog.cache), which holds
exactly what working them out again would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cost import CostModel, ProcedureCost, costs_of
from .metrics import metric_row, metrics_of
from .model import Catalog
from .parallel import start_later
from .rules.finding import Findings, Part

if TYPE_CHECKING:
    from .catalog.cache import AnalysisCache


@dataclass(frozen=True)
class Settings:
    """Everything besides the catalogue that an analysis depends on."""

    cost_model: CostModel
    rules: tuple = ()            # simplify.rules.model.Rule, already filtered by --select/--ignore
    targets: tuple = ()          # simplify.targets.Target
    baseline_metrics: dict[str, float | None] | None = None  # from --baseline, else None
    show_waived: bool = False
    # The language the findings will be written in as compact JSON (audit --format json), else None: a
    # national catalogue's are then encoded where they are found, on every core.
    json_lang: str | None = None


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one catalogue."""

    catalog: Catalog
    settings: Settings
    costs: dict[str, ProcedureCost]
    metrics: dict[str, Any]
    findings: Findings = field(default_factory=Findings)  # ordered as the JSON contract says
    potential_annual_saving: float = 0.0
    projected_metrics: dict[str, Any] = field(default_factory=dict)
    targets: tuple = ()                    # simplify.targets.TargetResult
    scenario: Any = None                   # simplify.scenario.ScenarioResult when --scenario was given
    before: Analysis | None = None         # the analysis without the scenario

    @property
    def reported_findings(self) -> tuple:
        """Findings that are not waived (waived ones too with --show-waived)."""
        if self.settings.show_waived:
            return self.findings.all()
        return tuple(f for f in self.findings if not f.waived)

    @property
    def reported_count(self) -> int:
        """How many findings are reported, counted without reading them."""
        return self.findings.reported_count(self.settings.show_waived)


def analyse(catalog: Catalog, settings: Settings) -> Analysis:
    """Cost, metrics, findings and targets of `catalog`."""
    from .catalog.cache import collector_paused

    with collector_paused():
        return _analyse(catalog, settings)


def _analyse(catalog: Catalog, settings: Settings) -> Analysis:
    from .catalog.cache import AnalysisCache

    cache = AnalysisCache.open(catalog, lambda: _settings_key(settings))
    if cache is None:
        costs, parts = _worked_out(catalog, settings, {}, pickled=False)
    else:
        costs, parts = _cached(catalog, settings, cache)
        cache.save()
    start_later()  # the cache files are written on another core while the rest is worked out
    # A procedure's row was made where its findings were, unless there are no rules.
    rows = [part.before if (part := parts.get(p.code)) is not None and part.before is not None
            else metric_row(p, costs[p.code]) for p in catalog.procedures]
    metrics = metrics_of(rows)
    projected_metrics = cache.projected() if cache is not None else None
    if projected_metrics is None:
        projected_metrics = _projected_metrics(catalog, settings, rows, metrics, parts)
    if cache is not None:
        cache.put_projected(projected_metrics)
    targets: tuple = ()
    if settings.targets:
        from .targets import evaluate_targets

        targets = tuple(
            evaluate_targets(settings.targets, catalog.info, settings.baseline_metrics, metrics, projected_metrics)
        )
    return Analysis(
        catalog=catalog,
        settings=settings,
        costs=costs,
        metrics=metrics,
        # In code order, as the JSON contract lists them (then by rule and location within a procedure).
        findings=Findings((parts[code] for code in sorted(parts)), cache.name if cache is not None else None),
        potential_annual_saving=metrics["annual_cost"] - projected_metrics["annual_cost"],
        projected_metrics=projected_metrics,
        targets=targets,
    )


def _worked_out(catalog: Catalog, settings: Settings, known: dict[str, ProcedureCost], only: set[str] | None = None,
                pickled: bool = True) -> tuple[dict[str, ProcedureCost], dict[str, Part]]:
    """The cost and findings of each procedure `only` names (all when None), by code, the costs `known` aside;
    the findings `pickled` for the analysis cache, with their JSON when it is to be written."""
    if not settings.rules:
        chosen = [p for p in catalog.procedures if only is None or p.code in only]
        return {p.code: c for p, c in zip(chosen, costs_of(chosen, settings.cost_model))}, {}
    from .rules.engine import examine

    json = (settings.json_lang, settings.show_waived) if settings.json_lang is not None else None
    return examine(catalog, settings.rules, settings.cost_model, known, only, pickled=pickled, json=json)


def _cached(catalog: Catalog, settings: Settings, cache: AnalysisCache) -> tuple[dict[str, ProcedureCost], dict[str, Part]]:
    """Costs and findings, those of procedures whose key is unchanged from the cache, the others worked out."""
    known = {}
    for p in catalog.procedures:
        hit = cache.costs_and_findings(p.code)
        if hit is not None:
            known[p.code] = hit
    parts: dict[str, Part] = {code: hit[1] for code, hit in known.items()}
    fresh_costs: dict[str, ProcedureCost] = {}
    missing = {p.code for p in catalog.procedures if p.code not in known}
    if missing:
        fresh_costs, fresh = _worked_out(catalog, settings, {code: hit[0] for code, hit in known.items()},
                                         missing if known else None)
        for code in missing:
            parts[code] = fresh.get(code) or Part.of(code, ())
            cache.put_costs_and_findings(code, fresh_costs[code], parts[code])
    # In catalogue order, as catalog_costs gives them.
    costs = {p.code: known[p.code][0] if p.code in known else fresh_costs[p.code] for p in catalog.procedures}
    return costs, parts


def _projected_metrics(catalog: Catalog, settings: Settings, rows: list[tuple], metrics: dict[str, Any],
                       parts: dict[str, Part]) -> dict[str, Any]:
    """The metrics after every measure the findings suggest."""
    if not settings.rules:
        return metrics
    from .rules.engine import projected_metrics

    return projected_metrics(catalog, rows, parts, settings.cost_model)


def _settings_key(settings: Settings) -> bytes:
    """What findings and costs depend on besides the catalogue: the rules and the cost model, as loaded."""
    return repr((settings.cost_model, settings.rules)).encode("utf-8")
