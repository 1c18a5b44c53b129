"""Scenarios: reading with located E203 errors, applying with savings worked by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simplify.catalog.loader import require_catalog
from simplify.cost import CostModel, annual_cost, catalog_costs
from simplify.diagnostics import InputError
from simplify.scenario import apply_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
SCENARIOS = DATA / "scenario"


@pytest.fixture(scope="module")
def mini_catalog():
    return require_catalog(MINI)[0]


def test_scenario_abolishes_merges_and_removes_a_document(mini_catalog):
    scenario = load_scenario(SCENARIOS / "cut.yaml", mini_catalog)
    assert scenario.name == "Phương án đơn giản hóa thử nghiệm"
    result = apply_scenario(mini_catalog, scenario, CostModel())

    # The mini catalogue costs 397,000,000 + 29,200,000 + 24,000,000 = 450,200,000 a year (EXPECTED.md).
    # 1. remove cccd from 1.000001: its cash (6,500) and the certification visit
    #    (2 h x 44,000 + 30,000 = 118,000) in both channels: 124,500 x 1,000 = 124,500,000;
    #    1.000001 now costs 272,500,000.
    # 2. abolish 2.000003: its 24,000,000.
    # 3. merge 1.000001 into 1.000002: 1.000001's 272,500,000 goes; 1.000002 no longer asks for
    #    giay_khai_sinh, which 1.000001 issued (2 copies x 1 page x 500 = 1,000 a dossier), and gains
    #    nothing (to_khai it asks already, cccd is gone): 146,000 -> 145,000 x 200 = 29,000,000,
    #    200,000 less. Saving 272,700,000.
    assert [(r.measure.action, r.annual_saving) for r in result.measures] == [
        ("remove_document", 124_500_000), ("abolish", 24_000_000), ("merge", 272_700_000),
    ]
    assert result.annual_cost_before == 450_200_000
    assert result.annual_saving == 421_200_000
    assert result.annual_cost_after == 29_000_000 == annual_cost(result.catalog, CostModel())
    assert [p.code for p in result.catalog.procedures] == ["1.000002"]
    merged = result.catalog.procedure("1.000002")
    assert [d.evidence for d in merged.documents] == ["to_khai"]
    assert [o.evidence for o in merged.outputs] == ["giay_khai_sinh"]
    assert catalog_costs(result.catalog, CostModel())["1.000002"].cost_per_dossier == 145_000
    # the input catalogue is untouched
    assert len(mini_catalog.procedures) == 3


def test_the_working_copys_metrics_are_those_of_its_catalogue_as_measures_apply(mini_catalog):
    # A plan asks for them after every measure and of many candidates: each procedure's row is kept, so they
    # must stay those of the catalogue counted again, to the last bit.
    from simplify.measures import Measure
    from simplify.metrics import compute_metrics
    from simplify.scenario import CostedProcedures

    state = CostedProcedures(mini_catalog, CostModel())
    measures = [Measure("remove_document", "1.000001", evidence="cccd"), Measure("abolish", "2.000003"),
                Measure("merge", "1.000001", into="1.000002")]
    assert state.metrics() == compute_metrics(mini_catalog, state.costs)
    for m in measures:
        change = state.preview((m,))
        state.apply(m)
        assert state.metrics() == compute_metrics(state.catalog(), state.costs)
        assert state.metrics() != compute_metrics(mini_catalog, catalog_costs(mini_catalog, CostModel()))
        # and of a change not applied: the same as the catalogue it would make
        before = CostedProcedures(mini_catalog, CostModel())
        for done in measures[:measures.index(m)]:
            before.apply(done)
        assert before.metrics(change) == state.metrics()


def test_merge_carries_the_dropped_procedures_documents(mini_catalog, tmp_path):
    file = tmp_path / "merge.yaml"
    file.write_text('measures:\n  - merge: {from: "1.000001", into: "1.000002"}\n', encoding="utf-8")
    scenario = load_scenario(file, mini_catalog)
    assert scenario.name == "merge"  # no name: the file's stem
    result = apply_scenario(mini_catalog, scenario, CostModel())
    # 1.000002 gains cccd (1 certified copy of 3 pages: 6,500 cash and a certification visit) and
    # drops giay_khai_sinh (1,000): visits 2, hours 0.5 + 2 x 2 = 4.5;
    # 44,000 x 4.5 + 2 x 30,000 + 5,000 + 6,500 = 269,500 x 200 = 53,900,000 (was 29,200,000).
    # Saving: 397,000,000 - (53,900,000 - 29,200,000) = 372,300,000.
    assert [r.annual_saving for r in result.measures] == [372_300_000]
    assert result.annual_cost_after == 53_900_000 + 24_000_000


def test_set_measures_change_the_figures(mini_catalog, tmp_path):
    file = tmp_path / "set.yaml"
    file.write_text(
        "name: Chỉnh sửa\n"
        "measures:\n"
        '  - set_document: {procedure: "1.000001", evidence: cccd, certified: false}\n'
        '  - set_step: {procedure: "1.000001", step: receive, online: true}\n'
        '  - set_procedure: {procedure: "1.000002", online_share: 1}\n',
        encoding="utf-8")
    result = apply_scenario(mini_catalog, load_scenario(file, mini_catalog), CostModel())
    # 1. plain copy: certification fee 5,000 and the certification visit 118,000 -> 123,000 x 1,000
    # 2. receive online: one visit fewer online only (88,000 + 30,000 = 118,000), half the dossiers
    #    are online -> 59,000 x 1,000
    # 3. 1.000002 online: no online step, so the online channel costs the same -> 0
    assert [r.annual_saving for r in result.measures] == [123_000_000, 59_000_000, 0]
    assert result.to_dict({"annual_cost": 450_200_000})["measures"][0] == {
        "measure": {"set_document": {"procedure": "1.000001", "evidence": "cccd", "certified": False}},
        "annual_saving": 123_000_000,
    }


def test_to_dict_is_the_json_contract_object(mini_catalog):
    result = apply_scenario(mini_catalog, load_scenario(SCENARIOS / "cut.yaml", mini_catalog), CostModel())
    data = result.to_dict({"annual_cost": 450_200_000.0})
    assert list(data) == ["name", "file", "measures", "before", "annual_saving"]
    assert data["file"] == str(SCENARIOS / "cut.yaml")
    assert data["before"] == {"annual_cost": 450_200_000.0}
    assert data["annual_saving"] == 421_200_000
    assert [m["measure"] for m in data["measures"]] == [
        {"remove_document": {"procedure": "1.000001", "evidence": "cccd"}},
        {"abolish": "2.000003"},
        {"merge": {"from": "1.000001", "into": "1.000002"}},
    ]


def test_every_problem_of_a_scenario_is_located(mini_catalog):
    with pytest.raises(InputError) as caught:
        load_scenario(SCENARIOS / "bad.yaml", mini_catalog)
    got = [(d.code, Path(d.location.file).name, d.location.line) for d in caught.value.diagnostics]
    assert got == [
        ("E203", "bad.yaml", 3),    # abolish an unknown procedure
        ("E203", "bad.yaml", 4),    # remove an evidence type 1.000001 does not ask for
        ("E203", "bad.yaml", 6),    # 1.000001 was merged away on line 5
        ("E203", "bad.yaml", 7),    # copies: many
        ("E203", "bad.yaml", 11),   # abolsh
        ("E203", "bad.yaml", 12),   # an unquoted code, read as a number
        ("E203", "bad.yaml", 13),   # set_step without a step
        ("E203", "bad.yaml", 14),   # 1.000002 has no fee
    ]
    messages = [d.en for d in caught.value.diagnostics]
    assert messages[0] == "there is no procedure '9.999999'"
    assert messages[1] == "1.000001 does not ask for 'ho_chieu'"
    assert caught.value.diagnostics[1].vi == "1.000001 không yêu cầu giấy tờ 'ho_chieu'"


@pytest.mark.parametrize("text, line", [
    ("", 1),                               # empty
    ("- abolish: '1.000001'\n", 1),        # not a mapping
    ("name: x\n", 1),                      # no measures
    ("measures: {abolish: '1.000001'}\n", 1),
    ("measures:\n  - {abolish: '1.000001', merge: {from: a, into: b}}\n", 2),
    ("measures:\n  - merge: {from: '1.000001'}\n", 2),
])
def test_malformed_scenarios(mini_catalog, tmp_path, text, line):
    file = tmp_path / "s.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(file, mini_catalog)
    assert [(d.code, d.location.line) for d in caught.value.diagnostics][:1] == [("E203", line)]


def test_cli_scenario_naming_unknown_procedure_exits_2_with_file_and_line():
    done = subprocess.run(
        [sys.executable, "-m", "simplify", "cost", str(MINI), "--scenario", str(SCENARIOS / "bad.yaml"),
         "--lang", "en", "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert f"{SCENARIOS / 'bad.yaml'}:3:5: E203 there is no procedure '9.999999'" in done.stderr
    assert f"{SCENARIOS / 'bad.yaml'}:4:5: E203 1.000001 does not ask for 'ho_chieu'" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("lang, said", [("vi", "E203 phương án phải là một ánh xạ"), ("en", "E203 the scenario must be a mapping")])
def test_a_scenario_that_is_no_mapping_is_said_in_one_language(tmp_path, lang, said):
    bad = tmp_path / "list.yaml"
    bad.write_text("- abolish: '1.000002'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "simplify", "cost", str(MINI), "--scenario", str(bad), "--lang", lang],
                            capture_output=True, text=True)
    assert result.returncode == 2 and said in result.stderr


@pytest.mark.parametrize("fmt, lang, first", [
    ("table", "vi", "Sau phương án 'Phương án đơn giản hóa thử nghiệm' (3 biện pháp): chi phí tuân thủ/năm 450.200.000 -> "
                    "29.000.000 đồng, tiết kiệm 421.200.000 đồng; mọi số liệu dưới đây là sau phương án"),
    ("markdown", "en", "After the scenario 'Phương án đơn giản hóa thử nghiệm' (3 measures): annual compliance cost "
                       "VND 450,200,000 -> 29,000,000, saving VND 421,200,000; every figure below is after it"),
])
def test_an_audit_for_people_says_its_figures_are_after_the_scenario(fmt, lang, first):
    result = subprocess.run([sys.executable, "-m", "simplify", "audit", str(MINI), "--scenario", str(SCENARIOS / "cut.yaml"),
                             "--format", fmt, "--lang", lang, "--no-progress"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert first in " ".join(result.stdout.split("\n")) or first in result.stdout.replace("\n", "")
