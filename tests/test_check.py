"""`simplify check`: exit codes in every format, and the ratchet against a baseline with located regressions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from simplify.analysis import Settings, analyse
from simplify.catalog.loader import require_catalog
from simplify.check import check, rose
from simplify.rules.engine import load_rules
from simplify.settings import load_cost_model
from simplify.targets import load_targets

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini"
CERTIFIED = DATA / "check" / "certified"      # the mini catalogue where 1.000002's birth certificate copies are certified
FORMATS = ("table", "json", "github", "sarif", "junit")
THUONG_TRU = "procedures/1.000002-thuong-tru.yaml"
KHAI_SINH = "procedures/1.000001-khai-sinh.yaml"


def copy_catalog(tmp_path: Path, source: Path = MINI) -> Path:
    """A writable copy of a catalogue folder."""
    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("EXPECTED.md"))
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def verdict(cli, path, *options) -> tuple[int, dict]:
    code, out, _ = cli("check", path, "--baseline", MINI, "--format", "json", "--lang", "en", *options)
    return code, json.loads(out)


def located(items: list[dict]) -> list[tuple]:
    return [(i["rule"], i["location"]["file"], i["location"]["line"]) for i in items]


# --- exit codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_1_on_a_finding_at_fail_on_in_every_format(cli, fmt):
    code, out, _ = cli("check", MINI, "--format", fmt)
    assert code == 1
    assert "PROC003" in out          # 2.000003 has no legal basis: the mini catalogue's one error


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_0_against_itself_and_with_exit_zero_in_every_format(cli, fmt):
    assert cli("check", MINI, "--baseline", MINI, "--format", fmt)[0] == 0
    code, out, _ = cli("check", MINI, "--format", fmt, "--exit-zero")
    assert code == 0 and "PROC003" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_2_on_an_invalid_catalogue_in_every_format(cli, tmp_path, fmt):
    bad = copy_catalog(tmp_path)
    edit(bad / KHAI_SINH, "volume_per_year: 1000", "volume_per_year: many")
    code, out, err = cli("check", bad, "--format", fmt, "--exit-zero")
    assert (code, out) == (2, "")
    assert f"{KHAI_SINH}:9:18: E102" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("options", [
    ("--format", "xml"), ("--fail-on", "fatal"), ("--cost-tolerance", "-0.1"), ("--baseline", "no/such/folder"),
])
def test_exit_2_on_bad_options(cli, options):
    code, out, err = cli("check", MINI, *options)
    assert code == 2 and out == "" and "Traceback" not in err


def test_fail_on_lowers_the_bar(cli):
    # Against a baseline the certified copy is one new warning (DOC001); tolerate the cost rise to see it alone.
    assert cli("check", CERTIFIED, "--baseline", MINI, "--cost-tolerance", "1")[0] == 0
    assert cli("check", CERTIFIED, "--baseline", MINI, "--cost-tolerance", "1", "--fail-on", "warning")[0] == 1
    # Without a baseline LINK001 (info) fails only at --fail-on info; the mini catalogue's only error is PROC003.
    code, out, _ = cli("check", MINI, "-f", "json", "--select", "LINK001", "--fail-on", "info")
    assert code == 1 and [(f["rule"], f["fails"]) for f in json.loads(out)["new"]] == [("LINK001", True)]
    assert cli("check", MINI, "--select", "LINK001", "--fail-on", "warning")[0] == 0
    assert cli("check", MINI, "--ignore", "PROC003")[0] == 0


def test_github_is_the_default_under_github_actions(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = cli("check", MINI)
    assert code == 1 and out.startswith("::warning file=tests/data/mini/procedures/1.000001-khai-sinh.yaml,")
    assert json.loads(cli("check", MINI, "--format", "json")[1])["passed"] is False
    target = tmp_path / "out.sarif"
    code, out, _ = cli("check", MINI, "--format", "sarif", "--output", target)
    assert (code, out) == (1, "")
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


# --- the ratchet -----------------------------------------------------------------------------------

def test_a_catalogue_checked_against_itself_passes(cli):
    code, data = verdict(cli, MINI)
    assert code == 0 and data["passed"] is True
    assert data["summary"] == {"new": 0, "existing": 11, "regressions": 0, "failing": 0}
    # the same, as committed: git:HEAD is read with git for the catalogue's own path
    code, out, _ = cli("check", "tests/data/mini", "--baseline", "git:HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["existing"] == 11


def test_a_certified_copy_is_one_new_finding_and_a_cost_regression(cli):
    code, data = verdict(cli, CERTIFIED)
    assert code == 1 and data["passed"] is False
    assert located(data["new"]) == [("DOC001", THUONG_TRU, 20)]
    assert (data["new"][0]["evidence"], data["new"][0]["fails"]) == ("giay_khai_sinh", False)   # a warning
    assert located(data["regressions"]) == [("REG001", THUONG_TRU, 1)]
    # Hand-worked: two certified one-page copies add 2 x 2,000 and a certification trip (2 h x 44,000 + 30,000).
    assert data["regressions"][0]["changes"] == {
        "cost_per_dossier": {"before": 146_000.0, "after": 268_000.0},
        "annual_cost": {"before": 29_200_000.0, "after": 53_600_000.0},
    }
    assert len(data["existing"]) == 11


def test_the_new_finding_is_annotated_at_the_documents_file_and_line(cli):
    code, out, _ = cli("check", CERTIFIED, "--baseline", MINI, "--format", "github", "--lang", "en")
    assert code == 1
    file = "tests/data/check/certified/procedures/1.000002-thuong-tru.yaml"
    assert out.splitlines()[:2] == [
        f"::warning file={file},line=20,col=5,title=DOC001 certified-copy-required::"
        "1.000002 asks for a certified copy of 'Giấy khai sinh'",
        f"::error file={file},line=1,col=1,title=REG001 cost-regression::The compliance cost of 1.000002 rose: "
        "cost per dossier 146,000 → 268,000 (+83.6%25); annual cost 29,200,000 → 53,600,000 (+83.6%25)",
    ]


def test_cost_tolerance_is_a_fraction_of_the_baseline_cost(cli):
    assert verdict(cli, CERTIFIED, "--cost-tolerance", "0.8")[1]["summary"]["regressions"] == 1   # +83.6% > 80%
    code, data = verdict(cli, CERTIFIED, "--cost-tolerance", "0.85")
    assert code == 0 and data["regressions"] == []


def test_a_step_newly_in_person_is_located_at_the_step(cli, tmp_path):
    cat = copy_catalog(tmp_path)
    edit(cat / KHAI_SINH, "    hours: 1\n", "    hours: 1\n    in_person: true\n")
    code, data = verdict(cli, cat)
    assert code == 1
    assert located(data["regressions"]) == [("REG001", KHAI_SINH, 1), ("REG003", KHAI_SINH, 19)]
    assert data["regressions"][1]["object"] == "prepare"


def test_a_step_that_can_no_longer_be_done_online_is_newly_in_person(cli, tmp_path):
    cat = copy_catalog(tmp_path)
    # submit is in person when done offline, and could be done online: now it cannot
    edit(cat / KHAI_SINH, "    in_person: true\n    online: true\n", "    in_person: true\n    online: false\n")
    code, data = verdict(cli, cat)
    assert code == 1
    assert [(r["rule"], r["object"]) for r in data["regressions"]] == [("REG001", None), ("REG003", "submit")]


def test_a_document_newly_asked_is_located_at_the_document(cli, tmp_path):
    cat = copy_catalog(tmp_path)
    edit(cat / KHAI_SINH, "    pages: 3\n", "    pages: 3\n  - evidence: bao_cao\n")
    code, data = verdict(cli, cat)
    assert code == 1
    assert located(data["regressions"]) == [("REG002", KHAI_SINH, 41)]     # an original, no cost: no REG001
    assert located(data["new"]) == [("ONCE002", KHAI_SINH, 41)]            # the state issues bao_cao itself


def test_new_and_internal_procedures_add_no_document_or_step_regression(cli, tmp_path):
    cat = copy_catalog(tmp_path)
    edit(cat / "procedures/2.000003-bao-cao.yaml", "outputs:", "documents:\n  - evidence: to_khai\noutputs:")
    (cat / "procedures/1.000009-moi.yaml").write_text(
        'code: "1.000009"\nname: Thủ tục mới\nlegal_basis: [Luật mới]\n'
        "steps:\n  - id: submit\n    in_person: true\ndocuments:\n  - evidence: to_khai\n", encoding="utf-8")
    code, data = verdict(cli, cat)
    assert code == 0 and data["regressions"] == []
    assert {(f["rule"], f["procedure"]) for f in data["new"]} == {("PROC001", "1.000009"), ("STEP001", "1.000009")}


def test_a_target_moving_away_from_its_goal_is_a_regression(cli, tmp_path):
    cat = copy_catalog(tmp_path)
    edit(cat / "procedures/2.000003-bao-cao.yaml", "volume_per_year: 50", "volume_per_year: 100")
    code, data = verdict(cli, cat)
    assert code == 1
    assert [(r["rule"], r["object"]) for r in data["regressions"]] == [
        ("REG001", None), ("REG004", "internal-cost-cut"), ("REG004", "online-dossiers"),
    ]
    cut = data["regressions"][1]
    assert cut["changes"] == {"internal_annual_cost": {"before": 24_000_000.0, "after": 48_000_000.0}}
    assert cut["location"]["file"] == "catalog.yaml"


def analysed(path: Path):
    catalog, _ = require_catalog(path)
    return analyse(catalog, Settings(load_cost_model(None), load_rules(), load_targets()))


def test_findings_match_as_a_multiset_of_keys(tmp_path):
    twice, thrice = copy_catalog(tmp_path / "a"), copy_catalog(tmp_path / "b")
    edit(twice / KHAI_SINH, "    pages: 3\n", "    pages: 3\n  - evidence: to_khai\n")
    edit(thrice / KHAI_SINH, "    pages: 3\n", "    pages: 3\n  - evidence: to_khai\n  - evidence: to_khai\n")
    result = check(analysed(thrice), analysed(twice))
    duplicates = [(e.status, e.item.location.line) for e in result.entries if e.item.rule == "DOC002"]
    assert duplicates == [("existing", 41), ("new", 42)]


def test_rose_is_relative_and_ignores_float_noise():
    assert rose(100.0, 105.0, 0.04) and not rose(100.0, 105.0, 0.05)
    assert rose(0.0, 1.0, 10.0)                      # from nothing, any tolerance
    assert not rose(0.1 + 0.2, 0.3) and not rose(None, 1.0)
