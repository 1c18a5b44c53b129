"""Validation: every code of the spec's table, located as (code, file, line)."""

from __future__ import annotations

import time

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
    ]
    # The code could not be read, so the procedure itself is not built further.


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
