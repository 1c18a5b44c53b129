"""Every built-in rule's YAML test cases (tests/rules/<CODE>.yaml), run by one parametrised test.

A case file names its rule and holds cases: catalogue snippets (procedures,
and evidence types or databases where the shared ones below do not fit) and
the findings expected of that rule alone, as (procedure, object, saving).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simplify.catalog.loader import load_catalog
from simplify.cost import catalog_costs
from simplify.rules.engine import find, load_rules, select_rules
from simplify.settings import load_cost_model

CASES = Path(__file__).resolve().parent / "rules"

BASE = {
    "catalog": {"name": "Thử nghiệm quy tắc"},
    "databases": [
        {"id": "dan_cu", "name": "Cơ sở dữ liệu quốc gia về dân cư", "connected": True},
        {"id": "cu_tru", "name": "Cơ sở dữ liệu về cư trú (chưa kết nối)", "connected": False},
    ],
    "evidence_types": [
        {"id": "to_khai", "name": "Tờ khai"},
        {"id": "cccd", "name": "Căn cước công dân", "held_in": "dan_cu"},
        {"id": "so_ho_khau", "name": "Sổ hộ khẩu", "held_in": "cu_tru"},
        {"id": "giay_khai_sinh", "name": "Giấy khai sinh"},
        {"id": "giay_phep", "name": "Giấy phép"},
        {"id": "bao_cao", "name": "Báo cáo"},
    ],
}


def _cases():
    for file in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec, case, id=f"{spec['rule']}-{case['name']}")


def test_every_built_in_rule_has_cases():
    covered = {yaml.safe_load(f.read_text(encoding="utf-8"))["rule"] for f in CASES.glob("*.yaml")}
    assert covered == {r.code for r in load_rules()}


def test_every_rule_has_cases_that_trigger_and_cases_that_do_not():
    for file in CASES.glob("*.yaml"):
        cases = yaml.safe_load(file.read_text(encoding="utf-8"))["cases"]
        assert any(c["expect"] for c in cases) and any(not c["expect"] for c in cases), file.name


@pytest.mark.parametrize(("spec", "case"), list(_cases()))
def test_rule_case(spec, case, tmp_path):
    document = {**BASE, **{k: spec[k] for k in ("databases", "evidence_types") if k in spec},
                "procedures": case["procedures"]}
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    catalog, diagnostics = load_catalog(path)
    assert catalog is not None, [d.render() for d in diagnostics]
    cost_model = load_cost_model()
    rules = select_rules(load_rules(), spec["rule"], None)
    findings = find(catalog, rules, cost_model, catalog_costs(catalog, cost_model))

    assert [(f.procedure, f.evidence or f.step or f.fee) for f in findings] == [
        (e["procedure"], e["object"]) for e in case["expect"]
    ]
    for f, expected in zip(findings, case["expect"]):
        assert f.rule == spec["rule"]
        if "annual_saving" in expected:
            assert f.annual_saving == pytest.approx(expected["annual_saving"])
