"""Measures: each action on the mini catalogue with hand-worked costs, checks, scenario forms, properties."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simplify.catalog.loader import load_catalog
from simplify.cost import annual_cost, catalog_costs
from simplify.measures import Measure, apply_measure, apply_measures, measure_problem
from simplify.model import (
    Catalog, CatalogInfo, Database, Document, EvidenceType, Fee, LegalRef, Output, Procedure, Step,
    resolve_procedure,
)
from simplify.rules.engine import find, load_rules, projected_catalog
from simplify.settings import load_cost_model

MINI = Path(__file__).resolve().parent / "data" / "mini"
BEFORE = 450_200_000  # EXPECTED.md: the mini catalogue's annual cost


@pytest.fixture(scope="module")
def cost_model():
    return load_cost_model()


@pytest.fixture(scope="module")
def mini():
    catalog, diagnostics = load_catalog(MINI)
    assert catalog is not None, diagnostics
    return catalog


def saving(catalog, m, cost_model) -> float:
    return annual_cost(catalog, cost_model) - annual_cost(apply_measure(catalog, m), cost_model)


# Hand-worked on 1.000001 (397,000 a dossier, 1,000 a year; offline 458,500, online 335,500, half online).
HAND_WORKED = [
    # cash 6,500 and the certification trip (2 h x 44,000 + 30,000) go, in both channels
    (Measure("remove_document", "1.000001", evidence="cccd"), 124_500_000),
    # a plain copy: 5,000 of certification and the trip go, 1,500 of copying stays
    (Measure("set_document", "1.000001", evidence="cccd", values=(("certified", False),)), 123_000_000),
    # 'receive' online: online one trip less, 118,000 x 0.5
    (Measure("set_step", "1.000001", step="receive", values=(("online", True),)), 59_000_000),
    # no 'receive' at all: offline 340,500, online 217,500, per dossier 279,000
    (Measure("remove_step", "1.000001", step="receive"), 118_000_000),
    # no fee: 10,000 offline, 5,000 online, half and half
    (Measure("remove_fee", "1.000001", fee="Lệ phí"), 7_500_000),
    (Measure("set_fee", "1.000001", fee="Lệ phí", values=(("amount", 0), ("online_amount", 0))), 7_500_000),
    # every dossier online: 335,500
    (Measure("set_procedure", "1.000001", values=(("online_share", 1),)), 61_500_000),
    # 2.000003 gone: 480,000 x 50
    (Measure("abolish", "2.000003"), 24_000_000),
    # 1.000001 into 1.000002: 397,000,000 gone; 1.000002 no longer asks for the birth certificate
    # (-1,000 cash) and gains the certified cccd (6,500 and a trip): 0.5 h + 2 trips = 4.5 h,
    # 198,000 + 60,000 + 5,000 + 6,500 = 269,500 x 200 = 53,900,000 (was 29,200,000)
    (Measure("merge", "1.000001", into="1.000002"), 397_000_000 + 29_200_000 - 53_900_000),
]


@pytest.mark.parametrize(("measure", "expected"), HAND_WORKED, ids=lambda v: getattr(v, "action", ""))
def test_hand_worked_savings(mini, cost_model, measure, expected):
    assert annual_cost(mini, cost_model) == pytest.approx(BEFORE)
    assert saving(mini, measure, cost_model) == pytest.approx(expected)


def test_the_input_catalogue_is_never_changed(mini, cost_model):
    after = apply_measures(mini, [HAND_WORKED[i][0] for i in (0, 2, 4, 6, 7)])
    assert after is not mini
    assert annual_cost(mini, cost_model) == pytest.approx(BEFORE)
    assert [d.evidence for d in mini.procedure("1.000001").documents] == ["to_khai", "cccd"]


def test_merge_moves_documents_to_the_first_applicant_step_and_keeps_outputs(mini):
    after = apply_measure(mini, Measure("merge", "1.000001", into="1.000002"))
    assert [p.code for p in after.procedures] == ["1.000002", "2.000003"]
    consumer = after.procedure("1.000002")
    # giay_khai_sinh (issued by the dropped procedure) is gone; to_khai was asked already; cccd is added
    assert [(d.evidence, d.step) for d in consumer.documents] == [("to_khai", "submit"), ("cccd", "submit")]
    assert [o.evidence for o in consumer.outputs] == ["giay_khai_sinh"]


def test_remove_step_rejoins_the_step_graph(mini):
    after = apply_measure(mini, Measure("remove_step", "1.000001", step="process")).procedure("1.000001")
    assert [(s.id, s.after) for s in after.steps] == [("prepare", ()), ("submit", ("prepare",)), ("receive", ("submit",))]
    first = apply_measure(mini, Measure("remove_step", "1.000001", step="prepare")).procedure("1.000001")
    assert first.steps[0].after == ()
    assert {d.step for d in first.documents} == {"submit"}  # the documents moved to the new first applicant step


def test_occurrence_names_one_of_several_documents_of_a_type():
    p = resolve_procedure(Procedure(code="1", name="P", steps=(Step(id="s"),), documents=(
        Document(evidence="a"), Document(evidence="a", copies=1), Document(evidence="b"), Document(evidence="a", copies=2),
    )), {})
    catalog = Catalog(CatalogInfo(name="c"), procedures=(p,))

    def documents(m):
        return [(d.evidence, d.copies) for d in apply_measure(catalog, m).procedures[0].documents]

    assert documents(Measure("remove_document", "1", evidence="a", values=(("occurrence", 3),))) == [
        ("a", 0), ("a", 1), ("b", 0)]
    assert documents(Measure("set_document", "1", evidence="a", values=(("occurrence", 2), ("copies", 5)))) == [
        ("a", 0), ("a", 5), ("b", 0), ("a", 2)]
    assert documents(Measure("remove_document", "1", evidence="a")) == [("b", 0)]
    assert documents(Measure("set_document", "1", evidence="a", values=(("copies", 1),))) == [
        ("a", 1), ("a", 1), ("b", 0), ("a", 1)]
    assert measure_problem(catalog, Measure("remove_document", "1", evidence="a", values=(("occurrence", 4),)))[0] == (
        "1 asks for 'a' 3 time(s), not 4")
    assert "whole number" in measure_problem(catalog, Measure("remove_document", "1", evidence="b",
                                                               values=(("occurrence", True),)))[0]
    assert "changes nothing" in measure_problem(catalog, Measure("set_document", "1", evidence="a",
                                                                  values=(("occurrence", 1),)))[0]


def test_set_values_are_typed_by_the_model(mini):
    after = apply_measures(mini, [
        Measure("set_procedure", "1.000002", values=(("channels", ("online", "post")), ("legal_basis", ("Luật A",)))),
        Measure("set_document", "1.000002", evidence="giay_khai_sinh", values=(("copies", 1.0),)),
        Measure("set_step", "1.000001", step="receive", values=(("in_person_basis", None),)),
    ])
    p = after.procedure("1.000002")
    assert p.channels == ("online", "post") and p.legal_basis == (LegalRef("Luật A"),)
    assert p.documents[1].copies == 1 and isinstance(p.documents[1].copies, int)


PROBLEMS = [
    (Measure("abolish", "9.9"), "there is no procedure '9.9'"),
    (Measure("merge", "1.000001", into="9.9"), "no procedure '9.9' to merge into"),
    (Measure("merge", "1.000001", into="1.000001"), "cannot be merged into itself"),
    (Measure("merge", "1.000001"), "names no procedure to merge into"),
    (Measure("remove_document", "1.000001", evidence="giay_khai_sinh"), "1.000001 does not ask for 'giay_khai_sinh'"),
    (Measure("remove_document", "1.000001", evidence="cccd", values=(("occurrence", 2),)), "asks for 'cccd' 1 time(s), not 2"),
    (Measure("remove_document", "1.000001", evidence="cccd", values=(("copies", 2),)), "'remove_document' takes no values"),
    (Measure("set_step", "1.000001", step="pay", values=(("online", True),)), "1.000001 has no step 'pay'"),
    (Measure("remove_fee", "1.000001", fee="Phí"), "1.000001 has no fee 'Phí'"),
    (Measure("set_step", "1.000001", step="receive"), "changes nothing"),
    (Measure("set_step", "1.000001", step="receive", values=(("id", "x"),)), "'set_step' cannot set 'id'"),
    (Measure("set_step", "1.000001", step="receive", values=(("after", ("submit",)),)), "cannot set 'after'"),
    (Measure("set_fee", "1.000001", fee="Lệ phí", values=(("name", "x"),)), "'set_fee' cannot set 'name'"),
    (Measure("set_procedure", "1.000001", values=(("online_share", 1.4),)), "'online_share' must be a share between 0 and 1"),
    (Measure("set_procedure", "1.000001", values=(("name", None),)), "'name' cannot be empty"),
    (Measure("set_document", "1.000001", evidence="cccd", values=(("copies", -1),)), "'copies' must be zero or more"),
    (Measure("set_step", "1.000001", step="receive", values=(("online", "maybe"),)), "'online' must be true or false"),
    (Measure("abolish", "1.000001", values=(("x", 1),)), "'abolish' takes no values"),
    (Measure("close", "1.000001"), "unknown measure 'close'"),
]


@pytest.mark.parametrize(("measure", "problem"), PROBLEMS, ids=lambda v: getattr(v, "action", ""))
def test_measure_problems(mini, measure, problem):
    found = measure_problem(mini, measure)
    assert found is not None and problem in found[0]
    assert found[1]  # the Vietnamese text too
    with pytest.raises(ValueError):
        apply_measure(mini, measure)


def test_valid_measures_have_no_problem(mini):
    for m, _ in HAND_WORKED:
        assert measure_problem(mini, m) is None


def test_scenario_file_forms():
    assert Measure("abolish", "2.000123").to_yaml() == {"abolish": "2.000123"}
    assert Measure("merge", "2.1", into="2.2").to_yaml() == {"merge": {"from": "2.1", "into": "2.2"}}
    assert Measure("remove_document", "1.0", evidence="cccd").to_yaml() == {
        "remove_document": {"procedure": "1.0", "evidence": "cccd"}}
    assert Measure("remove_document", "1.0", evidence="cccd", values=(("occurrence", 2),)).to_yaml() == {
        "remove_document": {"procedure": "1.0", "evidence": "cccd", "occurrence": 2}}
    assert Measure("set_step", "1.0", step="submit", values=(("online", True),)).to_yaml() == {
        "set_step": {"procedure": "1.0", "step": "submit", "online": True}}
    assert Measure("set_fee", "1.0", fee="Lệ phí", values=(("payable_online", True),)).to_yaml() == {
        "set_fee": {"procedure": "1.0", "name": "Lệ phí", "payable_online": True}}
    assert Measure("set_procedure", "1.0", values=(("channels", ("online", "post")),)).to_yaml() == {
        "set_procedure": {"procedure": "1.0", "channels": ["online", "post"]}}


def test_descriptions_for_people():
    m = Measure("set_document", "1.004222", evidence="giay_to_cho_o", values=(("certified", False),))
    assert m.describe("vi") == "Giấy tờ 'giay_to_cho_o' của thủ tục 1.004222: không yêu cầu chứng thực"
    assert m.describe("en") == "Document 'giay_to_cho_o' of 1.004222: certified = false"
    assert Measure("merge", "2.1", into="2.2").describe("vi") == "Gộp thủ tục 2.1 vào thủ tục 2.2"
    assert Measure("remove_document", "1", evidence="a", values=(("occurrence", 2),)).describe("en") == (
        "Stop asking for 'a' (2nd time asked) in 1")
    assert Measure("set_document", "1", evidence="a", values=(("occurrence", 3), ("copies", 1))).describe("vi") == (
        "Giấy tờ 'a' (lần thứ 3) của thủ tục 1: copies = 1")
    set_step = Measure("set_step", "1", step="s", values=(("online", True), ("hours", 1.0)))
    assert set_step.describe("vi") == "Bước 's' của thủ tục 1: cho phép làm trực tuyến, hours = 1"


# -- properties over generated catalogues ----------------------------------------------

EVIDENCE = (
    EvidenceType("a", "A", held_in="db1"), EvidenceType("b", "B", held_in="db2"),
    EvidenceType("c", "C"), EvidenceType("d", "D"),
)
DATABASES = (Database("db1", "Connected", connected=True), Database("db2", "Not yet", connected=False))
_hours = st.sampled_from([0.0, 0.5, 1.0, 3.0])
_money = st.sampled_from([0.0, 1000.0, 25000.0])


@st.composite
def _procedure(draw, code: str) -> Procedure:
    steps = tuple(
        Step(id=f"s{i}", actor=draw(st.sampled_from(["applicant", "agency"])), hours=draw(_hours), cost=draw(_money),
             in_person=draw(st.booleans()), online=draw(st.booleans()),
             in_person_basis=draw(st.sampled_from([None, "Luật X"])))
        for i in range(draw(st.integers(1, 4)))
    )
    documents = tuple(
        Document(evidence=draw(st.sampled_from("abcd")), copies=draw(st.integers(0, 3)), certified=draw(st.booleans()),
                 pages=draw(st.integers(1, 5)), hours=draw(_hours), cost=draw(_money))
        for _ in range(draw(st.integers(0, 4)))
    )
    fees = tuple(
        Fee(name=f"f{i}", amount=draw(_money), online_amount=draw(st.none() | _money), payable_online=draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    )
    p = Procedure(
        code=code, name=code, kind=draw(st.sampled_from(["external", "internal"])),
        life_event=draw(st.sampled_from([None, "birth"])), online_eligible=draw(st.booleans()),
        volume_per_year=draw(st.sampled_from([0.0, 10.0, 1000.0])), online_share=draw(st.sampled_from([0.0, 0.5, 1.0])),
        legal_basis=draw(st.sampled_from([(), (LegalRef("Luật X"),)])),
        channels=draw(st.sampled_from([("counter",), ("online",), ("online", "post")])),
        steps=steps, documents=documents, fees=fees,
        outputs=tuple(Output(e) for e in draw(st.lists(st.sampled_from("abcd"), max_size=2, unique=True))),
    )
    return resolve_procedure(p, {e.id: e for e in EVIDENCE})


@st.composite
def catalogs(draw) -> Catalog:
    n = draw(st.integers(1, 3))
    procedures = tuple(draw(_procedure(f"1.{i}")) for i in range(n))
    return Catalog(CatalogInfo(name="generated"), EVIDENCE, DATABASES, procedures)


@functools.cache
def _defaults():
    """The default cost model and built-in rules, read once rather than per generated example."""
    return load_cost_model(), load_rules()


def _findings(catalog: Catalog, actions: tuple[str, ...] = ("remove_", "set_", "abolish", "merge")):
    """The cost model and the built-in findings whose measure's action starts with one of `actions`."""
    cost_model, rules = _defaults()
    found = find(catalog, rules, cost_model, catalog_costs(catalog, cost_model))
    return cost_model, [f for f in found if f.measure is not None and f.measure.action.startswith(actions)]


@settings(max_examples=150, deadline=None)
@given(catalogs())
def test_suggested_remove_and_set_measures_never_raise_the_annual_cost(catalog):
    cost_model, findings = _findings(catalog, ("remove_", "set_"))
    before = annual_cost(catalog, cost_model)
    for f in findings:
        assert annual_cost(apply_measure(catalog, f.measure), cost_model) <= before + 1e-6


@settings(max_examples=100, deadline=None)
@given(catalogs())
def test_all_suggested_remove_and_set_measures_together_never_raise_the_annual_cost(catalog):
    cost_model, findings = _findings(catalog, ("remove_", "set_"))
    projected = projected_catalog(catalog, findings)
    assert annual_cost(projected, cost_model) <= annual_cost(catalog, cost_model) + 1e-6
    # every document ONCE001 found (held in a connected database) is gone, whichever occurrence it was
    gone = {(f.procedure, f.evidence) for f in findings if f.rule == "ONCE001"}
    assert not any((p.code, d.evidence) in gone for p in projected.procedures for d in p.documents)


@settings(max_examples=100, deadline=None)
@given(catalogs())
def test_each_saving_equals_recosting_the_whole_catalogue(catalog):
    cost_model, findings = _findings(catalog)
    before = annual_cost(catalog, cost_model)
    for f in findings:
        after = annual_cost(apply_measure(catalog, f.measure), cost_model)
        assert f.annual_saving == pytest.approx(before - after, abs=1e-6)
