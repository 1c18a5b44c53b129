"""`simplify diff`: procedures, documents, steps and fees added, removed and changed, with hand-worked cost deltas."""

from __future__ import annotations

import json

import pytest

from simplify.catalog.loader import require_catalog
from simplify.cost import CostModel
from simplify.diff import PartChange, diff_catalogs
from simplify.report import diff_markdown, diff_rows, diff_table
from test_check import CERTIFIED, KHAI_SINH, MINI, copy_catalog, edit


def catalog(path):
    return require_catalog(path)[0]


@pytest.fixture
def without_cccd(tmp_path):
    """The mini catalogue where 1.000001 no longer asks for the certified copy of the citizen's id card."""
    cat = copy_catalog(tmp_path)
    edit(cat / KHAI_SINH, "  - evidence: cccd\n    copies: 1\n    certified: true\n    pages: 3\n", "")
    return cat


def test_removing_the_certified_cccd_copy_saves_124_500_a_dossier(without_cccd):
    d = diff_catalogs(catalog(MINI), catalog(without_cccd), CostModel())
    # EXPECTED.md: its cash (6,500) and the certification trip (2 h x 44,000 + 30,000) go, in both channels.
    [change] = d.changes
    assert (change.code, change.status, change.fields) == ("1.000001", "changed", ())
    assert change.parts == (PartChange("document", "cccd", "removed", (), change.parts[0].location),)
    assert (change.parts[0].location.file, change.parts[0].location.line) == (KHAI_SINH, 37)
    assert change.cost_per_dossier == (397_000.0, 272_500.0) and change.delta("cost_per_dossier") == -124_500.0
    assert change.annual_cost == (397_000_000.0, 272_500_000.0) and change.delta("annual_cost") == -124_500_000.0
    assert (d.annual_cost_before, d.annual_cost_after, d.annual_cost_delta) == (450_200_000.0, 325_700_000.0,
                                                                                 -124_500_000.0)
    assert (d.count("changed"), d.unchanged) == (1, 2)


def test_certifying_two_copies_costs_122_000_a_dossier():
    [change] = diff_catalogs(catalog(MINI), catalog(CERTIFIED), CostModel()).changes
    # 2 copies x certfee(1 page) = 4,000, plus the certification trip 118,000; 200 dossiers a year.
    assert [(p.kind, p.id, p.status, p.fields) for p in change.parts] == [
        ("document", "giay_khai_sinh", "changed", ("certified",))]
    assert (change.delta("cost_per_dossier"), change.delta("annual_cost")) == (122_000.0, 24_400_000.0)


def test_added_removed_and_changed_procedures_steps_and_fees(tmp_path):
    cat = copy_catalog(tmp_path)
    (cat / "procedures/2.000003-bao-cao.yaml").unlink()
    (cat / "procedures/1.000009-moi.yaml").write_text(
        'code: "1.000009"\nname: Thủ tục mới\nvolume_per_year: 10\nsteps:\n  - id: submit\n    hours: 1\n',
        encoding="utf-8")
    text = (cat / KHAI_SINH).read_text(encoding="utf-8")
    text = text.replace("online_share: 0.5", "online_share: 1").replace("    amount: 10000", "    amount: 20000")
    text = text.replace("  - id: receive\n    name: Nhận kết quả\n    in_person: true\n", "")
    text = text.replace("  - id: prepare\n", "  - id: check\n    hours: 2\n  - id: prepare\n")
    (cat / KHAI_SINH).write_text(text, encoding="utf-8")
    d = diff_catalogs(catalog(MINI), catalog(cat), CostModel())
    assert [(c.code, c.status) for c in d.changes] == [("1.000001", "changed"), ("1.000009", "added"),
                                                       ("2.000003", "removed")]
    changed, added, removed = d.changes
    assert changed.fields == ("online_share",)
    assert [(p.kind, p.id, p.status, p.fields) for p in changed.parts] == [
        # documents are handed in at the first applicant step unless they say otherwise: now 'check'
        ("document", "to_khai", "changed", ("step",)),
        ("document", "cccd", "changed", ("step",)),
        ("step", "check", "added", ()),
        ("step", "prepare", "changed", ("after",)),      # it followed nothing, now follows 'check'
        ("step", "receive", "removed", ()),
        ("fee", "Lệ phí", "changed", ("amount",)),
    ]
    # For people, each change with its values where they are plain.
    assert diff_rows.detail_lines(changed, "en") == [
        "Procedure keys changed: online_share: 0.5 → 1",
        "Documents changed: to_khai (step: prepare → check), cccd (step: prepare → check)",
        "Steps added: check", "Steps removed: receive", "Steps changed: prepare (after: [] → [check])",
        "Fees changed: Lệ phí (amount: 10,000 → 20,000)",
    ]
    # 1.000009: 1 h x 44,000 a dossier, 10 dossiers; 2.000003 cost 480,000 x 50.
    assert (added.cost_per_dossier, added.annual_cost) == ((None, 44_000.0), (None, 440_000.0))
    assert (removed.cost_per_dossier, removed.annual_cost) == ((480_000.0, None), (24_000_000.0, None))
    assert removed.delta("annual_cost") == -24_000_000.0
    assert (d.procedures_before, d.procedures_after, d.unchanged) == (3, 3, 1)


def test_a_repeated_document_is_matched_by_its_occurrence(tmp_path):
    cat = copy_catalog(tmp_path)
    edit(cat / KHAI_SINH, "    pages: 3\n", "    pages: 3\n  - evidence: to_khai\n")
    [change] = diff_catalogs(catalog(MINI), catalog(cat), CostModel()).changes
    assert [(p.id, p.status) for p in change.parts] == [("to_khai#2", "added")]


def test_markdown_is_a_pull_request_comment(without_cccd):
    text = diff_markdown.render(diff_catalogs(catalog(MINI), catalog(without_cccd), CostModel()), "vi")
    assert "3 → 3 thủ tục: 0 thêm, 0 bỏ, 1 sửa; chi phí tuân thủ/năm 450.200.000 → 325.700.000 (−124.500.000) đồng" in text
    assert ("| 1.000001 | Đăng ký khai sinh (ví dụ) | sửa | 397.000 → 272.500 (−124.500) "
            "| 397.000.000 → 272.500.000 (−124.500.000) |") in text
    assert "<details><summary>1.000001 Đăng ký khai sinh (ví dụ)</summary>\n\n- Giấy tờ bỏ: cccd\n\n</details>" in text


@pytest.mark.parametrize("fmt", ("table", "json", "markdown"))
def test_cli_exit_codes(cli, without_cccd, fmt):  # noqa: F811
    code, out, _ = cli("diff", MINI, without_cccd, "--format", fmt, "--lang", "en")
    assert code == 0 and ("−124,500" in out or "-124500.0" in out)
    code, out, err = cli("diff", MINI, "no/such/folder", "--format", fmt)
    assert (code, out) == (2, "") and "E204" in err and "Traceback" not in err


def test_cli_json_and_a_git_revision(cli, without_cccd):  # noqa: F811
    data = json.loads(cli("diff", MINI, without_cccd, "--format", "json")[1])
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2,
                               "annual_cost_delta": -124_500_000.0}
    [p] = data["procedures"]
    assert p["documents"] == {"added": [], "removed": ["cccd"], "changed": []}
    assert p["annual_cost"] == {"before": 397_000_000.0, "after": 272_500_000.0, "delta": -124_500_000.0}
    # The committed mini catalogue against its work tree: nothing changed.
    code, out, _ = cli("diff", "git:HEAD", "tests/data/mini", "--format", "json")
    assert code == 0 and json.loads(out)["procedures"] == []
    assert cli("diff", MINI, MINI, "--format", "json", "--bad")[0] == 2


def test_changed_values_are_shown_with_every_digit_and_as_plain_text(tmp_path):
    old, new = copy_catalog(tmp_path / "old"), copy_catalog(tmp_path / "new")
    edit(old / KHAI_SINH, "online_share: 0.5", "online_share: 0.501")
    edit(new / KHAI_SINH, "online_share: 0.5", "online_share: 0.504")
    edit(new / KHAI_SINH, "ministry: Bộ Tư pháp", "ministry: \"Sở [/b] <!-- x\"")
    d = diff_catalogs(catalog(old), catalog(new), CostModel())
    [change] = d.changes
    assert diff_rows.detail_lines(change, "en") == [
        "Procedure keys changed: ministry: Bộ Tư pháp → Sở [/b] <!-- x, online_share: 0.501 → 0.504"]
    # Drawn as text, not as rich markup (which failed on [/b]); in Markdown, not as an HTML comment.
    assert "ministry: Bộ Tư pháp → Sở [/b] <!-- x" in diff_table.render(d, "en")
    assert "Sở [/b] &lt;!-- x" in diff_markdown.render(d, "en")
