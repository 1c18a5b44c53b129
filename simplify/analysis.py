"""One analysis of a catalogue: costs, metrics, findings, targets, scenario.

This is what every report is written from (audit in any format, the Excel
report, check). It is a pure function of the catalogue and the settings;
the commands load the inputs and hand the result to a writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cost import CostModel, ProcedureCost, catalog_costs
from .metrics import compute_metrics
from .model import Catalog


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
    findings: tuple = ()                   # simplify.rules.finding.Finding, ordered as the JSON contract says
    potential_annual_saving: float = 0.0
    projected_metrics: dict[str, Any] = field(default_factory=dict)
    targets: tuple = ()                    # simplify.targets.TargetResult
    scenario: Any = None                   # simplify.scenario.ScenarioResult when --scenario was given
    before: Analysis | None = None         # the analysis without the scenario

    @property
    def reported_findings(self) -> tuple:
        """Findings that are not waived (waived ones too with --show-waived)."""
        if self.settings.show_waived:
            return self.findings
        return tuple(f for f in self.findings if not f.waived)


def analyse(catalog: Catalog, settings: Settings) -> Analysis:
    """Cost, metrics, findings and targets of `catalog`."""
    costs = catalog_costs(catalog, settings.cost_model)
    metrics = compute_metrics(catalog, costs)
    findings: tuple = ()
    projected = catalog
    if settings.rules:
        from .rules.engine import find, projected_catalog

        findings = tuple(find(catalog, settings.rules, settings.cost_model, costs))
        projected = projected_catalog(catalog, [f for f in findings if not f.waived])
    projected_costs = costs if projected is catalog else catalog_costs(projected, settings.cost_model)
    projected_metrics = metrics if projected is catalog else compute_metrics(projected, projected_costs)
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
