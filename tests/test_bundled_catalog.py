"""The bundled catalogue's headline figures, pinned so that an accidental edit is caught.

When the catalogue changes on purpose, update these numbers in the same
commit (and the quick-start output in README.md).
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import REPO

from simplify.analysis import analyse
from simplify.catalog.loader import load_catalog
from simplify.commands.pipeline import load_settings
from simplify.commands.request import Request

BUNDLED = REPO / "procedures_catalog"


@pytest.fixture(scope="module")
def analysis():
    catalog, diags = load_catalog(BUNDLED)
    assert diags == []  # validates clean: no error, no warning
    return analyse(catalog, load_settings(Request(path=BUNDLED), catalog))


def test_counts_and_costs(analysis):
    m = analysis.metrics
    assert (m["procedures"], m["internal_procedures"], m["external_procedures"]) == (51, 12, 39)
    assert sum(p.essential for p in analysis.catalog.procedures) == 26
    assert sum(p.subject == "business" for p in analysis.catalog.procedures) == 13
    assert m["annual_cost"] == pytest.approx(20_446_943_155_500)
    assert m["internal_annual_cost"] == pytest.approx(76_413_795_500)
    # ONCE002 on the old electricity contract of 1.009702 (the power company issued it in 1.009701, and
    # 1.009702 issues the new one): (0.25 h x 44,000 + 4 pages x 500) x 600,000 = 7,800,000,000 of it.
    # Not ONCE001 on the deceased's card that 1.009201 takes back (waived): 0.1 h x 44,000 x 630,000 =
    # 2,772,000,000 less.
    assert analysis.potential_annual_saving == pytest.approx(1_328_448_398_500)


def test_findings_of_every_rule_family(analysis):
    per_rule = Counter(f.rule for f in analysis.reported_findings)
    assert dict(per_rule) == {
        "DOC001": 10, "DOC002": 1, "DOC003": 4, "FEE001": 6, "INT001": 4, "LINK001": 4, "ONCE001": 35,
        "ONCE002": 13, "PROC001": 16, "PROC002": 2, "PROC003": 2, "STEP001": 14,
    }
    assert sum(f.waived for f in analysis.findings) == 5


def test_every_target_has_a_gap(analysis):
    gaps = {t.id: (t.met, t.gap) for t in analysis.targets}
    assert set(gaps) == {"internal-procedures-cut", "internal-cost-cut", "full-online", "online-dossiers",
                         "essential-online"}
    assert all(not met and gap > 0 for met, gap in gaps.values())
    cut = next(t for t in analysis.targets if t.id == "internal-procedures-cut")
    assert (cut.baseline, cut.current, cut.goal) == (22, 12, 11)  # baseline as if taken in 2024


def test_the_interconnected_groups(analysis):
    groups = {}
    for p in analysis.catalog.procedures:
        if p.life_event:
            groups.setdefault(p.life_event, set()).add(p.code)
    assert {"1.001193", "1.004222"} <= groups["birth"]
    assert len(groups["birth"]) >= 3 and len(groups["death"]) >= 3
    linked = {f.procedure for f in analysis.reported_findings if f.rule == "LINK001"}
    assert "1.004222" in linked  # permanent residence reuses the birth certificate of 1.001193


def test_readme_shows_what_a_newcomer_sees():
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "simplify", "audit"], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, check=True).stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert shown == "\n".join(out.splitlines()[:30])
