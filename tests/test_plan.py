"""`simplify plan`: greedy choice worked by hand, the scenario it writes read back, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simplify.analysis import Settings
from simplify.catalog.loader import require_catalog
from simplify.cost import CostModel, catalog_costs
from simplify.metrics import compute_metrics
from simplify.plan import analysis_plan, make_plan, select_targets
from simplify.report.plan_writers import plan_to_yaml, render_table
from simplify.rules.engine import load_rules
from simplify.scenario import apply_scenario, load_scenario
from simplify.targets import load_targets

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "plan"
CATALOG = DATA / "catalog"
MINI = Path(__file__).parent / "data" / "mini"

# tests/data/plan/catalog is the mini catalogue (EXPECTED.md: 397,000,000 + 29,200,000 + 24,000,000) plus
#   2.000004 internal, 100 a year: 4 h + one visit (2 h, 30,000) at 45,000/h = 300,000 -> 30,000,000;
#            issues ket_qua_tham_dinh, asked only by 2.000005
#   2.000005 internal, 20 a year: 2 h online (90,000) + bao_cao copied, 2 pages (1,000) = 91,000 -> 1,820,000;
#            the only procedure asking for 2.000003's bao_cao; fully online already
#   1.000006 external, 100 a year, half online: 0.5 h + 1 h + two visits in person (submit, receive):
#            44,000 x 5.5 + 60,000 = 302,000 in both channels -> 30,200,000
# Internal: 3 procedures (catalog.yaml's baseline says 3), 24,000,000 + 30,000,000 + 1,820,000 = 55,820,000.
# Total: 450,200,000 + 30,000,000 + 1,820,000 + 30,200,000 = 512,220,000.


@pytest.fixture(scope="module")
def catalog():
    return require_catalog(CATALOG)[0]


@pytest.fixture(scope="module")
def settings():
    return Settings(cost_model=CostModel(), rules=load_rules(), targets=load_targets())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A synthetic catalogue with the shape of the national one (benchmarks/make_catalog.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_catalog", ROOT / "benchmarks" / "make_catalog.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    folder = tmp_path_factory.mktemp("synthetic") / "cat"
    maker.write_yaml_folder(maker.generate(60, 7), folder)
    return require_catalog(folder)[0]


def test_default_plan_merges_the_internal_procedures(catalog, settings):
    plan = make_plan(catalog, settings)
    assert [t.id for t in plan.targets] == ["internal-procedures-cut", "internal-cost-cut"]
    start = {r.id: r for r in plan.start}
    # goals: 3 x 0.5 = 1.5 procedures; 55,820,000 x 0.5 = 27,910,000
    assert (start["internal-procedures-cut"].current, start["internal-procedures-cut"].goal) == (3, 1.5)
    assert (start["internal-cost-cut"].current, start["internal-cost-cut"].goal) == (55_820_000, 27_910_000)

    # 1. INT001 merge 2.000004 into 2.000005: 30,000,000 goes; 2.000005 drops ket_qua_tham_dinh
    #    (an original: costs nothing) -> 30,000,000. Internal: 2 procedures, 25,820,000 (cost target met).
    # 2. INT001 merge 2.000003 into 2.000005: 24,000,000 goes; 2.000005 drops bao_cao (1,000 a dossier
    #    x 20 = 20,000) -> 24,020,000. Internal: 1 procedure (met), 1,800,000.
    # Measures that do not move an internal target (ONCE001 on 1.000001 saves 124,500,000) are left out.
    assert [(s.rule, s.measure.to_yaml(), s.annual_saving, s.cumulative_saving) for s in plan.steps] == [
        ("INT001", {"merge": {"from": "2.000004", "into": "2.000005"}}, 30_000_000, 30_000_000),
        ("INT001", {"merge": {"from": "2.000003", "into": "2.000005"}}, 24_020_000, 54_020_000),
    ]
    assert [[(r.current, r.met) for r in s.targets] for s in plan.steps] == [
        [(2, False), (25_820_000, True)],
        [(1, True), (1_800_000, True)],
    ]
    assert plan.met
    assert (plan.annual_cost_before, plan.annual_cost_after) == (512_220_000, 458_200_000)


def test_full_online_plan_takes_measures_that_only_help_together(catalog, settings):
    plan = make_plan(catalog, settings, ["full-online"])
    # full_online_share starts at 1/6 (only 2.000005). Each round takes the largest saving among
    # the measures that raise the share:
    # 1. 1.000001 receive online: its last offline in-person step; 2 h x 44,000 + 30,000 = 118,000
    #    for the half done online -> 59,000,000; 2/6
    # 2.-3. the merges shrink the eligible set with procedures that cannot go fully online
    #    (their in-person steps have a legal basis): 2/5, then 2/4
    # 4. 1.000002 submit online: nobody applies online there, saving 0; 3/4
    # 5. 1.000006 has two in-person steps: neither alone makes it fully online, both together do,
    #    so the pair is taken, the first of equal savings first: 118,000 x 0.5 x 100 = 5,900,000; still 3/4
    # 6. its other step: 5,900,000; 4/4, met
    assert [(s.rule, s.measure.procedure, s.measure.step, s.annual_saving) for s in plan.steps] == [
        ("STEP001", "1.000001", "receive", 59_000_000),
        ("INT001", "2.000004", None, 30_000_000),
        ("INT001", "2.000003", None, 24_020_000),
        ("STEP001", "1.000002", "submit", 0),
        ("STEP001", "1.000006", "submit", 5_900_000),
        ("STEP001", "1.000006", "receive", 5_900_000),
    ]
    assert [s.targets[0].current for s in plan.steps] == pytest.approx([2 / 6, 2 / 5, 2 / 4, 3 / 4, 3 / 4, 1.0])
    assert plan.met and plan.annual_saving == 124_820_000


def test_plan_stops_when_nothing_helps():
    mini = require_catalog(MINI)[0]
    settings = Settings(cost_model=CostModel(), rules=load_rules(), targets=load_targets())
    # mini's one internal procedure has no measure: the cost target (24,000,000 -> 12,000,000) stays unmet
    plan = make_plan(mini, settings)
    assert plan.steps == () and not plan.met
    assert [(r.id, r.met, r.gap) for r in plan.final] == [
        ("internal-procedures-cut", True, 0.0), ("internal-cost-cut", False, 12_000_000.0)]
    # no rule raises the share of dossiers done online
    assert make_plan(mini, settings, ["online-dossiers"]).steps == ()


def test_plan_written_as_a_scenario_gives_the_same_figures(catalog, settings, tmp_path):
    plan = make_plan(catalog, settings, ["full-online", "internal-cost-cut"])
    file = tmp_path / "plan.yaml"
    file.write_text(plan_to_yaml(plan, "vi"), encoding="utf-8")
    scenario = load_scenario(file, catalog)
    assert scenario.name == "Phương án đơn giản hóa: Ví dụ lập phương án"
    assert scenario.measures == tuple(s.measure for s in plan.steps)
    result = apply_scenario(catalog, scenario, CostModel())
    assert [r.annual_saving for r in result.measures] == [s.annual_saving for s in plan.steps]
    assert (result.annual_cost_before, result.annual_cost_after) == (plan.annual_cost_before, plan.annual_cost_after)
    after = compute_metrics(result.catalog, catalog_costs(result.catalog, CostModel()))
    assert {r.metric: after[r.metric] for r in plan.final} == {r.metric: r.current for r in plan.final}


def test_empty_plan_is_still_a_scenario(tmp_path):
    mini = require_catalog(MINI)[0]
    plan = make_plan(mini, Settings(cost_model=CostModel(), rules=load_rules(), targets=load_targets()))
    file = tmp_path / "plan.yaml"
    file.write_text(plan_to_yaml(plan, "en"), encoding="utf-8")
    assert load_scenario(file, mini).measures == ()


def test_select_targets():
    targets = load_targets()
    assert [t.id for t in select_targets(targets, [])] == ["internal-procedures-cut", "internal-cost-cut"]
    assert [t.id for t in select_targets(targets, ["full-online", "full-online"])] == ["full-online"]
    with pytest.raises(ValueError, match="unknown target nope"):
        select_targets(targets, ["nope"])


def golden(name: str, text: str) -> None:
    path = DATA / name
    if os.environ.get("SIMPLIFY_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_writers_match_their_golden_files(catalog, settings):
    plan = make_plan(catalog, settings, ["full-online"])
    golden("plan.vi.yaml", plan_to_yaml(plan, "vi"))
    golden("plan.en.txt", render_table(plan, "en", width=160))
    data = plan.to_dict("en")
    assert data["steps"][0] == {
        "measure": {"set_step": {"procedure": "1.000001", "step": "receive", "online": True}},
        "description": "Step 'receive' of 1.000001: online = true",
        "rule": "STEP001", "annual_saving": 59_000_000.0, "cumulative_saving": 59_000_000.0,
        "targets": {"full-online": {"value": pytest.approx(1 / 3), "met": False, "gap": pytest.approx(2 / 3)}},
    }
    assert (data["annual_saving"], data["met"]) == (124_820_000.0, True)
    # The targets as they are, with where the whole plan takes them (full-online: 1 of 6 now, all after).
    [target] = data["targets"]
    assert (target["current"], target["met"], target["projected"], target["projected_met"]) == (
        pytest.approx(1 / 6), False, 1.0, True)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simplify", *args, "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_plan_then_audit_with_the_scenario(tmp_path):
    file = tmp_path / "plan.yaml"
    done = run("plan", str(CATALOG), "--output", str(file), "--format", "json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert [s["annual_saving"] for s in printed["steps"]] == [30_000_000, 24_020_000]
    assert printed["annual_cost_after"] == 458_200_000

    audit = run("audit", str(CATALOG), "--scenario", str(file), "--format", "json")
    assert audit.returncode == 0, audit.stderr
    report = json.loads(audit.stdout)
    assert [m["annual_saving"] for m in report["scenario"]["measures"]] == [30_000_000, 24_020_000]
    assert report["scenario"]["measures"][0]["measure"] == printed["steps"][0]["measure"]
    assert report["summary"]["annual_cost"] == printed["annual_cost_after"]
    final = {t["id"]: t["current"] for t in printed["final"]}
    assert {t["id"]: t["current"] for t in report["targets"] if t["id"] in final} == final


def test_cli_plan_table(tmp_path):
    done = run("plan", str(CATALOG), "--target", "internal-procedures-cut", "--lang", "vi")
    assert done.returncode == 0, done.stderr
    assert "Gộp thủ tục 2.000004 vào thủ tục 2.000005" in done.stdout
    assert "54.020.000" in done.stdout and "Đạt mọi mục tiêu đã chọn" in done.stdout


def test_cli_plan_bad_input_exits_2():
    unknown = run("plan", str(CATALOG), "--target", "nope")
    assert unknown.returncode == 2 and "unknown target nope" in unknown.stderr
    baseline = run("plan", str(CATALOG), "--baseline", "git:no-such-revision-anywhere", "--lang", "en")
    assert baseline.returncode == 2
    assert "E204" in baseline.stderr and "Traceback" not in baseline.stderr


def test_findings_refreshed_locally_give_the_plan_of_rules_run_again_everywhere(synthetic, settings, monkeypatch):
    # On a catalogue with the shape of the national one, the plan, which re-runs the rules only on the
    # procedures a measure reached, must equal the plan that re-runs them on the whole catalogue after
    # every measure.
    from simplify import plan as plan_module

    merging = require_catalog(CATALOG)[0]  # where INT001 merges change the links
    cases = [(synthetic, ()), (synthetic, ("full-online", "essential-online")), (merging, ("full-online",)),
             (merging, ("internal-cost-cut", "online-dossiers"))]
    local = [make_plan(catalog, settings, aim) for catalog, aim in cases]

    def everywhere(self, before):
        whole = self.state.catalog()
        self.by_procedure = {}
        self._keep(whole, {p.code for p in whole.procedures})
        return self.by_procedure.keys() | before.keys()

    monkeypatch.setattr(plan_module._Suggestions, "refresh", everywhere)
    for (catalog, aim), plan in zip(cases, local):
        again = make_plan(catalog, settings, aim)
        assert [(s.measure, s.rule, s.annual_saving) for s in plan.steps] == \
            [(s.measure, s.rule, s.annual_saving) for s in again.steps]
    assert sum(len(p.steps) for p in local) > 20


def test_a_plan_can_stop_after_a_number_of_measures(catalog, settings):
    from simplify.report.excel import plan_measures

    whole = make_plan(catalog, settings)
    first = make_plan(catalog, settings, max_measures=1)
    assert len(whole.steps) == 2 and [s.measure for s in first.steps] == [whole.steps[0].measure]
    assert "the first 1 measures" in plan_measures(first, "en", cut_at=1).title
    assert "the first" not in plan_measures(whole, "en", cut_at=2).title  # met: nothing was cut


def test_every_round_ranks_and_picks_as_a_fresh_sort_of_every_candidate(synthetic, catalog, settings, monkeypatch):
    # The chooser keeps its candidates ranked from round to round and scores again only those a measure
    # reached. Every round, its order must be that of the rules run on the whole catalogue, every candidate
    # priced afresh and sorted by saving (sorted() keeps equals in the findings' order), and its pick that
    # of a chooser that knows nothing yet.
    from simplify import plan as plan_module
    from simplify.rules.engine import find

    choose = plan_module._Chooser.choose
    rounds = ties = 0

    def checked(self, metrics, unmet):
        nonlocal rounds, ties
        suggested: dict = {}
        for f in find(self.state.catalog(), settings.rules, settings.cost_model, self.state.costs):
            if not f.waived and f.measure is not None:
                suggested.setdefault(f.procedure, {}).setdefault(f.measure, (f.rule, f.annual_saving))
        fresh = plan_module._Chooser(self.state)
        fresh.taken = self.taken
        fresh.offer(suggested, set())  # every saving worked out from the measure, none as the rules priced it
        candidates = [m for measures in suggested.values() for m in measures if m not in self.taken]
        savings = {m: fresh.change((m,)).annual_saving for m in candidates}
        ranked = sorted(candidates, key=lambda m: -savings[m])
        assert [(m, -saving) for saving, _, _, m, _ in self.ranking.entries] == [(m, savings[m]) for m in ranked]
        pick = choose(self, metrics, unmet)
        assert pick == choose(fresh, metrics, unmet)
        rounds += 1
        ties += len(set(savings.values())) < len(savings)
        return pick

    monkeypatch.setattr(plan_module._Chooser, "choose", checked)
    make_plan(synthetic, settings)
    make_plan(synthetic, settings, ["full-online", "essential-online"], max_measures=12)
    grouped = make_plan(catalog, settings, ["full-online"])  # its fifth measure is the pair's
    assert [s.measure.step for s in grouped.steps[4:]] == ["submit", "receive"]
    assert rounds > 20 and ties > 0


def test_a_merge_is_priced_again_when_the_procedure_it_merges_into_changes(catalog, settings):
    # A merge is suggested for the procedure it drops, whose rules need not run again after a measure on
    # the procedure it keeps: the chooser must price it again all the same.
    from simplify import plan as plan_module
    from simplify.measures import Measure
    from simplify.scenario import CostedProcedures

    state = CostedProcedures(catalog, settings.cost_model)
    chooser = plan_module._Chooser(state)
    merges = {code: {Measure("merge", code, into="2.000005"): ("INT001", saving)}
              for code, saving in (("2.000003", 24_020_000), ("2.000004", 30_000_000))}
    chooser.offer(merges, set(merges))  # as the rules priced them: what they change is not worked out yet
    assert [-saving for saving, *_ in chooser.ranking.entries] == [30_000_000, 24_020_000] and not chooser.changes
    # 2.000005 no longer asks for copies of bao_cao (20 x 1,000 a year), which merging 2.000003, its issuer, saved too
    edit = Measure("set_document", "2.000005", evidence="bao_cao", values=(("copies", 0),))
    before = chooser.take(edit)
    assert state.apply(edit) == 20_000
    stale = chooser.forget(before)
    assert stale == {"2.000003", "2.000004", "2.000005"}
    chooser.offer({code: merges.get(code, {}) for code in stale}, set())
    assert [-saving for saving, *_ in chooser.ranking.entries] == [30_000_000, 24_000_000]


def test_the_signs_a_round_passes_candidates_over_on_are_those_of_what_they_change(synthetic, catalog, settings):
    # A measure on a procedure's parts is told apart by its saving's sign, without working out its change.
    from simplify import plan as plan_module
    from simplify.rules.engine import find
    from simplify.scenario import CostedProcedures

    checked = set()
    for cat in (synthetic, catalog):
        state = CostedProcedures(cat, settings.cost_model, days=False)
        suggested: dict = {}
        for f in find(cat, settings.rules, settings.cost_model, state.costs):
            if not f.waived and f.measure is not None:
                suggested.setdefault(f.procedure, {}).setdefault(f.measure, (f.rule, f.annual_saving))
        chooser = plan_module._Chooser(state)
        chooser.offer(suggested, set())
        for negated, _, _, m, _ in chooser.ranking.entries:
            delta = chooser.effect((m,)).delta
            assert chooser._signs(m, -negated) == {(k, d < 0) for k, d in delta.items() if d != 0}, m
            checked.add(m.action)
    assert {"remove_document", "set_document", "set_step", "merge"} <= checked, checked


def test_a_neighbour_is_found_again_exactly_when_what_its_rules_see_of_the_links_changed(synthetic, settings):
    # What a rule reads of the links (rules.paths.Env), as a whole: a neighbour whose view differs must be found
    # again, one whose view is the same need not be.
    from collections import ChainMap

    from simplify import plan as plan_module
    from simplify.measures import Measure, check_measure
    from simplify.network import links, relinked
    from simplify.scenario import CostedProcedures

    def seen(net, procedures, code):
        consumers = net.consumers.get(code, ())
        return (consumers, tuple(procedures[c].kind for c in consumers), net.suppliers.get(code, ()),
                net.life_event_suppliers.get(code, ()),
                tuple(net.issued_by.get(d.evidence, ()) for d in procedures[code].documents))

    state = CostedProcedures(synthetic, settings.cost_model)
    issuers = [p for p in synthetic.procedures if p.outputs]
    flip = {"internal": "external", "external": "internal"}
    measures = [Measure("set_procedure", p.code, values=(("kind", flip[p.kind]),)) for p in issuers[:8]]
    measures += [Measure("abolish", p.code) for p in issuers[8:12]]
    measures += [Measure("merge", a.code, into=b.code) for a, b in zip(issuers[12:16], issuers[16:20])]
    measures += [Measure("remove_document", p.code, evidence=p.documents[0].evidence)
                 for p in synthetic.procedures[:8] if p.documents]
    compared, changed = 0, set()
    for m in measures:
        if check_measure(state.procedures, m) is not None:
            continue
        old = links(state.catalog())
        before = {code: state.procedures[code] for code in state.preview((m,)).procedures}
        state.apply(m)
        now = state.procedures
        new = relinked(old, {code: now[code] for code in before})
        then = ChainMap(before, now)
        for code in before:
            for near in {*plan_module._near(old, code), *plan_module._near(new, code)} - before.keys():
                expected = seen(old, then, near) != seen(new, now, near)
                assert plan_module._sees_change(old, new, then, now, before, near) == expected, (m, near)
                compared += 1
                if expected:
                    changed.add(m.action)
    assert compared > 50 and changed == {"set_procedure", "abolish", "merge"}, (compared, changed)


# Catalogues and targets whose plans take merges, abolitions, groups of measures and measures that only help together.
AIMS = [("synthetic", ()), ("synthetic", ("full-online", "essential-online")), ("catalog", ()),
        ("catalog", ("full-online",)), ("catalog", ("internal-cost-cut", "online-dossiers"))]


@pytest.fixture(scope="module")
def cases(synthetic, catalog):
    return [({"synthetic": synthetic, "catalog": catalog}[name], aim) for name, aim in AIMS]


def test_a_plan_started_from_the_analysis_is_the_plan_made_from_scratch(cases, settings):
    # The report starts its plan from the analysis's costs and findings (read from the analysis cache the
    # second time) instead of running the rules over the catalogue again; the plan must be the same, and
    # the analysis's costs, which the report writes after it, left as they were.
    from simplify.analysis import analyse

    measures = 0
    for catalog, aim in cases:
        fresh = make_plan(catalog, settings, aim)
        measures += len(fresh.steps)
        for _ in ("cold", "warm"):
            analysis = analyse(catalog, settings)
            costs = dict(analysis.costs)
            assert analysis_plan(analysis, aim) == fresh
            assert analysis.costs == costs
    assert measures > 20


def test_the_plan_keeps_the_links_of_its_catalogue(cases, settings, monkeypatch):
    # After each measure the plan updates the links of its catalogue where the measure reached, and tells
    # from them which neighbours' rules to run again: they must be the links of the catalogue made again.
    from simplify import plan as plan_module
    from simplify.network import links

    refresh = plan_module._Suggestions.refresh
    rounds = 0

    def checked(self, before):
        nonlocal rounds
        found = refresh(self, before)
        assert self.links == links(self.state.catalog())
        rounds += 1
        return found

    monkeypatch.setattr(plan_module._Suggestions, "refresh", checked)
    for catalog, aim in cases:
        make_plan(catalog, settings, aim)
    assert rounds > 20


def test_a_plan_reads_no_elapsed_days(cases, settings, monkeypatch):
    # The plan prices its candidates without working out their elapsed days: it must be the plan that
    # works them out.
    from simplify import scenario
    from simplify.cost import procedure_cost

    plans = [make_plan(catalog, settings, aim) for catalog, aim in cases]
    monkeypatch.setattr(scenario, "procedure_cost", lambda p, cm, days: procedure_cost(p, cm))
    assert [make_plan(catalog, settings, aim) for catalog, aim in cases] == plans
