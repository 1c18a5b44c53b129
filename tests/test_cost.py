"""The cost model against hand-worked numbers (EXPECTED.md and our own cases)."""

from __future__ import annotations

import pytest
from conftest import MINI, REPO

from simplify.catalog.loader import load_catalog
from simplify.cost import CostModel, certification_fee, catalog_costs, procedure_cost
from simplify.metrics import compute_metrics
from simplify.model import Document, Fee, Procedure, Step
from simplify.settings import load_cost_model

CM = CostModel()


@pytest.fixture(scope="module")
def mini_costs():
    catalog, _ = load_catalog(MINI)
    return catalog, catalog_costs(catalog, load_cost_model())


def test_default_cost_model_file_matches_the_spec():
    assert load_cost_model() == CM


def test_birth_registration_by_hand(mini_costs):
    c = mini_costs[1]["1.000001"]
    # offline: visits submit + receive + certification = 3; hours 1 + 0.5 + 0.5 + 3 x 2 = 8
    # 44,000 x 8 + 3 x 30,000 + cash 6,500 + fee 10,000 = 458,500
    assert (c.visits_offline, c.hours_offline, c.cost_offline) == (3, 8.0, 458_500)
    # online: visits receive + certification = 2; hours 2 + 2 x 2 = 6; online fee 5,000
    assert (c.visits_online, c.hours_online, c.cost_online) == (2, 6.0, 335_500)
    assert c.cost_per_dossier == 397_000
    assert c.annual_cost == 397_000_000
    assert c.online_level == "partial"
    assert c.elapsed_days == 3


def test_residence_and_internal_report_by_hand(mini_costs):
    costs = mini_costs[1]
    r = costs["1.000002"]
    assert (r.visits_offline, r.visits_online, r.hours_offline, r.cost_offline, r.cost_online) == (1, 1, 2.5, 146_000, 146_000)
    assert (r.volume, r.annual_cost, r.online_level) == (200, 29_200_000, "none")
    i = costs["2.000003"]
    assert (i.visits_offline, i.hours_offline, i.cost_offline, i.annual_cost) == (1, 10.0, 480_000, 24_000_000)


def test_catalogue_totals(mini_costs):
    catalog, costs = mini_costs
    m = compute_metrics(catalog, costs)
    assert m["annual_cost"] == 450_200_000
    assert m["internal_annual_cost"] == 24_000_000
    assert m["online_dossier_share"] == pytest.approx(0.4)
    assert (m["procedures"], m["internal_procedures"], m["external_procedures"]) == (3, 1, 2)
    assert m["essential_full_online"] is None  # no essential procedure: a share over an empty set


@pytest.mark.parametrize("pages, fee", [(1, 2_000), (2, 4_000), (3, 5_000), (250, 200_000), (198, 200_000), (197, 199_000)])
def test_certification_fee_schedule(pages, fee):
    # 2,000 a page for pages 1-2, 1,000 from page 3, capped at 200,000 a copy:
    # 197 pages = 4,000 + 195,000 = 199,000; 198 pages = 200,000; 250 pages would be 252,000.
    assert certification_fee(pages, CM) == fee


def _proc(**kw) -> Procedure:
    base = dict(code="9.1", name="x", subject="citizen", volume_per_year=1.0)
    base.update(kw)
    return Procedure(**base)


def test_two_certified_copies_of_250_pages_pay_the_cap_twice():
    d = Document(evidence="e", copies=2, certified=True, pages=250, original=0)
    c = procedure_cost(_proc(documents=(d,)), CM)
    # cash = 2 x 250 x 500 + 2 x 200,000 = 650,000; one certification visit: 2 h x 44,000 + 30,000
    assert c.cost_offline == 650_000 + 118_000
    assert c.visits_offline == c.visits_online == 1


def test_online_amount_only_online():
    fee = Fee(name="Lệ phí", amount=20_000, online_amount=10_000, payable_online=True)
    c = procedure_cost(_proc(fees=(fee,), online_share=0.25), CM)
    assert (c.cost_offline, c.cost_online) == (20_000, 10_000)
    assert c.cost_per_dossier == 0.25 * 10_000 + 0.75 * 20_000
    assert c.online_level == "full"  # no in-person step, the only fee payable online


def test_online_amount_defaults_to_amount_and_cash_fee_blocks_full():
    c = procedure_cost(_proc(fees=(Fee(name="Phí", amount=50_000),)), CM)
    assert (c.cost_offline, c.cost_online, c.online_level) == (50_000, 50_000, "none")


def test_frequency_times_population_and_no_volume():
    assert procedure_cost(_proc(volume_per_year=None, frequency=2, population=1_500), CM).volume == 3_000
    c = procedure_cost(_proc(volume_per_year=None, frequency=2), CM)
    assert (c.volume, c.annual_cost) == (0, 0)


def test_procedure_with_no_applicant_steps():
    steps = (Step(id="a", actor="agency", days=5, hours=3, in_person=True, after=()),
             Step(id="b", actor="agency", days=2, after=("a",)))
    c = procedure_cost(_proc(steps=steps), CM)
    # agency time and visits are not the applicant's: nothing to pay, 7 days to wait
    assert (c.cost_offline, c.cost_online, c.visits_offline, c.hours_offline) == (0, 0, 0, 0)
    assert c.elapsed_days == 7
    assert c.online_level == "full"


def test_elapsed_days_takes_the_longest_branch():
    steps = (Step(id="s", days=1, after=()), Step(id="a", days=10, after=("s",)),
             Step(id="b", days=3, after=("s",)), Step(id="e", days=2, after=("a", "b")))
    assert procedure_cost(_proc(steps=steps), CM).elapsed_days == 13


def test_malformed_cost_model_is_located(tmp_path):
    from simplify.diagnostics import InputError

    bad = tmp_path / "cm.yaml"
    bad.write_text(
        "hourly_value: {citizen: 44000, business: abc, agency: 45000}\n"
        "visit: {hours: 2.0, travel_cost: 30000}\n"
        "copy_cost_per_pge: 500\n"
        "certification: {first_pages_fee: 2000, next_pages_fee: 1000, first_pages: 2, cap_per_copy: -1}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_cost_model(bad)
    assert [(d.code, d.location.line) for d in caught.value.diagnostics] == [
        ("E202", 1), ("E202", 1), ("E202", 3), ("E202", 4),
    ]
    assert "did you mean 'copy_cost_per_page'" in caught.value.diagnostics[2].en


def test_certified_pages_counted_at_the_first_fee_are_a_whole_number(tmp_path):
    from simplify.diagnostics import InputError

    default = (REPO / "rules" / "cost_model.yaml").read_text(encoding="utf-8")
    line = default[:default.index("first_pages:")].count("\n") + 1
    model = tmp_path / "cm.yaml"
    model.write_text(default.replace("first_pages: 2", "first_pages: 2.5"), encoding="utf-8")
    with pytest.raises(InputError) as caught:  # not silently 2
        load_cost_model(model)
    assert [(d.code, d.location.line, d.en) for d in caught.value.diagnostics] == [
        ("E202", line, "'first_pages' must be a whole number, not 2.5")]
    model.write_text(default.replace("first_pages: 2", "first_pages: 3.0"), encoding="utf-8")
    assert load_cost_model(model).certification.first_pages == 3
