"""The rule engine: the mini catalogue's findings, savings, packs (built-in, custom, broken), waivers, commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simplify.catalog.loader import load_catalog
from simplify.cli import _register, app
from simplify.cost import annual_cost, catalog_costs
from simplify.diagnostics import InputError
from simplify.measures import Measure
from simplify.rules.engine import combine_measures, find, load_rules, projected_catalog, select_rules
from simplify.settings import load_cost_model

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
CUSTOM = DATA / "rules_custom"
BAD = DATA / "rules_bad" / "bad.yaml"

# EXPECTED.md of the mini example: (rule, procedure, document or step).
EXPECTED = [
    ("DOC001", "1.000001", "cccd"),
    ("ONCE001", "1.000001", "cccd"),
    ("PROC001", "1.000001", None),
    ("STEP001", "1.000001", "receive"),
    ("DOC003", "1.000002", "giay_khai_sinh"),
    ("LINK001", "1.000002", None),
    ("ONCE002", "1.000002", "giay_khai_sinh"),
    ("PROC001", "1.000002", None),
    ("STEP001", "1.000002", "submit"),
    ("PROC001", "2.000003", None),
    ("PROC003", "2.000003", None),
]

# analysis.md section 4: code -> (name, target, measure as a pack writes it)
SPEC_TABLE = {
    "ONCE001": ("document-held-in-database", "document", "remove"),
    "ONCE002": ("document-issued-by-state", "document", "remove"),
    "DOC001": ("certified-copy-required", "document", {"set": {"certified": False}}),
    "DOC002": ("duplicate-document", "document", "remove"),
    "DOC003": ("extra-copies", "document", {"set": {"copies": 1}}),
    "STEP001": ("in-person-without-basis", "step", {"set": {"online": True}}),
    "FEE001": ("fee-not-payable-online", "fee", {"set": {"payable_online": True}}),
    "PROC001": ("not-fully-online", "procedure", None),
    "PROC002": ("no-assisted-channel", "procedure", None),
    "PROC003": ("missing-legal-basis", "procedure", None),
    "LINK001": ("interconnection-candidate", "procedure", None),
    "INT001": ("internal-feeds-one", "procedure", {"merge_into": "consumer"}),
}


@pytest.fixture(scope="module")
def cost_model():
    return load_cost_model()


@pytest.fixture(scope="module")
def mini_catalog():
    catalog, diagnostics = load_catalog(MINI)
    assert catalog is not None, diagnostics
    return catalog


def run(catalog, cost_model, rules=None):
    return find(catalog, rules if rules is not None else load_rules(), cost_model, catalog_costs(catalog, cost_model))


def triples(findings):
    return [(f.rule, f.procedure, f.evidence or f.step or f.fee) for f in findings]


# -- the mini catalogue -----------------------------------------------------


def test_mini_findings_are_exactly_those_of_expected_md(mini_catalog, cost_model):
    assert triples(run(mini_catalog, cost_model)) == EXPECTED


def test_mini_savings_worked_by_hand(mini_catalog, cost_model):
    saving = {(f.rule, f.procedure): f.annual_saving for f in run(mini_catalog, cost_model)}
    # EXPECTED.md: cash 6,500 + the certification trip 118,000 = 124,500 a dossier, x 1,000
    assert saving["ONCE001", "1.000001"] == pytest.approx(124_500_000)
    # a plain copy: the 5,000 certification fee and the trip go, the 1,500 of copying stays
    assert saving["DOC001", "1.000001"] == pytest.approx(123_000_000)
    # 'receive' online: one trip less online, (88,000 + 30,000) x 0.5 a dossier, x 1,000
    assert saving["STEP001", "1.000001"] == pytest.approx(59_000_000)
    # nobody files 1.000002 online (online_share 0): its step going online saves nothing yet
    assert saving["STEP001", "1.000002"] == 0
    # one copy of one page less (500) x 200; the birth certificate not asked at all: 1,000 x 200
    assert saving["DOC003", "1.000002"] == pytest.approx(100_000)
    assert saving["ONCE002", "1.000002"] == pytest.approx(200_000)
    assert saving["PROC001", "1.000001"] == 0  # no measure, no saving


def test_findings_are_located_at_the_object_they_are_about(mini_catalog, cost_model):
    where = {(f.rule, f.procedure): (f.location.file, f.location.line) for f in run(mini_catalog, cost_model)}
    assert where["ONCE001", "1.000001"] == ("procedures/1.000001-khai-sinh.yaml", 37)   # the cccd document
    assert where["STEP001", "1.000001"] == ("procedures/1.000001-khai-sinh.yaml", 31)   # the receive step
    assert where["PROC003", "2.000003"] == ("procedures/2.000003-bao-cao.yaml", 1)      # the procedure


def test_messages_in_both_languages(mini_catalog, cost_model):
    once = next(f for f in run(mini_catalog, cost_model) if f.rule == "ONCE001")
    assert once.message("vi") == ("1.000001 yêu cầu 'Căn cước công dân', trong khi dữ liệu này đã có trong "
                                  "Cơ sở dữ liệu quốc gia về dân cư")
    assert once.message("en") == ("1.000001 asks for 'Căn cước công dân', whose data is already held in "
                                  "Cơ sở dữ liệu quốc gia về dân cư")


def test_finding_to_dict_has_exactly_the_json_contract_keys(mini_catalog, cost_model):
    doc = next(f for f in run(mini_catalog, cost_model) if f.rule == "DOC001").to_dict("en")
    assert list(doc) == ["rule", "name", "severity", "procedure", "step", "evidence", "fee", "message",
                         "annual_saving", "waived", "location"]
    assert doc["location"] == {"file": "procedures/1.000001-khai-sinh.yaml", "line": 37, "column": 5,
                               "sheet": None, "cell": None}
    assert (doc["name"], doc["severity"], doc["evidence"], doc["step"], doc["waived"]) == (
        "certified-copy-required", "warning", "cccd", None, False)
    json.dumps(doc)


def test_finding_key_ignores_the_line(mini_catalog, cost_model):
    keys = [f.key() for f in run(mini_catalog, cost_model)]
    assert ("ONCE001", "1.000001", "cccd") in keys and ("PROC003", "2.000003", None) in keys


def test_projected_catalog_applies_one_measure_per_object(mini_catalog, cost_model):
    findings = run(mini_catalog, cost_model)
    projected = projected_catalog(mini_catalog, findings)
    # 1.000001: cccd removed (ONCE001 wins over DOC001's set), 'receive' online:
    #   offline 2 trips, 6 h: 334,000; online no trip, 2 h: 93,000; per dossier 213,500 (was 397,000)
    # 1.000002: the birth certificate removed (wins over DOC003), 1,000 less a dossier x 200
    assert annual_cost(mini_catalog, cost_model) - annual_cost(projected, cost_model) == pytest.approx(
        183_500_000 + 200_000)
    assert [d.evidence for d in projected.procedure("1.000001").documents] == ["to_khai"]
    assert mini_catalog.procedure("1.000001").documents[1].evidence == "cccd"  # the input is untouched
    assert projected_catalog(mini_catalog, []) is mini_catalog


def test_combine_measures_remove_wins_sets_merge_abolish_last():
    measures = [
        Measure("set_document", "1", evidence="a", values=(("certified", False),)),
        Measure("set_document", "1", evidence="a", values=(("copies", 1), ("certified", True))),
        Measure("set_step", "1", step="s", values=(("online", True),)),
        Measure("remove_step", "1", step="s"),
        Measure("abolish", "2"),
        Measure("set_procedure", "2", values=(("online_share", 1.0),)),
        Measure("merge", "3", into="4"),
        Measure("merge", "4", into="5"),
    ]
    assert combine_measures(measures) == [
        Measure("set_document", "1", evidence="a", values=(("certified", False), ("copies", 1))),
        Measure("remove_step", "1", step="s"),
        Measure("merge", "3", into="4"),  # 3 into 4 before 4 into 5, so 4 still exists to receive 3
        Measure("merge", "4", into="5"),
        Measure("abolish", "2"),
    ]


def test_combine_measures_removes_later_documents_of_a_type_first():
    def nth(action, evidence, n, *values):
        return Measure(action, "1", evidence=evidence, values=((("occurrence", n),) if n else ()) + values)

    measures = [
        nth("remove_document", "a", 2), nth("remove_document", "a", 3), nth("set_document", "a", 1, ("copies", 1)),
        nth("remove_document", "b", 2), nth("remove_document", "b", None), nth("set_document", "b", 1, ("copies", 1)),
    ]
    assert combine_measures(measures) == [
        nth("set_document", "a", 1, ("copies", 1)),  # sets first, while the count is as the findings saw it
        nth("remove_document", "a", 3),              # then the third before the second
        nth("remove_document", "a", 2),
        nth("remove_document", "b", None),           # removing every b wins over anything done to one of them
    ]


def _chain(tmp_path):
    """The mini catalogue with two more internal procedures: 2.000003 feeds 2.000004, which feeds 2.000005."""
    text = MINI.joinpath("evidence_types.yaml").read_text(encoding="utf-8") + "  - {id: ket_qua, name: Kết quả}\n"
    root = tmp_path / "chain"
    shutil.copytree(MINI, root)
    (root / "evidence_types.yaml").write_text(text, encoding="utf-8")
    (root / "procedures" / "2.000004-tong-hop.yaml").write_text(
        'code: "2.000004"\nname: Tổng hợp\nkind: internal\nvolume_per_year: 50\nlegal_basis: [X]\n'
        "steps: [{id: submit, hours: 1}]\ndocuments: [{evidence: bao_cao}]\noutputs: [{evidence: ket_qua}]\n",
        encoding="utf-8")
    (root / "procedures" / "2.000005-phe-duyet.yaml").write_text(
        'code: "2.000005"\nname: Phê duyệt\nkind: internal\nvolume_per_year: 50\nlegal_basis: [X]\n'
        "steps: [{id: submit, hours: 1}]\ndocuments: [{evidence: ket_qua}]\n", encoding="utf-8")
    catalog, diagnostics = load_catalog(root)
    assert catalog is not None, diagnostics
    return catalog


def test_internal_chain_merges_cleanly(tmp_path, cost_model):
    catalog = _chain(tmp_path)
    findings = run(catalog, cost_model, select_rules(load_rules(), "INT", None))
    assert [(f.procedure, f.measure.into) for f in findings] == [("2.000003", "2.000004"), ("2.000004", "2.000005")]
    projected = projected_catalog(catalog, findings)
    assert [p.code for p in projected.procedures if p.kind == "internal"] == ["2.000005"]


def _synthetic_catalog(folder, n):
    from test_cache import synthetic_maker

    maker = synthetic_maker()
    maker.write_yaml_folder(maker.generate(n, 5), folder)
    catalog, diagnostics = load_catalog(folder)
    assert catalog is not None, diagnostics
    return catalog


# Merges and abolitions beyond the built-in rules': a procedure whose outputs one procedure uses is merged
# into it, and internal procedures are abolished (some of them merge sources or targets).
REACHING_PACK = """
rules:
  - code: TST001
    name: feeds-one
    severity: info
    target: procedure
    when: {procedure.consumers: {exists: true}}
    measure: {merge_into: consumer}
    title: {vi: Gộp, en: Merge}
    message: {vi: "{procedure.code}", en: "{procedure.code}"}
    why: {vi: Gộp, en: Merge}
  - code: TST002
    name: internal
    severity: info
    target: procedure
    when: {procedure.kind: internal}
    measure: abolish
    title: {vi: Bãi bỏ, en: Abolish}
    message: {vi: "{procedure.code}", en: "{procedure.code}"}
    why: {vi: Bãi bỏ, en: Abolish}
"""


@pytest.mark.parametrize("which", ["mini", "chain", "synthetic"])
def test_projected_metrics_from_parts_are_those_of_the_projected_catalogue(which, mini_catalog, cost_model, tmp_path):
    """Each procedure's own measures applied where its findings are found, then the merges and abolitions:
    exactly the metrics of the catalogue with every unwaived finding's measure applied."""
    from simplify.metrics import compute_metrics, metric_row
    from simplify.rules.engine import examine, projected_metrics

    catalog = {"mini": lambda: mini_catalog, "chain": lambda: _chain(tmp_path),
               "synthetic": lambda: _synthetic_catalog(tmp_path / "synthetic", 300)}[which]()
    pack = tmp_path / "reaching.yaml"
    pack.write_text(REACHING_PACK, encoding="utf-8")
    rules = load_rules([pack]) if which == "synthetic" else load_rules()
    costs = catalog_costs(catalog, cost_model)
    worked_out, parts = examine(catalog, rules, cost_model, {})  # each cost worked out with its findings
    assert worked_out == costs and list(worked_out) == list(costs)
    assert examine(catalog, rules, cost_model, costs)[1].keys() == parts.keys()
    rows = [metric_row(p, costs[p.code]) for p in catalog.procedures]
    unwaived = [f for code in sorted(parts) for f in parts[code].findings() if not f.waived]
    projected = projected_catalog(catalog, unwaived)
    expected = compute_metrics(projected, catalog_costs(projected, cost_model))
    assert projected_metrics(catalog, rows, parts, cost_model) == expected
    assert expected["annual_cost"] < compute_metrics(catalog, costs)["annual_cost"]
    reaching = {m.action for part in parts.values() for m in part.reaching}
    assert reaching == {"mini": set(), "chain": {"merge"}, "synthetic": {"merge", "abolish"}}[which]


# -- waivers, selection ---------------------------------------------------------


def test_waivers_mark_findings_and_narrow_to_a_document(tmp_path, cost_model):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    file = root / "procedures" / "1.000001-khai-sinh.yaml"
    file.write_text(file.read_text(encoding="utf-8") + (
        "waivers:\n"
        "  - {rule: DOC001, evidence: cccd, reason: Luật X requires a certified copy}\n"
        "  - {rule: ONCE001, evidence: to_khai}\n"
        "  - {rule: PROC001}\n"), encoding="utf-8")
    catalog, _ = load_catalog(root)
    waived = {(f.rule, f.procedure): f.waived for f in run(catalog, cost_model)}
    assert waived["DOC001", "1.000001"] and waived["PROC001", "1.000001"]
    assert not waived["ONCE001", "1.000001"]  # the waiver names another document
    assert not waived["PROC001", "1.000002"]
    assert len(waived) == len(EXPECTED)  # waived findings are still listed, marked


@pytest.mark.parametrize("step, waived", [("prepare", True), ("submit", False)])  # handed in at the first applicant step
def test_a_waiver_narrowed_to_a_step_keeps_the_documents_handed_in_there(tmp_path, cost_model, step, waived):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    file = root / "procedures" / "1.000001-khai-sinh.yaml"
    file.write_text(file.read_text(encoding="utf-8") + f"waivers:\n  - {{rule: DOC001, step: {step}}}\n",
                    encoding="utf-8")
    catalog, diags = load_catalog(root)
    assert diags == []
    [doc001] = [f for f in run(catalog, cost_model) if (f.rule, f.procedure) == ("DOC001", "1.000001")]
    assert doc001.waived is waived and doc001.step is None  # the finding is still on the document


def test_select_and_ignore_take_codes_and_prefixes():
    rules = load_rules()
    assert [r.code for r in select_rules(rules, "DOC,STEP001", None)] == ["DOC001", "DOC002", "DOC003", "STEP001"]
    assert [r.code for r in select_rules(rules, "doc", "DOC002")] == ["DOC001", "DOC003"]
    assert len(select_rules(rules, None, "PROC")) == 9
    assert len(select_rules(rules, "ALL", None)) == 12


def test_an_empty_select_or_ignore_is_as_if_not_given():
    rules = load_rules()
    assert select_rules(rules, "", None) == select_rules(rules, " , ", "") == select_rules(rules, None, None) == rules


def test_select_naming_no_rule_is_an_input_error():
    with pytest.raises(InputError) as error:
        select_rules(load_rules(), "DCO001", None)
    assert [(d.code, d.location.file) for d in error.value.diagnostics] == [("E201", "--select")]


# -- packs ------------------------------------------------------------------------


def test_registry_codes_names_languages_and_the_spec_table():
    rules = load_rules()
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))
    for r in rules:
        assert re.fullmatch(r"[A-Z]{2,8}\d{3}", r.code)
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", r.name)
        for text in (r.message, r.why, r.title):
            assert text is not None and text.vi.strip() and text.en.strip(), r.code
        assert r.example, r.code
    by_code = {r.code: r for r in rules}
    for code, (name, target, measure) in SPEC_TABLE.items():
        r = by_code[code]
        assert (r.name, r.target, r.measure.to_yaml() if r.measure else None) == (name, target, measure)


def test_vietnamese_texts_carry_diacritics():
    for r in load_rules():
        assert re.search(r"[ăâđêôơưáàảãạếềểễệ]", r.message.vi + r.why.vi + r.title.vi), r.code


def test_custom_pack_written_in_yaml_only(mini_catalog, cost_model):
    rules = [r for r in load_rules([CUSTOM]) if r.code.startswith("CUS")]
    findings = run(mini_catalog, cost_model, rules)
    assert triples(findings) == [
        ("CUS001", "1.000001", None),             # 397,000 a dossier
        ("CUS003", "1.000002", "giay_khai_sinh"),
        ("CUS001", "2.000003", None),             # 480,000 a dossier
        ("CUS002", "2.000003", "send"),
    ]
    assert findings[0].message("vi") == "Mỗi hồ sơ 1.000001 tốn 397.000 đồng"
    assert findings[0].message("en") == "Each dossier of 1.000001 costs VND 397,000"
    assert findings[1].message("en") == "1.000002 asks for 2 copies of 'Giấy khai sinh' ({civil status})"
    assert findings[1].annual_saving == pytest.approx(200_000)


def test_broken_pack_reports_every_problem_at_its_line():
    with pytest.raises(InputError) as error:
        load_rules([BAD])
    file = str(BAD)
    assert [(d.code, d.location.file, d.location.line) for d in error.value.diagnostics] == [
        ("E201", file, 2),    # code BAD1
        ("E201", file, 3),    # name 'Bad Name'
        ("E201", file, 4),    # severity fatal
        ("E201", file, 13),   # unknown path document.certifed
        ("E201", file, 14),   # unknown operator gte
        ("E201", file, 15),   # gt: many
        ("E201", file, 16),   # set certified: maybe
        ("E201", file, 18),   # {procedure.cod} in the message
        ("E201", file, 25),   # document.* in a rule on a fee
        ("E201", file, 26),   # measure explode
        ("E201", file, 28),   # message without en
        ("E201", file, 29),   # duplicate code BAD001
        ("E201", file, 33),   # a pattern that backtracks forever
        ("E201", file, 38),   # target office
        ("E201", file, 41),   # unknown key colour
    ]
    assert "did you mean 'document.certified'" in error.value.diagnostics[3].en


def test_missing_pack_and_file_without_rules_are_errors(tmp_path):
    not_a_pack = tmp_path / "cost.yaml"
    not_a_pack.write_text("currency: VND\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_rules([tmp_path / "missing.yaml", not_a_pack])
    assert [(d.code, d.location.file) for d in error.value.diagnostics] == [
        ("E201", str(tmp_path / "cost.yaml")), ("E201", str(tmp_path / "missing.yaml"))]


def test_a_folder_of_packs_skips_files_without_rules(tmp_path):
    shutil.copy(CUSTOM / "custom.yaml", tmp_path / "custom.yaml")
    (tmp_path / "targets.yaml").write_text("targets: []\n", encoding="utf-8")
    assert len(load_rules([tmp_path])) == 15


def test_a_pack_redefining_a_built_in_code_is_refused(tmp_path):
    pack = tmp_path / "mine.yaml"
    pack.write_text("rules:\n  - code: DOC001\n    name: mine\n    severity: info\n    target: procedure\n"
                    "    when: {procedure.essential: true}\n    message: {vi: a, en: b}\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_rules([pack])
    assert [(d.code, d.location.line) for d in error.value.diagnostics] == [("E201", 2)]
    assert "duplicate rule code DOC001" in error.value.diagnostics[0].en


# -- commands -----------------------------------------------------------------------

runner = CliRunner()
_register()


def test_rules_command_lists_code_name_severity_target_title():
    result = runner.invoke(app, ["rules", "--lang", "en", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["code"] for r in rows][:3] == ["DOC001", "DOC002", "DOC003"]
    assert rows[0] == {"code": "DOC001", "name": "certified-copy-required", "severity": "warning",
                       "target": "document", "title": "Certified copy required",
                       "measure": {"set": {"certified": False}}}


def test_rules_command_table_with_an_extra_pack():
    result = runner.invoke(app, ["rules", "--rules", str(CUSTOM)])
    assert result.exit_code == 0, result.output
    assert "CUS002" in result.stdout and "report-delivered-by-hand" in result.stdout
    assert "Yêu cầu bản sao có chứng thực" in result.stdout and "cảnh báo" in result.stdout


def test_rule_command_explains_one_rule():
    result = runner.invoke(app, ["rule", "DOC001", "--lang", "en"])
    assert result.exit_code == 0, result.output
    for part in ("DOC001 certified-copy-required", "Certified copy required", "Severity: warning",
                 "Message:\n  {procedure.code} asks for a certified copy of '{document.name}'",
                 "When:\n  document.certified: true\n  document.copies: {ge: 1}",
                 "Legal basis:\n  - Nghị định 23/2015/NĐ-CP", "Measure:\n  set certified = false", "Example:"):
        assert part in result.stdout


def test_rule_command_unknown_code_exits_2_with_a_hint():
    result = runner.invoke(app, ["rule", "DCO001", "--lang", "en"])
    assert result.exit_code == 2
    assert "no rule DCO001; did you mean DOC001?" in result.stderr


def test_bad_pack_on_the_command_line_exits_2_with_located_errors():
    done = subprocess.run([sys.executable, "-m", "simplify", "rules", "--rules", str(BAD), "--lang", "en"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{BAD}:13:7: E201 unknown path 'document.certifed'" in done.stderr
    assert done.stderr.rstrip().endswith("15 errors")
