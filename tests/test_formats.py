"""The machine formats of `simplify check`: golden files, the SARIF schema, GitHub escaping, well-formed JUnit.

Golden files are rewritten only when SIMPLIFY_UPDATE_GOLDEN=1 is set.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from simplify.check import CheckResult, Entry, Regression
from simplify.model import Location
from simplify.report import github, junit, sarif

GOLDEN = Path(__file__).resolve().parent / "golden"
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-2.1.0.json"
SUFFIXES = {"github": "github.txt", "sarif": "sarif.json", "junit": "junit.xml", "json": "json", "markdown": "md"}
CASES = {
    # the mini catalogue alone, in Vietnamese: every finding is new, PROC003 fails
    "check": ("tests/data/mini",),
    # the certified copy against the mini catalogue, in English: new, existing and a regression
    "check-ratchet": ("tests/data/check/certified", "--baseline", "tests/data/mini", "--lang", "en"),
}


@pytest.mark.parametrize("fmt", SUFFIXES)
@pytest.mark.parametrize("case", CASES)
def test_golden(cli, case, fmt):  # noqa: F811
    code, out, _ = cli("check", *CASES[case], "--format", fmt)
    assert code == 1
    golden = GOLDEN / f"{case}.{SUFFIXES[fmt]}"
    if os.environ.get("SIMPLIFY_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_sarif_validates_against_the_sarif_2_1_0_schema(cli, case):  # noqa: F811
    log = json.loads(cli("check", *CASES[case], "--format", "sarif")[1])
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)) and {"DOC001", "PROC003", "REG001", "REG004"} <= set(ids)
    for result in log["runs"][0]["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_sarif_results_of_the_ratchet(cli):  # noqa: F811
    run = json.loads(cli("check", *CASES["check-ratchet"], "--format", "sarif")[1])["runs"][0]
    states = [(r["ruleId"], r["baselineState"], r["level"]) for r in run["results"]]
    assert states.count(("DOC001", "new", "warning")) == 1 and ("REG001", "new", "error") in states
    assert sum(1 for _, state, _ in states if state == "unchanged") == 11
    doc001 = next(r for r in run["results"] if r["baselineState"] == "new" and r["ruleId"] == "DOC001")
    assert doc001["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/data/check/certified/procedures/1.000002-thuong-tru.yaml"},
        "region": {"startLine": 20, "startColumn": 5},
    }
    assert doc001["partialFingerprints"] == {"simplify/v1": "DOC001|1.000002|giay_khai_sinh"}


# --- escaping, with a hand-made verdict ----------------------------------------------------------

def verdict_of(*items: Regression) -> CheckResult:
    return CheckResult("Thử", "cat", 1, "git:main", "error", 0.0, (), tuple(Entry(i, "regression", True) for i in items))


def regression(message: str, location: Location) -> Regression:
    return Regression("REG003", "1.000001", "submit", message, message, location)


def test_github_escapes_data_and_properties_as_the_toolkit_does():
    assert github.escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github.escape_property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"
    assert github.command("notice", "x", file=None, line=3) == "::notice line=3::x"
    odd = Location("thủ tục/a:b,c%.yaml", 7, 2)
    out = github.render(verdict_of(regression("two\nlines, 50%", odd)), "en", "cat")
    assert out.splitlines()[0] == (
        "::error file=cat/thủ tục/a%3Ab%2Cc%25.yaml,line=7,col=2,title=REG003 new-in-person-step::two%0Alines, 50%25"
    )


def test_a_workbook_cell_is_carried_where_there_is_no_line():
    cell = Location("catalog.xlsx", sheet="Thủ tục", cell="C12")
    result = verdict_of(regression("in person", cell))
    assert github.render(result, "en").splitlines()[0] == (
        "::error file=catalog.xlsx,title=REG003 new-in-person-step::Thủ tục!C12: in person"
    )
    location = sarif.sarif_log(result, "en")["runs"][0]["results"][0]["locations"][0]
    assert location == {
        "physicalLocation": {"artifactLocation": {"uri": "catalog.xlsx"}},
        "logicalLocations": [{"name": "Thủ tục!C12", "fullyQualifiedName": "Thủ tục!C12", "kind": "element"}],
    }
    assert "catalog.xlsx:Thủ tục!C12 in person" in junit.render(result, "en")


def test_junit_is_well_formed_whatever_the_text():
    nasty = "<b>&\"quoted\"</b>\x01 and ]]>"
    root = ET.fromstring(junit.render(verdict_of(regression(nasty, Location("a&b.yaml", 3, 1))), "en", "x"))
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "1", "1")
    suite = root.find("testsuite")
    assert (suite.get("name"), suite.get("failures"), suite.get("skipped")) == ("x/a&b.yaml", "1", "0")
    case = suite.find("testcase")
    assert (case.get("name"), case.get("classname")) == ("REG003 1.000001 submit", "x/a&b.yaml")
    failure = case.find("failure")
    assert failure.get("type") == "REG003"
    assert failure.get("message") == "<b>&\"quoted\"</b> and ]]>"
    assert failure.text == "x/a&b.yaml:3:1 <b>&\"quoted\"</b> and ]]>"


def test_junit_marks_what_does_not_fail_as_skipped(cli):  # noqa: F811
    root = ET.fromstring(cli("check", *CASES["check-ratchet"], "--format", "junit")[1])
    assert (root.get("tests"), root.get("failures")) == ("13", "1")
    reasons = sorted(s.get("message") for s in root.iter("skipped"))
    assert reasons == ["already in the baseline"] * 11 + ["below --fail-on"]


@pytest.mark.parametrize("value, vi, en", [
    (2.5, "3", "3"), (3.5, "4", "4"), (2.4999, "2", "2"), (-2.5, "-3", "-3"), (0.0, "0", "0"),
    (1_234_567.5, "1.234.568", "1,234,568"), (20_446_943_155_500.0, "20.446.943.155.500", "20,446,943,155,500"),
])
def test_money_is_whole_dong_halves_rounded_up_as_excel_shows_them(value, vi, en):
    from simplify.i18n import money

    assert (money(value, "vi"), money(value, "en")) == (vi, en)
