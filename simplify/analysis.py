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

from .cost import CostModel, ProcedureCost, catalog_costs, costs_of, procedure_cost
from .metrics import compute_metrics
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
        costs = catalog_costs(catalog, settings.cost_model)
        findings = Findings.of(_findings(catalog, settings, costs))
    else:
        costs, findings = _cached(catalog, settings, cache)
        cache.save()
    start_later()  # the cache files are written on another core while the rest is worked out
    metrics = compute_metrics(catalog, costs)
    projected_metrics = cache.projected() if cache is not None else None
    if projected_metrics is None:
        projected_metrics = _projected_metrics(catalog, settings, costs, metrics, findings)
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
        findings=findings,
        potential_annual_saving=metrics["annual_cost"] - projected_metrics["annual_cost"],
        projected_metrics=projected_metrics,
        targets=targets,
    )


def _findings(catalog: Catalog, settings: Settings, costs: dict[str, ProcedureCost], only: set[str] | None = None) -> list:
    if not settings.rules:
        return []
    from .rules.engine import find

    return find(catalog, settings.rules, settings.cost_model, costs, only)


def _cached(catalog: Catalog, settings: Settings, cache: AnalysisCache) -> tuple[dict[str, ProcedureCost], Findings]:
    """Costs and findings, those of procedures whose key is unchanged from the cache, the others worked out."""
    known = {}
    for p in catalog.procedures:
        hit = cache.costs_and_findings(p.code)
        if hit is not None:
            known[p.code] = hit
    unknown = [p for p in catalog.procedures if p.code not in known]
    worked_out = iter(costs_of(unknown, settings.cost_model))
    costs = {p.code: known[p.code][0] if p.code in known else next(worked_out) for p in catalog.procedures}
    parts: dict[str, Part] = {code: hit[1] for code, hit in known.items()}
    missing = {p.code for p in unknown}
    if missing:
        fresh = {part.procedure: part for part in Findings.of(_findings(catalog, settings, costs, missing if known else None)).parts}
        for code in missing:
            parts[code] = fresh.get(code) or Part.of(code, ())
            cache.put_costs_and_findings(code, costs[code], parts[code])
    # find() orders findings by procedure first, then by rule and location within one.
    return costs, Findings((parts[code] for code in sorted(parts)), cache.name)


def _projected_metrics(catalog: Catalog, settings: Settings, costs: dict[str, ProcedureCost],
                       metrics: dict[str, Any], findings: Findings) -> dict[str, Any]:
    """The metrics after every measure the findings suggest."""
    if not settings.rules:
        return metrics
    from .rules.engine import projected_catalog

    projected = projected_catalog(catalog, [f for f in findings if not f.waived])
    if projected is catalog:
        return metrics
    return compute_metrics(projected, _projected_costs(catalog, projected, costs, settings.cost_model))


def _settings_key(settings: Settings) -> bytes:
    """What findings and costs depend on besides the catalogue: the rules and the cost model, as loaded."""
    return repr((settings.cost_model, settings.rules)).encode("utf-8")


def _projected_costs(catalog: Catalog, projected: Catalog, costs: dict[str, ProcedureCost],
                     cm: CostModel) -> dict[str, ProcedureCost]:
    """Costs after the measures, for the metrics: a procedure no measure touched keeps its cost, and the
    metrics read no elapsed days, so the step graphs are not walked again."""
    original = {p.code: p for p in catalog.procedures}
    return {p.code: costs[p.code] if original.get(p.code) is p else procedure_cost(p, cm, days=False)
            for p in projected.procedures}
