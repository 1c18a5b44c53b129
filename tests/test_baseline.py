"""Baselines: another catalogue, or `git:<rev>` read with git itself, and the E204 errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from simplify.baseline import baseline_metrics, load_baseline
from simplify.catalog.loader import require_catalog
from simplify.cost import CostModel
from simplify.diagnostics import InputError
from simplify.targets import evaluate_targets, load_targets

MINI = Path(__file__).parent / "data" / "mini"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    """A repository whose first commit holds the mini catalogue under cat/; the work tree then drops 2.000003."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(MINI, root / "cat", ignore=shutil.ignore_patterns("EXPECTED.md"))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "version 1")
    (root / "cat" / "procedures" / "2.000003-bao-cao.yaml").unlink()
    return root


def codes(error: InputError) -> list[tuple[str, str]]:
    return [(d.code, d.location.file) for d in error.diagnostics]


def test_git_baseline_reads_the_committed_catalogue_without_touching_the_work_tree(repo):
    status_before = git(repo, "status", "--porcelain")
    baseline = load_baseline("git:HEAD", repo / "cat")
    assert baseline.path == "git:HEAD:cat"
    assert [p.code for p in baseline.procedures] == ["1.000001", "1.000002", "2.000003"]
    assert git(repo, "status", "--porcelain") == status_before == " D cat/procedures/2.000003-bao-cao.yaml\n"
    assert not (repo / "cat" / "procedures" / "2.000003-bao-cao.yaml").exists()

    # version 1: 397,000,000 + 29,200,000 + 24,000,000 (EXPECTED.md); the work tree lost 2.000003
    before = baseline_metrics(baseline, CostModel())
    assert before["annual_cost"] == 450_200_000
    assert (before["internal_procedures"], before["internal_annual_cost"]) == (1, 24_000_000)

    current_catalog, _ = require_catalog(repo / "cat")
    now = baseline_metrics(current_catalog, CostModel())
    assert (now["internal_procedures"], now["internal_annual_cost"]) == (0, 0)
    results = {r.id: r for r in evaluate_targets(load_targets(), current_catalog.info, before, now, now)}
    # --baseline beats catalog.yaml's internal_procedures: 2 -> baseline 1, goal 0.5, current 0: met
    cut = results["internal-procedures-cut"]
    assert (cut.baseline, cut.goal, cut.current, cut.met) == (1.0, 0.5, 0, True)
    cost = results["internal-cost-cut"]
    assert (cost.baseline, cost.goal, cost.current, cost.met) == (24_000_000.0, 12_000_000.0, 0.0, True)


def test_git_baseline_of_an_older_revision_and_a_single_file_catalogue(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "version 2: 2.000003 abolished")
    assert len(load_baseline("git:HEAD", repo / "cat").procedures) == 2
    assert len(load_baseline("git:HEAD~1", repo / "cat").procedures) == 3
    # a catalogue given as one file inside the folder: only that file is read
    (repo / "one.yaml").write_text(
        "catalog: {name: Một tệp}\nprocedures:\n  - {code: '9.000001', name: Thử, volume_per_year: 10}\n",
        encoding="utf-8")
    git(repo, "add", "one.yaml")
    git(repo, "commit", "-q", "-m", "one file")
    assert [p.code for p in load_baseline("git:HEAD", repo / "one.yaml").procedures] == ["9.000001"]


def test_missing_revision_is_e204(repo):
    with pytest.raises(InputError) as caught:
        load_baseline("git:no-such-tag", repo / "cat")
    assert codes(caught.value) == [("E204", "git:no-such-tag")]
    assert "no revision 'no-such-tag'" in caught.value.diagnostics[0].en


def test_path_outside_a_repository_is_e204(tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(MINI, plain)
    with pytest.raises(InputError) as caught:
        load_baseline("git:HEAD", plain)
    assert codes(caught.value) == [("E204", "git:HEAD")]
    assert "not inside a git repository" in caught.value.diagnostics[0].en


def test_revision_that_looks_like_an_option_is_refused_before_git_runs(repo):
    for rev in ("-n", "--output=/tmp/x", "", "HEAD:cat"):
        with pytest.raises(InputError) as caught:
            load_baseline(f"git:{rev}", repo / "cat")
        assert codes(caught.value) == [("E204", f"git:{rev}")]


def test_catalogue_missing_at_the_revision_is_e204(repo):
    (repo / "later").mkdir()
    shutil.copytree(MINI, repo / "later" / "cat")
    with pytest.raises(InputError) as caught:
        load_baseline("git:HEAD", repo / "later" / "cat")
    assert "did not exist at revision 'HEAD'" in caught.value.diagnostics[0].en


def test_folder_and_file_baselines(tmp_path):
    assert len(load_baseline(str(MINI), "ignored").procedures) == 3
    with pytest.raises(InputError) as caught:
        load_baseline(str(tmp_path / "nothing"), MINI)
    assert codes(caught.value) == [("E204", str(tmp_path / "nothing"))]


def test_invalid_baseline_is_located_under_its_own_name(tmp_path):
    broken = tmp_path / "old"
    shutil.copytree(MINI, broken)
    (broken / "procedures" / "1.000002-thuong-tru.yaml").write_text("code: '1.000002'\nname: x\nkind: sideways\n",
                                                                  encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_baseline(str(broken), MINI)
    assert [(d.code, d.location.file, d.location.line) for d in caught.value.diagnostics] == [
        ("E102", f"{broken}/procedures/1.000002-thuong-tru.yaml", 3),
    ]
