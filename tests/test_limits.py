"""Limits that protect a shared CI runner: each is an E108 located where it was crossed, naming the flag that raises it.

File size (--max-file-size), procedures (--max-procedures), YAML nesting
(--max-depth) and workbook rows (--max-rows), in every form of a catalogue
they apply to, through the library and through the commands that load
catalogues. A limit is inclusive: a catalogue exactly at it loads.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import MINI, REPO

from simplify.catalog.excel_writer import write_workbook
from simplify.catalog.loader import load_catalog
from simplify.catalog.yaml_reader import MAX_DEPTH_CEILING, Limits
from simplify.catalog.yaml_writer import write_yaml_file

KHAI_SINH = "procedures/1.000001-khai-sinh.yaml"
FLAGS = ("--max-file-size", "--max-procedures", "--max-depth", "--max-rows")
# Commands that load one catalogue and take the four flags; `cost` and `graph` load one with the default limits.
LIMITED = ("validate", "audit", "check", "plan", "report", "convert")


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    """The mini catalogue as a folder, a single YAML file and a workbook."""
    folder = tmp_path_factory.mktemp("forms")
    catalog, _ = load_catalog(MINI)
    write_yaml_file(catalog, folder / "mini.yaml")
    write_workbook(catalog, folder / "mini.xlsx")
    return {"folder": MINI, "file": folder / "mini.yaml", "workbook": folder / "mini.xlsx"}


def located(diags) -> list[tuple]:
    return [(d.code, d.location.file, d.location.line or d.location.cell) for d in diags if d.is_error]


def only_error(path: Path, limits: Limits):
    catalog, diags = load_catalog(path, limits)
    assert catalog is None
    errors = [d for d in diags if d.is_error]
    assert len(errors) == 1, [d.render() for d in diags]
    return errors[0]


# -- file size -------------------------------------------------------------------------


def test_file_size_in_a_folder_names_each_file_over_it(forms):
    biggest = max((MINI / "procedures").iterdir(), key=lambda p: p.stat().st_size)
    size = biggest.stat().st_size
    catalog, diags = load_catalog(MINI, Limits(max_file_bytes=size - 1))
    assert catalog is None
    assert located(diags) == [("E108", f"procedures/{biggest.name}", 1)]
    assert f"{size:,} bytes, over the limit of {size - 1:,}" in diags[0].en and "--max-file-size" in diags[0].en
    assert "--max-file-size" in diags[0].vi
    assert load_catalog(MINI, Limits(max_file_bytes=size))[0] is not None


def test_file_size_of_a_single_file(forms):
    size = forms["file"].stat().st_size
    error = only_error(forms["file"], Limits(max_file_bytes=size - 1))
    assert (error.code, error.location.file, error.location.line) == ("E108", "mini.yaml", 1)
    assert load_catalog(forms["file"], Limits(max_file_bytes=size))[0] is not None


def test_file_size_of_a_workbook_allows_for_its_zip(forms):
    """A workbook may be 20 times --max-file-size and unpack to 50 times: zipped XML is bulkier than YAML."""
    size = forms["workbook"].stat().st_size
    with zipfile.ZipFile(forms["workbook"]) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    packed_limit, unpacked_limit = -(-size // 20), -(-unpacked // 50)
    assert packed_limit < unpacked_limit    # mini.xlsx: 12 kB packed, 38 kB unpacked

    error = only_error(forms["workbook"], Limits(max_file_bytes=packed_limit - 1))
    assert (error.code, error.location.file, error.location.sheet) == ("E108", "mini.xlsx", None)
    assert f"the workbook is {size:,} bytes, over the limit of {20 * (packed_limit - 1):,}" in error.en
    assert "(raise it with --max-file-size)" in error.en

    error = only_error(forms["workbook"], Limits(max_file_bytes=unpacked_limit - 1))
    assert (error.code, error.location.file, error.location.sheet) == ("E108", "mini.xlsx", None)
    assert f"the workbook unpacks to {unpacked:,} bytes, over the limit of {50 * (unpacked_limit - 1):,}" in error.en
    assert "(raise it with --max-file-size)" in error.en

    assert load_catalog(forms["workbook"], Limits(max_file_bytes=unpacked_limit))[0] is not None


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, forms):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(forms["workbook"]) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/padding.bin", b"\0" * (8 << 20))  # 8 MB of zeros in about 8 kB
    error = only_error(bomb, Limits())
    assert (error.code, error.location.file) == ("E108", "bomb.xlsx")
    assert "a zip bomb: xl/media/padding.bin unpacks to" in error.en


# -- procedures -------------------------------------------------------------------------


def test_procedures_in_a_folder(forms):
    error = only_error(MINI, Limits(max_procedures=2))
    assert (error.code, error.location.file, error.location.line) == ("E108", "procedures", None)
    assert "3 procedure files, over the limit of 2 (raise it with --max-procedures)" in error.en
    assert load_catalog(MINI, Limits(max_procedures=3))[0] is not None


def test_procedures_in_a_single_file_point_at_the_list(forms):
    text = forms["file"].read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(text, 1) if row.startswith("procedures:")) + 1
    error = only_error(forms["file"], Limits(max_procedures=2))
    assert (error.code, error.location.file, error.location.line) == ("E108", "mini.yaml", line)
    assert "3 procedures, over the limit of 2 (raise it with --max-procedures)" in error.en
    assert load_catalog(forms["file"], Limits(max_procedures=3))[0] is not None


def test_procedures_in_a_workbook_point_at_the_first_row_over(forms):
    error = only_error(forms["workbook"], Limits(max_procedures=2))
    assert (error.code, error.location.file, error.location.sheet, error.location.cell) == (
        "E108", "mini.xlsx", "procedures", "A4")
    assert "more than 2 procedures (raise the limit with --max-procedures)" in error.en
    assert load_catalog(forms["workbook"], Limits(max_procedures=3))[0] is not None


# -- nesting -----------------------------------------------------------------------------


def test_nesting_depth_points_at_the_line(tmp_path):
    root = tmp_path / "mini"
    root.mkdir()
    for path in MINI.rglob("*.yaml"):
        (root / path.relative_to(MINI)).parent.mkdir(parents=True, exist_ok=True)
        (root / path.relative_to(MINI)).write_bytes(path.read_bytes())
    with open(root / KHAI_SINH, "a", encoding="utf-8") as handle:
        handle.write("waivers:\n" + "".join("  " * i + "- \n" for i in range(1, 12)))
    error = only_error(root, Limits(max_depth=8))
    # the procedure is level 0, `waivers` 1, and the first list nested 9 deep is the one on line 52
    assert (error.code, error.location.file, error.location.line, error.location.column) == ("E108", KHAI_SINH, 52, 19)
    assert "nesting deeper than 8 levels (raise it with --max-depth)" in error.en
    catalog, diags = load_catalog(root, Limits(max_depth=64))
    assert ("E108", KHAI_SINH) not in [(d.code, d.location.file) for d in diags]  # other errors, but not too deep


def test_nesting_deeper_than_any_stack_is_refused_at_the_ceiling_without_a_crash(tmp_path):
    """100,000 brackets would crash libyaml's recursive composer; --max-depth cannot raise the limit past the ceiling."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("catalog:\n  name: " + "[" * 100_000 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "simplify", "validate", str(deep), "--max-depth", "1000000",
                           "--lang", "en"], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 2, done.stderr
    assert "deep.yaml:2:" in done.stderr and f"E108 nesting deeper than {MAX_DEPTH_CEILING} levels" in done.stderr
    assert "--max-depth" not in done.stderr.split("E108", 1)[1].splitlines()[0]  # raising it would not help


# -- workbook rows -----------------------------------------------------------------------


def test_rows_of_a_sheet_point_at_the_first_row_over(forms):
    error = only_error(forms["workbook"], Limits(max_rows=6))   # the steps sheet has 7 rows of steps
    assert (error.code, error.location.file, error.location.sheet, error.location.cell) == (
        "E108", "mini.xlsx", "steps", "B8")
    assert "sheet steps has more than 6 rows (raise the limit with --max-rows)" in error.en
    assert load_catalog(forms["workbook"], Limits(max_rows=7))[0] is not None


# -- through the commands ------------------------------------------------------------------


@pytest.mark.parametrize("flag, value, form, expected", [
    ("--max-file-size", "200", "folder", "evidence_types.yaml:1:1: E108"),
    ("--max-procedures", "2", "folder", "procedures: E108"),
    ("--max-procedures", "2", "workbook", "mini.xlsx:procedures!A4: E108"),
    ("--max-depth", "1", "file", "mini.yaml:"),
    ("--max-rows", "3", "workbook", "mini.xlsx:steps!B5: E108"),
])
@pytest.mark.parametrize("command", LIMITED)
def test_the_limits_flags_of_the_commands_that_load_catalogues(cli, forms, tmp_path, command, flag, value, form, expected):
    written = {"report": ["--output", tmp_path / "report.xlsx"], "convert": [tmp_path / "converted"]}.get(command, [])
    code, out, err = cli(command, forms[form], *written, flag, value, "--lang", "en")
    assert code == 2, err
    assert expected in err and "E108" in err and flag in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []   # nothing written from a catalogue that was refused


def test_diff_takes_the_limits_for_both_sides(cli, forms):
    code, _, err = cli("diff", forms["workbook"], MINI, "--max-procedures", "2", "--lang", "en")
    assert code == 2 and "mini.xlsx:procedures!A4: E108" in err
    code, _, err = cli("diff", MINI, forms["workbook"], "--max-rows", "3", "--lang", "en")
    assert code == 2 and "mini.xlsx:steps!B5: E108" in err


@pytest.mark.parametrize("command", [*LIMITED, "diff"])
def test_the_limits_flags_are_listed_in_help(cli, command):
    _, out, _ = cli(command, "--help")
    assert all(flag in out for flag in FLAGS)
