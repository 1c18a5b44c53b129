"""Validation: every code of the spec's table, located as (code, file, line)."""

from __future__ import annotations

import time

import pytest

from simplify.catalog.loader import load_catalog
from simplify.catalog.yaml_reader import Limits


def located(diags):
    return [(d.code, d.location.file, d.location.line) for d in diags]


GOOD = """\
code: "1.000010"
name: Thủ tục thử
volume_per_year: 10
steps:
  - id: submit
    in_person: true
documents:
  - evidence: to_khai
"""


def test_mini_catalogue_is_clean(mini):
    catalog, diags = load_catalog(mini)
    assert diags == []
    assert [p.code for p in catalog.procedures] == ["1.000001", "1.000002", "2.000003"]


def test_clean_procedure(catalog_dir):
    catalog, diags = load_catalog(catalog_dir({"a.yaml": GOOD}))
    assert diags == [] and len(catalog.procedures) == 1


def test_a_required_text_of_spaces_only_is_empty_as_a_workbook_reads_it(catalog_dir):
    # A workbook cell of spaces is empty (E103 there); in YAML the same name is E102 at its value, not a name.
    catalog, diags = load_catalog(catalog_dir({"a.yaml": GOOD.replace("name: Thủ tục thử", "name: '   '")}))
    assert [(d.code, d.location.file, d.location.line) for d in diags] == [("E102", "procedures/a.yaml", 2)]
    assert "'name' must not be empty" in diags[0].message("en")


def test_several_errors_in_one_file_reported_together(catalog_dir):
    text = """\
    code: 1.000010
    name: Thủ tục thử
    volume_per_year: 10
    online_share: 1.4
    docments: []
    steps:
      - id: submit
        hours: abc
      - id: submit
    documents:
      - evidence: khong_co
        step: nowhere
    """
    catalog, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert catalog is None
    assert located(diags) == [
        ("E102", "procedures/a.yaml", 1),   # unquoted numeric code
        ("E102", "procedures/a.yaml", 4),   # online_share 1.4
        ("E104", "procedures/a.yaml", 5),   # docments
        ("E102", "procedures/a.yaml", 8),   # hours: abc
        ("E105", "procedures/a.yaml", 9),   # step id submit again
        ("E106", "procedures/a.yaml", 11),  # unknown evidence type
        ("E106", "procedures/a.yaml", 12),  # unknown step
    ]
    # The code could not be read, and the steps and references are still checked: every problem at once.


def test_unquoted_code_hint_and_key_suggestion(catalog_dir):
    text = GOOD.replace('code: "1.000010"', "code: 1.000010").replace("documents:", "docments:")
    _, diags = load_catalog(catalog_dir({"a.yaml": text}))
    by_code = {d.code: d for d in diags}
    assert 'quote it: code: "1.00001"' in by_code["E102"].en
    assert "did you mean 'documents'" in by_code["E104"].en


def test_reference_duplicate_and_graph_errors_in_one_run(catalog_dir):
    text = """\
    code: "1.000011"
    name: Thủ tục lỗi
    volume_per_year: 5
    steps:
      - id: a
      - id: b
        after: [c]
      - id: a
    documents:
      - evidence: khong_co
        step: zzz
    outputs:
      - evidence: giay_khai_sinh
    """
    cycle = """\
    code: "1.000012"
    name: Vòng lặp
    volume_per_year: 5
    steps:
      - id: a
        after: [c]
      - id: b
      - id: c
    """
    unreachable = """\
    code: "1.000013"
    name: Không tới được
    volume_per_year: 5
    steps:
      - id: a
      - id: b
        after: []
    """
    _, diags = load_catalog(catalog_dir({"a.yaml": text, "b.yaml": cycle, "c.yaml": unreachable}))
    assert located(diags) == [
        ("E106", "procedures/a.yaml", 7),   # b comes after unknown step c
        ("E105", "procedures/a.yaml", 8),   # second step a
        ("E106", "procedures/a.yaml", 10),  # unknown evidence type
        ("E106", "procedures/a.yaml", 11),  # handed in at unknown step zzz
        ("E107", "procedures/b.yaml", 5),   # cycle a -> b -> c -> a
        ("E107", "procedures/c.yaml", 6),   # b unreachable from a
    ]
    assert "a -> b -> c -> a" in diags[4].en


def test_syntax_error_and_missing_required_key(catalog_dir):
    broken = "code: \"1.1\"\nname: [unclosed\n"
    missing = "code: \"1.2\"\nvolume_per_year: 1\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": broken, "b.yaml": missing}))
    assert located(diags) == [("E101", "procedures/a.yaml", 3), ("E103", "procedures/b.yaml", 1)]


def test_duplicate_codes_across_files_and_ids(catalog_dir):
    evidence = "evidence_types:\n  - id: to_khai\n    name: A\n  - id: to_khai\n    name: B\n    held_in: nowhere\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": GOOD, "b.yaml": GOOD}, evidence=evidence))
    assert located(diags) == [
        ("E105", "evidence_types.yaml", 4),
        ("E105", "procedures/b.yaml", 1),
    ]
    evidence = "evidence_types:\n  - id: to_khai\n    name: A\n    held_in: nowhere\n"
    root = catalog_dir({"a.yaml": GOOD}, evidence=evidence)
    (root / "procedures" / "b.yaml").unlink()
    _, diags = load_catalog(root)
    assert located(diags) == [("E106", "evidence_types.yaml", 4)]


def test_warnings_do_not_stop_loading(catalog_dir):
    text = GOOD.replace("volume_per_year: 10\n", "online_share: 0.5\n")
    catalog, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert catalog is not None
    assert located(diags) == [("W101", "procedures/a.yaml", 1), ("W102", "procedures/a.yaml", 3)]
    assert catalog.procedures[0].volume == 0


def test_not_utf8_is_located(catalog_dir):
    root = catalog_dir({"a.yaml": GOOD})
    (root / "procedures" / "b.yaml").write_bytes(b'code: "1.3"\nname: \xc4\x90\xff\n')
    _, diags = load_catalog(root)
    assert [(d.code, d.location.file, d.location.line, d.location.column) for d in diags] == [
        ("E101", "procedures/b.yaml", 2, 9)
    ]


def test_alias_bomb_refused_quickly(catalog_dir):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    bomb = 'code: "1.4"\nname: Bom\n' + "\n".join(lines) + "\n"
    started = time.perf_counter()
    _, diags = load_catalog(catalog_dir({"bomb.yaml": bomb}))
    assert time.perf_counter() - started < 5
    assert [(d.code, d.location.file) for d in diags] == [("E108", "procedures/bomb.yaml")]


def test_file_size_limit(catalog_dir):
    root = catalog_dir({"a.yaml": GOOD + "# " + "x" * 2000 + "\n"})
    _, diags = load_catalog(root, Limits(max_file_bytes=1000))
    assert located(diags) == [("E108", "procedures/a.yaml", 1)]
    assert "--max-file-size" in diags[0].en


def test_deep_nesting_limit(catalog_dir):
    deep = 'code: "1.5"\nname: Sâu\nlegal_basis: ' + "[" * 200 + "]" * 200 + "\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": deep}))
    assert [(d.code, d.location.file) for d in diags] == [("E108", "procedures/a.yaml")]


def test_names_are_normalised_to_nfc(catalog_dir):
    decomposed = "Đăng ky\u0301"  # 'ký' written as k + y + combining acute
    catalog, _ = load_catalog(catalog_dir({"a.yaml": GOOD.replace("Thủ tục thử", decomposed)}))
    assert catalog.procedures[0].name == "Đăng ký"


def test_single_file_form_loads_to_an_equal_model(mini, tmp_path):
    import yaml

    def read(path):
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    single = {
        "catalog": read(mini / "catalog.yaml"),
        "evidence_types": read(mini / "evidence_types.yaml")["evidence_types"],
        "databases": read(mini / "databases.yaml")["databases"],
        "procedures": [read(p) for p in sorted((mini / "procedures").glob("*.yaml"))],
    }
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(single, allow_unicode=True, sort_keys=False), encoding="utf-8")
    folder, diags_a = load_catalog(mini)
    one, diags_b = load_catalog(path)
    assert diags_a == diags_b == []
    assert one.procedures == folder.procedures
    assert one.evidence_types == folder.evidence_types
    assert one.databases == folder.databases
    assert one.info == folder.info


def test_a_procedure_without_its_name_still_has_its_steps_and_references_checked(catalog_dir):
    text = """\
    code: "1.000010"
    volume_per_year: 10
    steps:
      - id: submit
        after: [zz]
    documents:
      - evidence: nope
    """
    catalog, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert catalog is None
    assert located(diags) == [
        ("E103", "procedures/a.yaml", 1),   # no name
        ("E106", "procedures/a.yaml", 5),   # after an unknown step
        ("E106", "procedures/a.yaml", 7),   # unknown evidence type
    ]


def test_a_key_written_twice_is_said_and_the_rest_of_the_file_still_checked(catalog_dir):
    text = """\
    code: "1.000010"
    name: Thủ tục thử
    volume_per_year: 10
    docments: []
    steps:
      - id: submit
        hours: 1
        hours: 2
        cost: abc
    """
    catalog, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert catalog is None
    assert located(diags) == [
        ("E104", "procedures/a.yaml", 4),   # docments
        ("E105", "procedures/a.yaml", 8),   # hours again
        ("E102", "procedures/a.yaml", 9),   # cost: abc
    ]


def test_a_cycle_and_a_step_out_of_reach_are_both_said_but_not_a_step_after_a_typo(catalog_dir):
    text = GOOD.replace("""\
steps:
  - id: submit
    in_person: true
""", """\
steps:
  - id: submit
  - id: c
    after: [d]
  - id: d
    after: [c]
  - id: e
    after: []
  - id: f
    after: [typo]
  - id: g
    after: [f]
""")
    _, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert [(d.code, d.location.line, d.message("en")) for d in diags] == [
        ("E107", 6, "steps of 1.000010 form a cycle: c -> d -> c"),
        ("E107", 10, "step 'e' of 1.000010 cannot be reached from the first step 'submit'"),
        ("E106", 13, "step 'f' comes after unknown step 'typo'"),
    ]


def test_a_duplicate_is_located_at_its_code_or_id_even_when_that_is_not_the_first_key(catalog_dir):
    second = GOOD.replace('code: "1.000010"\nname: Thủ tục thử\n', 'name: Thủ tục thử\nlevel: commune\ncode: "1.000010"\n')
    evidence = "evidence_types:\n  - id: to_khai\n    name: Tờ khai\n  - name: Lại tờ khai\n    id: to_khai\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": GOOD, "b.yaml": second}, evidence=evidence))
    assert located(diags) == [("E105", "evidence_types.yaml", 5), ("E105", "procedures/b.yaml", 3)]


@pytest.mark.parametrize("line, message", [
    ("hours: 1:30", "'hours' must be a number, not '1:30'"),  # YAML 1.1 would read 90 hours
    ('id: "submit\\n"', "'id' must be an id without ';' and without spaces at either end, not 'submit\\n'"),
])
def test_values_yaml_1_1_or_a_final_newline_would_slip_through_are_refused(catalog_dir, line, message):
    key = line.split(":")[0]
    text = GOOD.replace("  - id: submit\n", "  - id: submit\n    hours: 1\n" if key == "hours" else "  - id: x\n")
    text = text.replace("    hours: 1\n", f"    {line}\n") if key == "hours" else text.replace("  - id: x\n", f"  - {line}\n")
    _, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert [(d.code, d.message("en")) for d in diags] == [("E102", message)]


def test_step_and_database_ids_are_names_while_evidence_types_keep_their_form(catalog_dir):
    text = GOOD.replace("  - id: submit\n", "  - id: nộp_hồ_sơ\n  - id: Bước 2\n").replace(
        "  - evidence: to_khai\n", "  - evidence: to_khai\n    step: Bước 2\n  - evidence: To_khai\n")
    databases = "databases:\n  - id: CSDL-dan-cu\n    name: Dân cư\n"
    evidence = "evidence_types:\n  - id: to_khai\n    name: Tờ khai\n    held_in: CSDL-dan-cu\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": text}, evidence=evidence, databases=databases))
    # A misspelt evidence type is a reference to nothing (E106), with the nearest one offered.
    assert [(d.code, d.location.line, d.message("en")) for d in diags] == [
        ("E106", 11, "1.000010 names unknown evidence type 'To_khai'; did you mean 'to_khai'?")]


def test_baseline_names_a_metric_in_range_and_dates_are_dates(catalog_dir):
    catalog = """\
name: Thử nghiệm
baseline:
  date: someday
  internal_procedure: 2
  full_online_share: 7
  annual_cost: 1000
"""
    text = GOOD + "legal_basis:\n  - ref: 1/2024/NĐ-CP\n    date: 30/02/2024\n  - ref: 2/2024/NĐ-CP\n    date: 2024-02-29\n"
    _, diags = load_catalog(catalog_dir({"a.yaml": text}, catalog=catalog))
    assert [(d.code, d.location.file, d.location.line, d.message("en")) for d in diags] == [
        ("E102", "catalog.yaml", 3, "'baseline.date' must be a date such as 2024-06-30 (or 30/06/2024), not 'someday'"),
        ("E104", "catalog.yaml", 4, "unknown key 'internal_procedure'; did you mean 'internal_procedures'?"),
        ("E102", "catalog.yaml", 5, "'baseline.full_online_share' must be a share between 0 and 1, not 7"),
        ("E102", "procedures/a.yaml", 11, "'date' must be a date such as 2024-06-30 (or 30/06/2024), not '30/02/2024'"),
    ]


def test_yes_and_no_words_mean_the_same_in_yaml_as_in_a_workbook(catalog_dir):
    text = GOOD.replace("    in_person: true\n", '    in_person: "có"\n    online: 0\n') + "essential: x\nonline_eligible: không\n"
    catalog, diags = load_catalog(catalog_dir({"a.yaml": text}))
    assert diags == []
    p = catalog.procedures[0]
    assert (p.essential, p.online_eligible, p.steps[0].in_person, p.steps[0].online) == (True, False, True, False)
    _, diags = load_catalog(catalog_dir({"a.yaml": GOOD + "essential: maybe\n"}))
    assert [(d.code, d.message("en")) for d in diags] == [("E102", "'essential' must be true or false, not 'maybe'")]


def test_a_baseline_key_without_a_value_is_not_given_and_a_list_item_without_one_is_no_text(catalog_dir):
    catalog = "name: Thử nghiệm\nbaseline:\n  date:\n  annual_cost:\n  anual_cost:\n"
    text = GOOD.replace("  - id: submit\n", "  - id: submit\n    after: [null]\n")
    found, diags = load_catalog(catalog_dir({"a.yaml": text}, catalog=catalog))
    assert [(d.code, d.location.file, d.location.line) for d in diags] == [
        ("E104", "catalog.yaml", 5), ("E102", "procedures/a.yaml", 6)]
    assert found is None


@pytest.mark.parametrize("suffix", [".xls", ".ODS", ".csv"])
def test_other_spreadsheets_are_asked_for_as_xlsx(tmp_path, suffix):
    path = tmp_path / f"danh-muc{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not a workbook of ours")
    catalog, diags = load_catalog(path)
    assert catalog is None and [(d.code, d.location.file) for d in diags] == [("E101", path.name)]
    assert "save it as .xlsx" in diags[0].message("en")


def test_an_empty_text_is_no_answer_to_yes_or_no(catalog_dir):
    """A workbook's empty cell means the default; YAML's "" for a yes/no key is no silent false either."""
    _, diags = load_catalog(catalog_dir({"a.yaml": GOOD + "online_eligible: ''\nessential: ' '\n"}))
    assert [(d.code, d.location.line) for d in diags] == [("E102", 9), ("E102", 10)]


STEPS_YAML = """\
steps:
  - id: prepare
    actor: agency
  - id: submit
  - id: check
    actor: agency
    name: Kiểm tra
"""
DOCUMENTS_YAML = """\
documents:
  - evidence: to_khai
  - evidence: cccd
    copies: 1
  - evidence: giay_khai_sinh
    original: 2
    step: check
    name: Bản chính giấy khai sinh
"""


@pytest.mark.parametrize("order", ["steps first", "documents first"])
def test_defaults_that_depend_on_other_values_are_the_same_whatever_the_order_of_keys(catalog_dir, order):
    """Steps and documents get their dependent defaults (after, name, original, step) as the spec says, whether
    the builder makes them with the defaults (steps written first) or resolves them afterwards."""
    parts = (STEPS_YAML, DOCUMENTS_YAML) if order == "steps first" else (DOCUMENTS_YAML, STEPS_YAML)
    root = catalog_dir({"p.yaml": 'code: "1.1"\nname: Thủ tục\n' + "".join(parts)})
    catalog, diags = load_catalog(root)
    assert [d for d in diags if d.severity == "error"] == []
    p = catalog.procedures[0]
    assert [(s.id, s.name, s.after) for s in p.steps] == [
        ("prepare", "prepare", ()), ("submit", "submit", ("prepare",)), ("check", "Kiểm tra", ("submit",))]
    assert [(d.evidence, d.name, d.original, d.copies, d.step) for d in p.documents] == [
        ("to_khai", "Tờ khai", 1, 0, "submit"),
        ("cccd", "Căn cước công dân", 0, 1, "submit"),
        ("giay_khai_sinh", "Bản chính giấy khai sinh", 2, 0, "check"),
    ]
