"""Shared fixtures: the mini catalogue and a way to write small catalogues."""

from __future__ import annotations

import os
import sys
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

# Tests never touch the user's parse cache; subprocesses inherit this too.
os.environ["SIMPLIFY_CACHE_DIR"] = tempfile.mkdtemp(prefix="simplify-test-cache-")

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
REPO = Path(__file__).resolve().parents[1]

CATALOG_YAML = "name: Thử nghiệm\n"
EVIDENCE_YAML = """\
evidence_types:
  - id: to_khai
    name: Tờ khai
  - id: cccd
    name: Căn cước công dân
    held_in: dan_cu
  - id: giay_khai_sinh
    name: Giấy khai sinh
"""
DATABASES_YAML = """\
databases:
  - id: dan_cu
    name: Cơ sở dữ liệu quốc gia về dân cư
    connected: true
"""


@pytest.fixture
def mini() -> Path:
    return MINI


def edited_mini(root: Path, old: str, new: str, file: str = "1.000001-khai-sinh.yaml") -> Path:
    """A copy of the mini catalogue at `root`, with `old` replaced by `new` in one procedure file."""
    shutil.copytree(MINI, root)
    path = root / "procedures" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return root


@pytest.fixture
def mini_copy(tmp_path) -> Path:
    """A writable copy of the mini catalogue."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def write_catalog(root: Path, procedures: dict[str, str], *, catalog: str = CATALOG_YAML,
                  evidence: str = EVIDENCE_YAML, databases: str = DATABASES_YAML) -> Path:
    """A catalogue folder with the given procedure files (name -> YAML text, dedented)."""
    (root / "procedures").mkdir(parents=True, exist_ok=True)
    (root / "catalog.yaml").write_text(catalog, encoding="utf-8")
    (root / "evidence_types.yaml").write_text(evidence, encoding="utf-8")
    (root / "databases.yaml").write_text(databases, encoding="utf-8")
    for name, text in procedures.items():
        (root / "procedures" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def catalog_dir(tmp_path):
    """Call with {file name: procedure YAML} to get a catalogue folder."""
    def make(procedures: dict[str, str], **files: str) -> Path:
        return write_catalog(tmp_path / "cat", procedures, **files)
    return make


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run `simplify ARGS` in this process as the console script does: (exit code, stdout, stderr)."""
    from simplify import cli as entry
    from simplify.commands.common import run_app

    entry._register()
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["simplify", *map(str, args)])
        try:
            run_app(entry.app)
            code = 0
        except SystemExit as done:
            code = done.code or 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run
