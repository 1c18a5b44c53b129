"""`simplify audit`: the JSON contract, clean machine output, and the human formats."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, REPO, edited_mini

GOLDEN = Path(__file__).resolve().parent / "golden"

CONTRACT = {
    "tool": {"name", "version"},
    "catalog": {"name", "path", "procedures"},
    "summary": {
        "procedures", "internal_procedures", "external_procedures", "annual_cost", "internal_annual_cost",
        "external_annual_cost", "full_online_share", "online_dossier_share", "essential_full_online",
        "paperless_share", "cashless_share", "contactless_share", "assisted_share", "findings",
        "potential_annual_saving",
    },
    "procedure": {
        "code", "name", "kind", "subject", "online_level", "volume", "cost_offline", "cost_online",
        "cost_per_dossier", "annual_cost", "hours_offline", "hours_online", "visits_offline", "visits_online",
        "elapsed_days",
    },
    "finding": {"rule", "name", "severity", "procedure", "step", "evidence", "fee", "message", "annual_saving",
                "waived", "location"},
    "location": {"file", "line", "column", "sheet", "cell"},
    "target": {"id", "metric", "baseline", "current", "projected", "goal", "met", "projected_met", "gap"},
}


def simplify(*args, cwd=MINI.parent):
    return subprocess.run([sys.executable, "-m", "simplify", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="module")
def audit_json():
    result = simplify("audit", "mini", "--format", "json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_stdout_is_clean_json_with_every_contract_key(audit_json):
    doc = json.loads(audit_json)  # nothing but JSON on stdout: no progress, no log lines
    assert set(doc) >= {"tool", "catalog", "summary", "procedures", "findings", "targets"}
    for section in ("tool", "catalog", "summary"):
        assert set(doc[section]) >= CONTRACT[section], section
    assert all(set(p) >= CONTRACT["procedure"] for p in doc["procedures"])
    assert all(set(f) >= CONTRACT["finding"] and set(f["location"]) >= CONTRACT["location"] for f in doc["findings"])
    assert all(set(t) >= CONTRACT["target"] for t in doc["targets"])


def test_mini_figures_in_the_contract(audit_json):
    doc = json.loads(audit_json)
    s = doc["summary"]
    assert (s["annual_cost"], s["internal_annual_cost"], s["online_dossier_share"]) == (450_200_000, 24_000_000, 0.4)
    assert s["essential_full_online"] is None  # a share over an empty set is null
    assert s["findings"] == 11
    birth = doc["procedures"][0]
    assert (birth["cost_offline"], birth["cost_online"], birth["cost_per_dossier"], birth["visits_offline"]) == (
        458_500, 335_500, 397_000, 3)
    found = [(f["rule"], f["procedure"], f["evidence"] or f["step"] or "") for f in doc["findings"]]
    assert found == [
        ("DOC001", "1.000001", "cccd"), ("ONCE001", "1.000001", "cccd"), ("PROC001", "1.000001", ""),
        ("STEP001", "1.000001", "receive"), ("DOC003", "1.000002", "giay_khai_sinh"), ("LINK001", "1.000002", ""),
        ("ONCE002", "1.000002", "giay_khai_sinh"), ("PROC001", "1.000002", ""), ("STEP001", "1.000002", "submit"),
        ("PROC001", "2.000003", ""), ("PROC003", "2.000003", ""),
    ]
    once = next(f for f in doc["findings"] if f["rule"] == "ONCE001")
    assert once["annual_saving"] == 124_500_000
    assert once["location"] == {"file": "procedures/1.000001-khai-sinh.yaml", "line": 37, "column": 5,
                                "sheet": None, "cell": None}
    cut = next(t for t in doc["targets"] if t["id"] == "internal-procedures-cut")
    assert (cut["baseline"], cut["current"], cut["goal"], cut["met"]) == (2, 1, 1, True)


def test_golden_json(audit_json):
    golden = GOLDEN / "audit.mini.en.json"
    doc = json.loads(audit_json)
    doc["catalog"]["path"] = "mini"
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("SIMPLIFY_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, expected", [
    ("table", ["Ví dụ nhỏ: 3 thủ tục", "Phát hiện (11)", "450.200.000", "Mục tiêu"]),
    ("markdown", ["# Danh mục: Ví dụ nhỏ", "| ONCE001 |", "```mermaid", "124.500.000"]),
])
def test_human_formats_in_vietnamese(fmt, expected):
    result = simplify("audit", "mini", "--format", fmt)
    assert result.returncode == 0, result.stderr
    for text in expected:
        assert text in result.stdout


def test_english_and_output_file(tmp_path):
    out = tmp_path / "audit.md"
    result = simplify("audit", "mini", "--format", "markdown", "--lang", "en", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert "Potential annual saving" in out.read_text(encoding="utf-8")


def test_invalid_catalogue_exits_2_without_traceback(tmp_path):
    (tmp_path / "catalog.yaml").write_text("name: [x\n", encoding="utf-8")
    result = simplify("audit", str(tmp_path), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "catalog.yaml:2:1: E101" in result.stderr and "Traceback" not in result.stderr


def test_control_characters_in_names_never_reach_the_terminal(mini_copy):
    path = mini_copy / "procedures" / "1.000001-khai-sinh.yaml"
    text = path.read_text(encoding="utf-8").replace("name: Đăng ký khai sinh (ví dụ)",
                                                    'name: "Khai sinh \\e[2J\\u202e"')
    path.write_text(text, encoding="utf-8")
    for fmt in ("table", "markdown"):
        result = simplify("audit", str(mini_copy), "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "Khai sinh \\x1b[2J\\u202e" in result.stdout
    csv = simplify("cost", str(mini_copy), "--format", "csv").stdout
    assert "\x1b" in csv  # data formats keep the text as written; only CSV formula starts are defused


@pytest.mark.parametrize("lang, last", [("vi", "Thời gian giải quyết (ngày)"), ("en", "Elapsed days")])
def test_the_cost_table_is_printed_whole_however_wide(lang, last):
    """Its figure columns are as wide as their figures: wider than the page, it is not cut at the right."""
    lines = simplify("cost", str(MINI), "--lang", lang).stdout.splitlines()
    header = " ".join(lines[:4])
    assert all(word in header for word in last.split())  # the last column's heading, however it wraps
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in lines if line.strip())
    # 1.000001's 3 days are in the last column
    assert next(line for line in lines if "1.000001" in line).rstrip().endswith("3 │")


def test_every_command_for_people_also_speaks_markdown(tmp_path):
    """cli.md: --format per command is table, json, markdown (validate also keeps its `text`)."""
    bad = tmp_path / "bad"
    shutil.copytree(MINI, bad)
    path = bad / "procedures" / "1.000001-khai-sinh.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("hours: 1\n", "hours: abc\n", 1), encoding="utf-8")
    result = simplify("validate", str(bad), "--format", "markdown", "--lang", "en")
    assert result.returncode == 2 and result.stdout.splitlines()[2:] == [
        "| Code | Location | Message |", "|---|---|---|",
        "| E102 | procedures/1.000001-khai-sinh.yaml:21:12 | 'hours' must be a number, not 'abc' |"]
    table = simplify("validate", str(bad), "--format", "table", "--lang", "en")
    assert (table.returncode, table.stderr) == (2, simplify("validate", str(bad), "--lang", "en").stderr)
    plan = simplify("plan", str(MINI), "--format", "markdown", "--target", "full-online", "--lang", "en").stdout
    assert "| 1 | STEP001 | Step 'receive' of 1.000001: online = true | 59,000,000 | 59,000,000 | 33.3% ✗ |" in plan
    rules = simplify("rules", "--format", "markdown", "--lang", "en").stdout.splitlines()
    assert rules[:3] == ["## Rules (12)", "", "| Code | Name | Severity | Target | Title |"]
    assert "| DOC001 | certified-copy-required | warning | document | Certified copy required |" in rules


def test_a_regression_code_is_explained_like_a_rule():
    result = simplify("rule", "reg002", "--lang", "en")
    assert result.returncode == 0 and result.stdout.splitlines()[:2] == [
        "REG002 new-document", "A procedure asks for a new document"]
    near = simplify("rule", "REG01", "--lang", "en")
    assert near.returncode == 2 and "did you mean REG001?" in near.stderr


@pytest.mark.parametrize("option", ["--max-file-size", "--max-procedures", "--max-depth", "--max-rows"])
def test_a_limit_below_one_is_a_usage_error_not_a_refusal_of_every_file(option):
    result = simplify("validate", "mini", option, "-5")
    assert result.returncode == 2 and option in result.stderr and "E108" not in result.stderr


def test_in_english_a_procedure_is_named_in_english_where_the_catalogue_says(tmp_path):
    cat = edited_mini(tmp_path / "mini", "name: Đăng ký khai sinh (ví dụ)\n",
                      "name: Đăng ký khai sinh (ví dụ)\nname_en: Birth registration\n")
    for fmt in ("table", "markdown"):
        out = simplify("audit", str(cat), "--lang", "en", "--format", fmt).stdout
        assert "Birth registration" in out and "Đăng ký khai sinh" not in out
        assert "Đăng ký khai sinh (ví dụ)" in simplify("audit", str(cat), "--format", fmt).stdout


def test_the_cost_table_names_a_procedure_in_english_where_the_catalogue_says(tmp_path):
    cat = edited_mini(tmp_path / "mini", "name: Đăng ký khai sinh (ví dụ)\n",
                      "name: Đăng ký khai sinh (ví dụ)\nname_en: Birth registration\n")
    for fmt in ("table", "markdown"):
        out = simplify("cost", str(cat), "--lang", "en", "--format", fmt, "--sort", "name").stdout
        assert "Birth registration" in out and "Đăng ký khai sinh" not in out
        vietnamese = simplify("cost", str(cat), "--format", fmt).stdout
        assert "Đăng ký" in vietnamese and "Birth registration" not in vietnamese
    rows = json.loads(simplify("cost", str(cat), "--lang", "en", "--format", "json").stdout)
    assert "Đăng ký khai sinh (ví dụ)" in {r["name"] for r in rows}  # the data keeps the catalogue's name


def test_cost_csv_shows_no_binary_float_noise():
    out = simplify("cost", "--format", "csv", cwd=REPO).stdout
    row = next(line for line in out.splitlines() if line.startswith("1.004222,"))
    # 20,000 + 0.35 h x 44,000 + ... worked out in floats is 234899.99999999997
    assert ",234900.0," in row and "99999" not in out


def test_with_show_waived_the_headline_says_how_many_of_its_findings_are_waived():
    shown = simplify("audit", "--show-waived", cwd=REPO).stdout.splitlines()[1]
    plain = simplify("audit", cwd=REPO).stdout.splitlines()[1]
    assert "· 116 phát hiện (gồm 5 đã miễn trừ) ·" in shown and "· 111 phát hiện ·" in plain


def test_names_with_brackets_are_printed_as_they_are(tmp_path):
    """rich would read '[/b]' as markup and fail (an internal error), or swallow '[thí điểm]'."""
    cat = edited_mini(tmp_path / "mini", "name: Đăng ký khai sinh (ví dụ)\n", 'name: "Khai sinh [/b] [thí điểm]"\n')
    for command in (("audit",), ("cost",), ("check", "--exit-zero")):
        result = simplify(*command, str(cat))
        assert result.returncode == 0 and "E299" not in result.stderr, (command, result.stderr)
        if command[0] != "check":  # (check's findings do not name the procedure)
            assert "[/b]" in result.stdout and "[thí" in result.stdout, command  # a narrow column may wrap the name
