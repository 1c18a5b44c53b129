"""The plan for people and for files: the table `simplify plan` prints, and the scenario file it writes.

The scenario file is a comment header, `name` and `measures` in the form
`load_scenario` reads back unchanged; the table has a row per measure with
its saving, the running total and every target after it.
"""

from __future__ import annotations

import io
from typing import Any

from ..i18n import metric_value, money, t
from ..plan import Plan
from ..targets import TargetResult


def plan_to_yaml(plan: Plan, lang: str = "vi") -> str:
    """The plan as a scenario file (a comment header, `name`, `measures`) that `load_scenario` accepts."""
    import yaml

    def flow(value: Any) -> str:
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**9).strip()

    name = " ".join(plan.catalog.name.split())  # one line, since it goes into comments
    title = f"Phương án đơn giản hóa: {name}" if lang == "vi" else f"Simplification plan: {name}"
    ids = ", ".join(t.id for t in plan.targets) or "-"
    saving = f"{money(plan.annual_saving, lang)} {t('currency', lang)}"
    costs = f"{money(plan.annual_cost_before, lang)} -> {money(plan.annual_cost_after, lang)}"
    if lang == "vi":
        header = [
            f"Lập bằng `simplify plan` cho danh mục \"{name}\".",
            f"Mục tiêu: {ids} ({'đạt' if plan.met else 'chưa đạt'} sau các biện pháp dưới đây).",
            f"Tiết kiệm dự kiến mỗi năm: {saving} (chi phí tuân thủ/năm {costs}).",
            "Mỗi biện pháp ghi mức tiết kiệm tính sau các biện pháp trước nó.",
            "Sửa tùy ý rồi dùng lại: simplify audit --scenario <tệp này>",
        ]
    else:
        header = [
            f"Made by `simplify plan` for the catalogue \"{name}\".",
            f"Targets: {ids} ({'met' if plan.met else 'not met'} after the measures below).",
            f"Projected annual saving: {saving} (annual compliance cost {costs}).",
            "Each measure's saving is counted after the measures before it.",
            "Edit at will, then use it again: simplify audit --scenario <this file>",
        ]
    lines = [f"# {line}" for line in header]
    lines += [f"name: {flow(title)}", "measures:" if plan.steps else "measures: []"]
    for s in plan.steps:
        lines.append(f"  # {s.rule}: {s.measure.describe(lang)}; {t('annual_saving', lang)} {money(s.annual_saving, lang)}")
        lines.append(f"  - {flow(s.measure.to_yaml())[1:-1]}")
    return "\n".join(lines) + "\n"


def render_table(plan: Plan, lang: str = "vi", width: int = 140) -> str:
    """The plan for people: one row per measure with its saving, the running total and each target after it."""
    from .rich_table import text_console, titled_table

    out = io.StringIO()
    console = text_console(out, width)
    title, header, rows = _rows(plan, lang)
    console.print(titled_table(title, header, rows, right=_figures(header)))
    console.print(_conclusion(plan, lang))
    return out.getvalue()


def render_markdown(plan: Plan, lang: str = "vi") -> str:
    """The same plan as a Markdown page."""
    from .markdown import table

    title, header, rows = _rows(plan, lang)
    return f"## {title}\n\n{table(header, rows, _figures(header))}\n\n{_conclusion(plan, lang)}\n"


def _figures(header: list[str]) -> set[int]:
    """The columns of figures, right-aligned: all but the rule and the measure."""
    return set(range(len(header))) - {1, 2}


def _rows(plan: Plan, lang: str) -> tuple[str, list[str], list[tuple[str, ...]]]:
    heading = "Phương án đơn giản hóa" if lang == "vi" else "Simplification plan"
    header = ["#", t("rule", lang), "Biện pháp" if lang == "vi" else "Measure", t("annual_saving", lang),
              "Lũy kế" if lang == "vi" else "Cumulative", *(target.id for target in plan.targets)]
    rows = [("", "", t("current", lang), "", "", *(_progress(r, lang) for r in plan.start))]
    rows += [(str(i), s.rule, s.measure.describe(lang), money(s.annual_saving, lang), money(s.cumulative_saving, lang),
              *(_progress(r, lang) for r in s.targets)) for i, s in enumerate(plan.steps, 1)]
    rows.append(("", "", t("goal", lang), "", "", *(metric_value(r.metric, r.goal, lang) for r in plan.start)))
    return f"{heading}: {plan.catalog.name}", header, rows


def _progress(r: TargetResult, lang: str) -> str:
    mark = "✓" if r.met else "✗"
    return f"{metric_value(r.metric, r.current, lang)} {mark}"


def _conclusion(plan: Plan, lang: str) -> str:
    before, after = money(plan.annual_cost_before, lang), money(plan.annual_cost_after, lang)
    saving = money(plan.annual_saving, lang)
    unmet = [r.id for r in plan.final if not r.met]
    aimed = ", ".join(r.id for r in plan.final)  # the others are not the plan's (--target chooses)
    if lang == "vi":
        status = (f"Đạt mọi mục tiêu đã chọn ({aimed})." if not unmet
                  else f"Chưa đạt: {', '.join(unmet)} (không còn biện pháp nào giúp được).")
        return (f"{len(plan.steps)} biện pháp; chi phí tuân thủ/năm {before} -> {after} đồng, "
                f"tiết kiệm {saving} đồng. {status}")
    status = (f"Every target aimed at met ({aimed})." if not unmet
              else f"Not met: {', '.join(unmet)} (no measure left that helps).")
    return f"{len(plan.steps)} measures; annual compliance cost {before} -> {after} VND, saving {saving} VND. {status}"
