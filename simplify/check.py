"""The CI gate: which findings fail a run, and the ratchet against a baseline (docs/ci.md).

Without a baseline every finding at or above `--fail-on` fails the run. With
one, findings are matched across versions by `Finding.key()` (rule,
procedure and document, step or fee, never the line) as a multiset: one the
baseline already had, waived or not, is *existing* and does not fail; a *new*
one fails at or above `--fail-on`; every *regression* fails. Regressions are
results of pseudo-rules so that machine formats carry them like findings:
REG001 a procedure's cost per dossier or annual cost rose by more than the
tolerance (a fraction of the baseline value), REG002 an external procedure
asks for an evidence type it did not, REG003 an applicant step is newly in
person (marked so, or an in-person step that can no longer be done online),
REG004 a target's gap to its goal grew. Only procedures of both
versions count for REG001-REG003 (a new procedure is a legal decision, shown
by `simplify diff`, whose findings are new anyway), and internal procedures
ask state bodies, not citizens, so they add no REG002. Regressions are
located in the new catalogue: procedure, document or step, a target's at the
catalogue's own file. Pure functions of two analyses.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis
from .i18n import metric_value, money
from .model import Location, Procedure
from .rules.model import Text

SEVERITIES = ("info", "warning", "error")
# Costs computed from the same inputs in another order differ in the last bits.
RELATIVE_EPSILON = 1e-9


def at_or_above(severity: str, fail_on: str) -> bool:
    """Whether `severity` reaches the `--fail-on` level."""
    return SEVERITIES.index(severity) >= SEVERITIES.index(fail_on)


@dataclass(frozen=True, slots=True)
class RegressionRule:
    """A pseudo-rule for one kind of regression, described like a rule of a pack."""

    code: str
    name: str
    title: Text
    why: Text
    severity: str = "error"
    basis: tuple[str, ...] = ()

    def heading(self, lang: str) -> str:
        return self.title.get(lang)


REGRESSION_RULES = {
    r.code: r for r in (
        RegressionRule("REG001", "cost-regression",
                       Text("Chi phí tuân thủ của thủ tục tăng", "The compliance cost of a procedure rose"),
                       Text("Danh mục chỉ được đơn giản hơn: chi phí một hồ sơ hoặc chi phí một năm của thủ tục "
                            "không được tăng so với mốc so sánh.",
                            "A catalogue may only get simpler: the cost per dossier or the annual cost of a "
                            "procedure must not rise above the baseline's.")),
        RegressionRule("REG002", "new-document",
                       Text("Thủ tục yêu cầu thêm giấy tờ", "A procedure asks for a new document"),
                       Text("Mỗi giấy tờ thêm vào hồ sơ là thêm gánh nặng cho người dân, doanh nghiệp; "
                            "cần được cân nhắc và có căn cứ trước khi thêm.",
                            "Every document added to a dossier is a new burden on citizens and businesses; "
                            "it must be weighed and justified before it is added.")),
        RegressionRule("REG003", "new-in-person-step",
                       Text("Bước mới phải có mặt trực tiếp", "A step newly requires presence in person"),
                       Text("Mục tiêu \"4 không\": không tiếp xúc trực tiếp khi pháp luật không đòi hỏi.",
                            "The \"4 no's\" goal: no face-to-face contact unless the law requires it.")),
        RegressionRule("REG004", "target-regression",
                       Text("Chỉ số đi xa mục tiêu hơn", "A target metric moved away from its goal"),
                       Text("Mỗi thay đổi phải đưa danh mục lại gần các mục tiêu cải cách, không được xa hơn.",
                            "Every change must bring the catalogue closer to its reform targets, never further.")),
    )
}


@dataclass(frozen=True, slots=True)
class Regression:
    """Something that got worse than in the baseline; shaped like a Finding for the writers."""

    rule: str
    procedure: str | None
    object: str | None                       # evidence id, step id or target id
    message_vi: str
    message_en: str
    location: Location
    changes: tuple[tuple[str, float | None, float | None], ...] = ()   # (metric, before, after)

    @property
    def name(self) -> str:
        return REGRESSION_RULES[self.rule].name

    @property
    def severity(self) -> str:
        return REGRESSION_RULES[self.rule].severity

    def message(self, lang: str = "vi") -> str:
        return self.message_vi if lang == "vi" else self.message_en

    def key(self) -> tuple:
        return (self.rule, self.procedure, self.object)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "procedure": self.procedure,
            "object": self.object,
            "message": self.message(lang),
            "changes": {metric: {"before": before, "after": after} for metric, before, after in self.changes},
            "location": self.location.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the gate's verdict: a finding or a regression, its status and whether it fails the run."""

    item: Any                                # simplify.rules.finding.Finding or Regression
    status: str                              # new | existing | regression
    fails: bool


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict of `simplify check`."""

    catalog: str                             # the catalogue's name
    catalog_path: str
    procedures: int
    baseline: str | None                     # the --baseline reference as given
    fail_on: str
    cost_tolerance: float
    rules: tuple                             # the rules that ran (simplify.rules.model.Rule)
    entries: tuple[Entry, ...]

    def of(self, status: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.status == status)

    @property
    def failing(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.fails)

    @property
    def passed(self) -> bool:
        return not self.failing

    def described_rules(self) -> tuple:
        """The rules that ran, then the regression pseudo-rules: what a SARIF driver lists."""
        return tuple(self.rules) + tuple(REGRESSION_RULES.values())

    def summary(self) -> dict[str, int]:
        counts = Counter(e.status for e in self.entries)
        return {
            "new": counts["new"],
            "existing": counts["existing"],
            "regressions": counts["regression"],
            "failing": len(self.failing),
        }


def check(current: Analysis, baseline: Analysis | None, fail_on: str = "error",
          cost_tolerance: float = 0.0, baseline_ref: str | None = None) -> CheckResult:
    """The gate's verdict on `current`, alone or against `baseline` (analysed with the same settings)."""
    findings = current.reported_findings
    if baseline is None:
        entries = [Entry(f, "new", at_or_above(f.severity, fail_on)) for f in findings]
    else:
        # A multiset, so that a finding the baseline had once and now twice counts once as new.
        known = Counter(f.key() for f in baseline.findings)
        entries = []
        for f in findings:
            if known[f.key()] > 0:
                known[f.key()] -= 1
                entries.append(Entry(f, "existing", False))
            else:
                entries.append(Entry(f, "new", at_or_above(f.severity, fail_on)))
        entries += [Entry(r, "regression", True) for r in regressions(current, baseline, cost_tolerance)]
    return CheckResult(
        catalog=current.catalog.name,
        catalog_path=str(current.catalog.path),
        procedures=len(current.catalog.procedures),
        baseline=baseline_ref,
        fail_on=fail_on,
        cost_tolerance=cost_tolerance,
        rules=tuple(current.settings.rules),
        entries=tuple(entries),
    )


def regressions(current: Analysis, baseline: Analysis, cost_tolerance: float = 0.0) -> list[Regression]:
    """Everything that got worse from `baseline` to `current`, in catalogue order, targets last."""
    found: list[Regression] = []
    earlier = {p.code: p for p in baseline.catalog.procedures}
    for p in current.catalog.procedures:
        before = earlier.get(p.code)
        if before is None:
            continue
        found += _cost_regression(p, current, baseline, cost_tolerance)
        found += _new_documents(p, before)
        found += _new_in_person_steps(p, before)
    found += _target_regressions(current, baseline)
    return found


def rose(before: float | None, after: float | None, tolerance: float = 0.0) -> bool:
    """Whether `after` exceeds `before` by more than the relative `tolerance` (float noise aside)."""
    if before is None or after is None:
        return False
    return after > before * (1 + tolerance) + RELATIVE_EPSILON * max(abs(before), 1.0)


def _cost_regression(p: Procedure, current: Analysis, baseline: Analysis, tolerance: float) -> list[Regression]:
    now, then = current.costs[p.code], baseline.costs[p.code]
    changes = tuple(
        (metric, getattr(then, metric), getattr(now, metric))
        for metric in ("cost_per_dossier", "annual_cost")
        if rose(getattr(then, metric), getattr(now, metric), tolerance)
    )
    if not changes:
        return []
    vi = "; ".join(f"{_COST_WORDS[m][0]} {_rise(b, a, 'vi')}" for m, b, a in changes)
    en = "; ".join(f"{_COST_WORDS[m][1]} {_rise(b, a, 'en')}" for m, b, a in changes)
    return [Regression("REG001", p.code, None,
                       f"Chi phí tuân thủ của {p.code} tăng: {vi}",
                       f"The compliance cost of {p.code} rose: {en}",
                       p.location, changes)]


_COST_WORDS = {"cost_per_dossier": ("chi phí/hồ sơ", "cost per dossier"), "annual_cost": ("chi phí/năm", "annual cost")}


def _rise(before: float, after: float, lang: str) -> str:
    """'146,000 → 268,000 (+83.6%)', or without a share when the baseline was 0."""
    text = f"{money(before, lang)} → {money(after, lang)}"
    if before:
        share = f"{(after - before) / before * 100:+.1f}%"
        text += f" ({share.replace('.', ',') if lang == 'vi' else share})"
    return text


def _new_documents(p: Procedure, before: Procedure) -> list[Regression]:
    if p.kind != "external":
        return []
    asked = {d.evidence for d in before.documents}
    found, seen = [], set()
    for d in p.documents:
        if d.evidence in asked or d.evidence in seen:
            continue
        seen.add(d.evidence)
        found.append(Regression("REG002", p.code, d.evidence,
                                f"{p.code} yêu cầu thêm giấy tờ '{d.name}' ({d.evidence}) mà trước đây không yêu cầu",
                                f"{p.code} now asks for '{d.name}' ({d.evidence}), which it did not ask for before",
                                d.location))
    return found


def _new_in_person_steps(p: Procedure, before: Procedure) -> list[Regression]:
    """Applicant steps newly made in person: marked so, or no longer to be done online while they are."""
    was = {s.id: (s.in_person, s.in_person and not s.online) for s in before.steps}
    return [
        Regression("REG003", p.code, s.id,
                   f"Bước '{s.name}' của {p.code} nay phải có mặt trực tiếp",
                   f"Step '{s.name}' of {p.code} now requires presence in person",
                   s.location)
        for s in p.applicant_steps()
        if (s.in_person and not was.get(s.id, (False, False))[0])
        or (s.in_person and not s.online and not was.get(s.id, (False, False))[1])
    ]


def _target_regressions(current: Analysis, baseline: Analysis) -> list[Regression]:
    before = {t.id: t for t in baseline.targets}
    found = []
    for t in current.targets:
        then = before.get(t.id)
        if then is None or not rose(then.gap, t.gap):
            continue
        values = {lang: (metric_value(t.metric, then.current, lang), metric_value(t.metric, t.current, lang),
                         metric_value(t.metric, t.goal, lang)) for lang in ("vi", "en")}
        found.append(Regression(
            "REG004", None, t.id,
            "Mục tiêu '{}' xa đích hơn: {} {} → {} (đích {})".format(t.title("vi"), t.metric, *values["vi"]),
            "Target '{}' moved away from its goal: {} {} → {} (goal {})".format(t.title("en"), t.metric, *values["en"]),
            current.catalog.info.location, ((t.metric, then.current, t.current),),
        ))
    return found


def artifact_path(location: Location, root: str = "") -> str | None:
    """The file of `location` as the repository names it: `root` (the catalogue's folder there) joined with it."""
    if not location.file:
        return None
    return posixpath.normpath(posixpath.join(root, location.file)) if root else location.file


def verdict(result: CheckResult, lang: str = "vi") -> str:
    """One line for people: passed or failed, and what counted."""
    s = result.summary()
    against = f" (mốc {result.baseline})" if lang == "vi" and result.baseline else (
        f" (baseline {result.baseline})" if result.baseline else "")
    if lang == "vi":
        state = "ĐẠT" if result.passed else "KHÔNG ĐẠT"
        return (f"simplify check{against}: {state} — {s['new']} phát hiện mới, {s['existing']} đã có, "
                f"{s['regressions']} hồi quy; {s['failing']} làm kiểm tra không đạt (--fail-on {result.fail_on})")
    state = "passed" if result.passed else "failed"
    return (f"simplify check{against}: {state} — {_count(s['new'], 'new finding')}, {s['existing']} existing, "
            f"{_count(s['regressions'], 'regression')}; {s['failing']} failing (--fail-on {result.fail_on})")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
