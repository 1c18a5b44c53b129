"""Targets: the default file, located E202 errors, and evaluation worked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from simplify.analysis import Settings, analyse
from simplify.catalog.loader import require_catalog
from simplify.cost import CostModel
from simplify.diagnostics import InputError
from simplify.model import CatalogInfo
from simplify.targets import Target, evaluate_targets, load_targets

DATA = Path(__file__).parent / "data" / "targets"


def by_id(results):
    return {r.id: r for r in results}


def test_default_targets_are_the_five_of_the_spec():
    targets = load_targets()
    assert [(t.id, t.metric, t.reduce_by, t.at_least) for t in targets] == [
        ("internal-procedures-cut", "internal_procedures", 0.5, None),
        ("internal-cost-cut", "internal_annual_cost", 0.5, None),
        ("full-online", "full_online_share", None, 1.0),
        ("online-dossiers", "online_dossier_share", None, 0.8),
        ("essential-online", "essential_full_online", None, 1.0),
    ]
    assert targets[0].title("vi") == "Cắt giảm ít nhất 50% TTHC nội bộ"
    assert targets[0].title("en") == "Cut internal procedures by at least 50%"
    assert [t.id for t in targets if t.cuts_amount] == ["internal-procedures-cut", "internal-cost-cut"]


def test_bad_targets_file_reports_every_problem_located():
    with pytest.raises(InputError) as caught:
        load_targets(DATA / "bad_targets.yaml")
    got = [(d.code, Path(d.location.file).name, d.location.line) for d in caught.value.diagnostics]
    assert got == [
        ("E202", "bad_targets.yaml", 4),    # unknown metric internal_procedure
        ("E202", "bad_targets.yaml", 6),    # both reduce_by and at_least
        ("E202", "bad_targets.yaml", 11),   # neither
        ("E202", "bad_targets.yaml", 14),   # unknown key colour
        ("E202", "bad_targets.yaml", 18),   # reduce_by 1.5
        ("E202", "bad_targets.yaml", 22),   # at_least: most
        ("E202", "bad_targets.yaml", 27),   # duplicate id ok
    ]
    assert "internal_procedure'" in caught.value.diagnostics[0].en


def test_missing_targets_file_is_located_e202(tmp_path):
    with pytest.raises(InputError) as caught:
        load_targets(tmp_path / "none.yaml")
    assert [d.code for d in caught.value.diagnostics] == ["E202"]


def test_catalogue_baseline_makes_one_target_met_and_one_not():
    # tests/data/targets/catalog is the mini catalogue with catalog.yaml's baseline
    # internal_procedures: 2 and internal_annual_cost: 40,000,000.
    catalog, _ = require_catalog(DATA / "catalog")
    analysis = analyse(catalog, Settings(cost_model=CostModel(), targets=load_targets()))
    results = by_id(analysis.targets)

    # internal procedures: baseline 2, goal 2 x (1 - 0.5) = 1; current 1 (2.000003) -> met, gap 0
    cut = results["internal-procedures-cut"]
    assert (cut.baseline, cut.current, cut.goal, cut.met, cut.gap) == (2.0, 1, 1.0, True, 0.0)

    # internal cost: baseline 40,000,000, goal 20,000,000; current 2.000003 costs
    # (45,000 x (8 + 2) + 30,000) x 50 = 24,000,000 -> not met, 4,000,000 still to cut
    cost = results["internal-cost-cut"]
    assert (cost.baseline, cost.current, cost.goal, cost.met, cost.gap) == (
        40_000_000.0, 24_000_000.0, 20_000_000.0, False, 4_000_000.0)

    # online dossiers: (1,000 x 0.5) / 1,250 = 0.4 against at least 0.8 -> gap 0.4
    online = results["online-dossiers"]
    assert (online.current, online.goal, online.met) == (0.4, 0.8, False)
    assert online.gap == pytest.approx(0.4)

    # no procedure is fully online: 0 of 3 eligible
    assert (results["full-online"].current, results["full-online"].gap) == (0.0, 1.0)

    # no essential procedure: the share is None and the target is met vacuously
    essential = results["essential-online"]
    assert (essential.current, essential.met, essential.gap) == (None, True, 0.0)

    # without rules nothing is projected to change
    assert all(r.projected == r.current and r.projected_met == r.met for r in analysis.targets)
    assert cost.to_dict("en") == {
        "id": "internal-cost-cut", "title": "Cut the compliance cost of internal procedures by at least 50%",
        "metric": "internal_annual_cost", "reduce_by": 0.5, "at_least": None,
        "baseline": 40_000_000.0, "current": 24_000_000.0, "projected": 24_000_000.0,
        "goal": 20_000_000.0, "met": False, "projected_met": False, "gap": 4_000_000.0,
    }


def test_baseline_order_flag_then_catalogue_then_current():
    cut = Target("cut", "Cắt", "Cut", "internal_annual_cost", reduce_by=0.5)
    floor = Target("floor", "Sàn", "Floor", "online_dossier_share", at_least=0.8)
    info = CatalogInfo(name="x", baseline=(("internal_annual_cost", 30.0),))
    current = {"internal_annual_cost": 20.0, "online_dossier_share": 0.9}
    projected = {"internal_annual_cost": 10.0, "online_dossier_share": 0.95}

    # --baseline wins: 100 -> goal 50, current 20 met
    [flag] = evaluate_targets([cut], info, {"internal_annual_cost": 100.0}, current, projected)
    assert (flag.baseline, flag.goal, flag.met) == (100.0, 50.0, True)
    # catalog.yaml next: 30 -> goal 15, current 20 not met (gap 5), projected 10 met
    [own] = evaluate_targets([cut], info, None, current, projected)
    assert (own.baseline, own.goal, own.met, own.gap, own.projected_met) == (30.0, 15.0, False, 5.0, True)
    # else the current value: goal 10, current 20 not met
    [bare] = evaluate_targets([cut], CatalogInfo(name="x"), None, current, projected)
    assert (bare.baseline, bare.goal, bare.gap, bare.projected_met) == (20.0, 10.0, 10.0, True)
    # an at_least target does not depend on the baseline; 0.9 >= 0.8
    [share] = evaluate_targets([floor], info, None, current, projected)
    assert (share.goal, share.met, share.gap) == (0.8, True, 0.0)


def test_reduce_by_without_any_baseline_value_has_no_goal():
    cut = Target("cut", "Cắt", "Cut", "paperless_share", reduce_by=0.5)
    [r] = evaluate_targets([cut], CatalogInfo(name="x"), None, {"paperless_share": None}, {"paperless_share": 0.5})
    # the current share is None (empty set): no baseline, no goal; the projected 0.5 cannot be judged
    assert (r.baseline, r.goal, r.projected_met) == (None, None, False)


def test_a_goal_reached_exactly_is_met_whatever_the_float_rounding(catalog_dir):
    # 43 dossiers, 0.8 of them online: 34.4 / 43 is 0.7999999999999999 in floats, and it is 80%.
    text = 'code: "1.000010"\nname: Thủ tục\nvolume_per_year: 43\nonline_share: 0.8\nsteps:\n  - id: s\n    online: true\n'
    catalog, _ = require_catalog(catalog_dir({"a.yaml": text}))
    online = by_id(analyse(catalog, Settings(cost_model=CostModel(), targets=load_targets())).targets)["online-dossiers"]
    assert online.current == 34.4 / 43 < 0.8
    assert (online.met, online.projected_met, online.gap) == (True, True, 0.0)
    # A baseline of 10 cut by 80% is a goal of 1.9999999999999996: 2 internal procedures meet it.
    cut = Target("cut", "Cắt", "Cut", "internal_procedures", reduce_by=0.8)
    [r] = evaluate_targets([cut], CatalogInfo(name="x", baseline=(("internal_procedures", 10.0),)), None,
                           {"internal_procedures": 2}, {"internal_procedures": 2})
    assert r.goal < 2 and (r.met, r.gap) == (True, 0.0)
    # A real shortfall, however small in money, is still one: 1 dong over a goal of 10 billion.
    [cost] = evaluate_targets([Target("c", "C", "C", "annual_cost", reduce_by=0.5)],
                              CatalogInfo(name="x", baseline=(("annual_cost", 2e10),)), None,
                              {"annual_cost": 1e10 + 1}, {"annual_cost": 1e10 + 1})
    assert (cost.met, cost.gap) == (False, 1.0)


def test_internal_and_external_costs_are_each_the_sum_of_their_procedures():
    from simplify.metrics import metrics_of

    def row(internal, cost):
        return (internal, True, False, False, 1.0, 0.0, cost, False, False, False, True)

    # The contract says sums: the externals' own sum, not the total less the internal cost (0.30000000000000004
    # against 0.3000000000000001 here).
    rows = [row(False, 0.1), row(True, 0.3), row(False, 0.2)]
    m = metrics_of(rows)
    assert (m["internal_annual_cost"], m["external_annual_cost"], m["annual_cost"]) == (0.3, 0.1 + 0.2, 0.1 + 0.3 + 0.2)
    rows = [row(False, 1e16), row(True, 1.0), row(False, -1e16)]  # the total less 1 would say -1
    assert metrics_of(rows)["external_annual_cost"] == 0.0
