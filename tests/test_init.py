"""`simplify init` makes a catalogue that validates clean and never overwrites."""

from __future__ import annotations

import subprocess
import sys

from simplify.catalog.loader import load_catalog


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "simplify", *args], capture_output=True, text=True, cwd=cwd)


def test_init_creates_a_clean_catalogue(tmp_path):
    target = tmp_path / "new"
    result = run("init", str(target))
    assert result.returncode == 0, result.stderr
    catalog, diags = load_catalog(target)
    assert diags == []
    assert [p.code for p in catalog.procedures] == ["1.000001"]
    assert sorted(p.name for p in (target / "rules").glob("*.yaml")) == ["cost_model.yaml", "default.yaml", "targets.yaml"]
    assert run("validate", str(target)).returncode == 0


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("init", str(tmp_path))
    assert result.returncode == 2
    assert "E101" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_init_speaks_the_language_asked_and_says_why_it_cannot_create(tmp_path):
    result = run("init", str(tmp_path / "vi"))
    assert result.returncode == 0 and "đã tạo danh mục" in result.stderr
    result = run("init", str(tmp_path / "en"), "--lang", "en")
    assert result.returncode == 0 and "catalogue created" in result.stderr
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("init", str(tmp_path / "file" / "new"))  # a file where a folder is needed: no internal error
    assert result.returncode == 2 and "Traceback" not in result.stderr and "E299" not in result.stderr
    assert result.stderr.startswith(f"{tmp_path / 'file' / 'new'}: E101 không tạo được danh mục: ")


def test_a_catalogue_with_its_own_rules_is_analysed_with_them(tmp_path):
    import json

    target = tmp_path / "new"
    assert run("init", str(target)).returncode == 0
    cost_model = target / "rules" / "cost_model.yaml"
    cost_model.write_text(cost_model.read_text(encoding="utf-8").replace("citizen: 44000", "citizen: 100000"),
                          encoding="utf-8")
    result = run("audit", str(target), "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    # the example: 0.5 h submitting + 0.25 h form + 1 visit of 2 h, at the local 100,000 an hour
    p = doc["procedures"][0]
    assert p["hours_offline"] == 2.75 and p["cost_offline"] == 2.75 * 100_000 + 30_000 + 10_000
    cost = run("cost", str(target), "--format", "json")
    assert json.loads(cost.stdout)[0]["cost_offline"] == p["cost_offline"]
