"""The parse cache: identical results, and never trusted when corrupt or stale."""

from __future__ import annotations

import pickle

import pytest

from simplify.catalog import cache as cache_module
from simplify.catalog.loader import load_catalog


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(folder))
    return folder


def _load(path):
    catalog, diags = load_catalog(path)
    return catalog, [d.render() for d in diags]


def test_results_identical_with_and_without_cache(mini_copy, cache_dir, monkeypatch):
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    without = _load(mini_copy)
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(cache_dir))
    cold = _load(mini_copy)
    assert len(list(cache_dir.glob("parse-*.pickle"))) == 1
    warm = _load(mini_copy)
    assert without == cold == warm
    # locations survive the cache too (they are excluded from equality)
    assert [d.location for d in warm[0].procedures[0].documents] == [d.location for d in without[0].procedures[0].documents]


def test_warm_run_does_not_parse(mini_copy, cache_dir, monkeypatch):
    _load(mini_copy)
    calls = []
    import simplify.catalog.loader as loader

    real = loader.read_yaml
    monkeypatch.setattr(loader, "read_yaml", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    _load(mini_copy)
    assert all(not c.startswith("procedures/") for c in calls)
    # a changed file is parsed again, and only that one
    path = mini_copy / "procedures" / "1.000002-thuong-tru.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("population: 200", "population: 300"), encoding="utf-8")
    calls.clear()
    catalog, _ = _load(mini_copy)
    assert [c for c in calls if c.startswith("procedures/")] == ["procedures/1.000002-thuong-tru.yaml"]
    assert catalog.procedure("1.000002").population == 300


def test_corrupt_cache_is_ignored_and_rebuilt(mini_copy, cache_dir):
    expected = _load(mini_copy)
    (cache_file,) = cache_dir.glob("parse-*.pickle")
    cache_file.write_bytes(b"\x80\x05garbage")
    assert _load(mini_copy) == expected
    with open(cache_file, "rb") as handle:
        assert pickle.load(handle)[0] == cache_module.FORMAT  # rewritten whole


def test_foreign_objects_in_the_cache_are_refused(mini_copy, cache_dir):
    expected = _load(mini_copy)
    (cache_file,) = cache_dir.glob("parse-*.pickle")
    cache_file.write_bytes(pickle.dumps((cache_module.FORMAT, "x", b"", {"evil": print})))
    assert _load(mini_copy) == expected


def test_stale_entry_after_evidence_change_is_rebuilt(mini_copy, cache_dir):
    _load(mini_copy)
    evidence = mini_copy / "evidence_types.yaml"
    evidence.write_text(evidence.read_text(encoding="utf-8").replace("name: Tờ khai", "name: Tờ khai mới"), encoding="utf-8")
    catalog, diags = _load(mini_copy)
    assert diags == []
    # the document's default name comes from the evidence type, so the cached procedure is stale
    assert catalog.procedure("1.000001").documents[0].name == "Tờ khai mới"
