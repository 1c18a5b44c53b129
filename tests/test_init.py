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
