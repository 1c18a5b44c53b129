"""Reform targets and how far a catalogue is from them (analysis.md section 3).

A target names a metric and either a relative cut against a baseline
(`reduce_by`) or an absolute floor (`at_least`). Targets are read from
rules/targets.yaml (or `--targets FILE`) with every problem located (E202);
evaluating them is a pure function of the baseline, current and projected
metrics. Two decisions the spec leaves open: `gap` is how far the value
still has to move toward the goal, in the metric's unit, never negative (0
once met); and a metric that is None (a share over an empty set, e.g. no
essential procedures) meets an `at_least` target vacuously, while a
`reduce_by` target whose baseline is None has no goal and is not met.
A value within rounding error of its goal meets it: shares and goals are
sums and products of floats (43 dossiers at 0.8 online are a share of
0.7999999999999999; a baseline of 10 cut by 0.8 is a goal of
1.9999999999999996), and a goal reached exactly must read as met.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .metrics import METRICS
from .model import NOWHERE, CatalogInfo, Location
from .resources import default_file
from .settings import Checker, read_settings

# Counts and costs: additive over procedures, and movable by cutting them.
AMOUNT_METRICS = (
    "procedures", "internal_procedures", "external_procedures",
    "annual_cost", "internal_annual_cost", "external_annual_cost",
)
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
# Far above the error of summing a national catalogue's floats, far below a dong or a tenth of a percent.
_CLOSE = 1e-12


@dataclass(frozen=True, slots=True)
class Target:
    """One reform target: a metric and its goal."""

    id: str
    title_vi: str
    title_en: str
    metric: str
    reduce_by: float | None = None
    at_least: float | None = None
    location: Location = NOWHERE

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en

    def goal(self, baseline: float | None) -> float | None:
        """The value to reach: baseline x (1 - reduce_by), or at_least."""
        if self.at_least is not None:
            return self.at_least
        return None if baseline is None else baseline * (1 - self.reduce_by)

    def met(self, goal: float | None, value: float | None) -> bool:
        """Whether `value` reaches `goal` (None values: see the module docstring)."""
        if value is None:
            return self.at_least is not None
        if goal is None:
            return False
        if math.isclose(value, goal, rel_tol=_CLOSE, abs_tol=_CLOSE):
            return True
        return value >= goal if self.at_least is not None else value <= goal

    def gap(self, goal: float | None, value: float | None) -> float | None:
        """How far `value` still has to move toward `goal`; 0 when met, None when unknown."""
        if self.met(goal, value):
            return 0.0
        if goal is None or value is None:
            return None
        return goal - value if self.at_least is not None else value - goal

    @property
    def cuts_amount(self) -> bool:
        """A relative cut of a count or a cost: the targets `simplify plan` aims at by default."""
        return self.reduce_by is not None and self.metric in AMOUNT_METRICS


@dataclass(frozen=True, slots=True)
class TargetResult:
    """A target evaluated on a catalogue: baseline, current and projected values."""

    target: Target
    baseline: float | None
    current: float | None
    projected: float | None
    goal: float | None
    met: bool
    projected_met: bool
    gap: float | None

    @property
    def id(self) -> str:
        return self.target.id

    @property
    def metric(self) -> str:
        return self.target.metric

    def title(self, lang: str = "vi") -> str:
        return self.target.title(lang)

    def status(self, projected: bool = True) -> str:
        """For people: not_applicable (a share over an empty set, met only vacuously), met, projected_met (the
        findings' measures would meet it; only where `projected` figures are shown) or not_met."""
        if self.current is None and self.met:
            return "not_applicable"
        return "met" if self.met else "projected_met" if projected and self.projected_met else "not_met"

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The target object of the JSON contract."""
        return {
            "id": self.id,
            "title": self.title(lang),
            "metric": self.metric,
            "reduce_by": self.target.reduce_by,
            "at_least": self.target.at_least,
            "baseline": self.baseline,
            "current": self.current,
            "projected": self.projected,
            "goal": self.goal,
            "met": self.met,
            "projected_met": self.projected_met,
            "gap": self.gap,
        }


def baseline_value(metric: str, info: CatalogInfo, baseline_metrics: dict | None, current: dict) -> float | None:
    """The first known of: --baseline's metric, catalog.yaml's baseline, the current value."""
    for value in (
        (baseline_metrics or {}).get(metric),
        info.baseline_value(metric),
        current.get(metric),
    ):
        if value is not None:
            return float(value)
    return None


def fixed_baselines(info: CatalogInfo, baseline_metrics: dict | None, current: dict) -> dict[str, float | None]:
    """The baseline of every metric, frozen, so that measures applied later do not move it."""
    return {metric: baseline_value(metric, info, baseline_metrics, current) for metric in METRICS}


def evaluate_targets(
    targets, info: CatalogInfo, baseline_metrics: dict | None, current: dict, projected: dict
) -> list[TargetResult]:
    """Every target with its baseline, current and projected values, goal, status and gap."""
    results = []
    for t in targets:
        base = baseline_value(t.metric, info, baseline_metrics, current)
        goal = t.goal(base)
        now, then = current.get(t.metric), projected.get(t.metric)
        results.append(TargetResult(
            target=t, baseline=base, current=now, projected=then, goal=goal,
            met=t.met(goal, now), projected_met=t.met(goal, then), gap=t.gap(goal, now),
        ))
    return results


def load_targets(path: str | Path | None = None) -> tuple[Target, ...]:
    """The targets of `path`, or of the default rules/targets.yaml; InputError (E202) on problems."""
    file = Path(path) if path else default_file("targets.yaml")
    check, top = read_settings(file, "E202", ("the targets file", "tệp mục tiêu"))
    check.keys(top, ("targets",), ("targets",))
    targets: list[Target] = []
    seen: set[str] = set()
    for item, where in check.items(top.get("targets"), top.value_loc("targets"), "targets"):
        target = _target(check, item, where)
        if target is None:
            continue
        if target.id in seen:
            check.fail(target.location, f"duplicate target id '{target.id}'", f"trùng mã mục tiêu '{target.id}'")
            continue
        seen.add(target.id)
        targets.append(target)
    check.done()
    return tuple(targets)


def _target(check: Checker, item: Any, where: Location) -> Target | None:
    raw = check.mapping(item, where, ("a target", "mỗi mục tiêu"))
    if raw is None:
        return None
    problems = len(check.problems)
    check.keys(raw, ("id", "title", "metric", "reduce_by", "at_least"), ("id", "title", "metric"))
    ident = check.text(raw, "id")
    if ident is not None and not _ID.match(ident):
        check.fail(raw.value_loc("id"), f"target id '{ident}' may hold only letters, digits, '-', '_' and '.'",
                   f"mã mục tiêu '{ident}' chỉ được gồm chữ, số, '-', '_' và '.'")
    title = _title(check, raw)
    metric = check.text(raw, "metric")
    if metric is not None and metric not in METRICS:
        check.fail(raw.value_loc("metric"), f"unknown metric '{metric}'; one of: {', '.join(METRICS)}",
                   f"chỉ số không xác định '{metric}'; chọn một trong: {', '.join(METRICS)}")
    reduce_by = at_least = None
    if ("reduce_by" in raw) == ("at_least" in raw):
        check.fail(raw.loc(), "give exactly one of 'reduce_by' and 'at_least'",
                   "cần đúng một trong hai khóa 'reduce_by' và 'at_least'")
    elif "reduce_by" in raw:
        reduce_by = check.number(raw, "reduce_by", at_most=1.0)
    else:
        at_least = check.number(raw, "at_least", at_most=None if metric in AMOUNT_METRICS else 1.0)
    if len(check.problems) > problems:
        return None
    return Target(ident, title[0], title[1], metric, reduce_by, at_least, raw.loc())


def _title(check: Checker, raw: Any) -> tuple[str, str]:
    title = check.mapping(raw.get("title"), raw.value_loc("title"), "'title'") if "title" in raw else None
    if title is None:
        return ("", "")
    check.keys(title, ("vi", "en"), ("vi", "en"))
    return (check.text(title, "vi") or "", check.text(title, "en") or "")
