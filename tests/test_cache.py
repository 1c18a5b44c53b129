"""The parse and analysis caches: identical results, never trusted when corrupt or stale, and worked out
again exactly where an input changed."""

from __future__ import annotations

import json
import os
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


def _without_cold_warm(run, path, kind, cache_dir, monkeypatch) -> tuple:
    """What `run(path)` gives without a cache, with an empty one, and with the one that left (read from its file)."""
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    without = run(path)
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(cache_dir))
    cold = run(path)
    assert len(list(cache_dir.glob(f"{kind}-*.pickle"))) == 1
    _forget_recent()
    return without, cold, run(path)


def test_results_identical_with_and_without_cache(mini_copy, cache_dir, monkeypatch):
    without, cold, warm = _without_cold_warm(_load, mini_copy, "parse", cache_dir, monkeypatch)
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
    assert calls == []  # nor catalog.yaml, databases.yaml, evidence_types.yaml
    # a changed file is parsed again, and only that one
    path = mini_copy / "procedures" / "1.000002-thuong-tru.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("population: 200", "population: 300"), encoding="utf-8")
    calls.clear()
    catalog, _ = _load(mini_copy)
    assert [c for c in calls if c.startswith("procedures/")] == ["procedures/1.000002-thuong-tru.yaml"]
    assert catalog.procedure("1.000002").population == 300


def test_a_cache_made_by_other_code_is_not_read(mini_copy, cache_dir, monkeypatch):
    """Caches are marked with the code that made them: a development install at another commit, same version,
    parses again rather than trusting what older code made of the files."""
    _load(mini_copy)
    stamp = cache_module.code_stamp()
    assert stamp.startswith(cache_module.__version__ + "+") and len(stamp) > len(cache_module.__version__) + 16
    _forget_recent()
    calls = []
    import simplify.catalog.loader as loader

    real = loader.read_yaml
    monkeypatch.setattr(loader, "read_yaml", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(cache_module, "code_stamp", lambda: stamp + "-other")
    _load(mini_copy)
    assert sorted(c for c in calls if c.startswith("procedures/")) == sorted(
        f"procedures/{p.name}" for p in (mini_copy / "procedures").iterdir())


def _corrupt_cache_is_ignored_and_rebuilt(run, path, kind, cache_dir, spoil=lambda file: file.write_bytes(b"\x80\x05garbage")):
    """`run(path)` gives the same with its `kind` cache file spoilt (overwritten by garbage), and rewrites the
    file whole."""
    expected = run(path)
    (cache_file,) = cache_dir.glob(f"{kind}-*.pickle")
    spoil(cache_file)
    _forget_recent()
    assert run(path) == expected
    with open(cache_file, "rb") as handle:
        assert pickle.load(handle)[0] == cache_module.FORMAT


def test_corrupt_cache_is_ignored_and_rebuilt(mini_copy, cache_dir):
    _corrupt_cache_is_ignored_and_rebuilt(_load, mini_copy, "parse", cache_dir)


def test_corrupt_pickled_entries_are_ignored_and_rebuilt(mini_copy, cache_dir):
    """The entries a run parsed are kept as the bytes it pickled them to, inside the file: spoilt, the
    whole file is ignored."""
    def spoil(file):
        stored = pickle.loads(file.read_bytes())
        assert stored[4] and not stored[3]  # every file was parsed: all entries are in pickled segments
        with open(file, "wb") as handle:
            cache_module.dump(stored[:4] + ((b"\x80\x05garbage",),), handle)

    _corrupt_cache_is_ignored_and_rebuilt(_load, mini_copy, "parse", cache_dir, spoil)


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


# -- a workbook or a single YAML file: one entry, the whole catalogue -------------------------------

@pytest.fixture(params=["workbook", "single file"])
def one_file(request, tmp_path):
    """Write the mini catalogue, or a changed one, as one workbook or one YAML file; the path."""
    from simplify.catalog.excel_writer import write_workbook
    from simplify.catalog.yaml_writer import write_yaml_file
    from simplify.model import evolve
    from conftest import REPO

    catalog, _ = load_catalog(REPO / "tests" / "data" / "mini")  # before the test sets a cache

    def write(name: str | None = None):
        changed = catalog if name is None else catalog.with_procedures(
            (evolve(catalog.procedures[0], name=name),) + catalog.procedures[1:])
        if request.param == "workbook":
            write_workbook(changed, tmp_path / "mini.xlsx")
            return tmp_path / "mini.xlsx"
        write_yaml_file(changed, tmp_path / "mini.yaml")
        return tmp_path / "mini.yaml"

    return write


def _spy_on_readers(monkeypatch) -> list:
    import simplify.catalog.excel_reader as excel_reader
    import simplify.catalog.loader as loader

    calls = []
    for module, name in ((excel_reader, "read_workbook"), (loader, "_load_single_file")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, **k: calls.append(a[0].name) or real(*a, **k))
    return calls


def test_one_file_identical_with_and_without_cache_and_read_once(one_file, cache_dir, monkeypatch):
    path = one_file()
    calls = _spy_on_readers(monkeypatch)
    without, cold, warm = _without_cold_warm(_load, path, "parse", cache_dir, monkeypatch)
    assert without == cold == warm
    assert calls == [path.name, path.name]  # not on the warm run
    assert [d.location for d in warm[0].procedures[0].documents] == [d.location for d in without[0].procedures[0].documents]
    os.utime(path, ns=(0, 0))  # its bytes are what counts, not its time
    assert _load(path) == warm and len(calls) == 2
    one_file("Tên mới")
    catalog, _ = _load(path)
    assert len(calls) == 3 and catalog.procedures[0].name == "Tên mới"


def test_one_file_audit_reuses_the_analysis(one_file, cache_dir, monkeypatch):
    calls = _spy_on_examine(monkeypatch)
    without, cold, warm = _without_cold_warm(_audit, one_file(), "analysis", cache_dir, monkeypatch)
    assert without == cold == warm
    assert calls == [None, None]


def test_one_file_with_errors_reports_them_again_from_the_cache(tmp_path, cache_dir):
    book = tmp_path / "bad.yaml"
    book.write_text("catalog: {name: x}\nprocedures:\n  - code: 1\n    nam: typo\n", encoding="utf-8")
    first = _load(book)
    _forget_recent()
    assert first[0] is None and first[1]
    assert _load(book) == first
    assert len(list(cache_dir.glob("parse-*.pickle"))) == 1


def test_corrupt_one_file_cache_is_ignored_and_rebuilt(one_file, cache_dir):
    _corrupt_cache_is_ignored_and_rebuilt(_load, one_file(), "parse", cache_dir)


def test_workbook_procedures_are_cached_as_the_bytes_they_were_built_to(tmp_path, cache_dir, monkeypatch):
    """A workbook's procedures are kept as the bytes each process pickled them to; spoilt, the file is ignored."""
    from simplify.catalog.excel_writer import write_workbook
    from simplify.model import evolve
    from conftest import REPO

    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")  # the workbook's is then the only cache file
    catalog, _ = load_catalog(REPO / "tests" / "data" / "mini")
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(cache_dir))
    book = tmp_path / "mini.xlsx"
    write_workbook(catalog, book)

    def spoil(file):
        stored = pickle.loads(file.read_bytes())  # the procedures read back from their segments, as a tuple
        ((name, (key, cached, diags)),) = stored[3].items()
        assert cached.procedures == catalog.procedures
        spoilt = cache_module.pickled_tuple(list(cached.procedures), [b"\x80\x05garbage"])
        stored[3][name] = (key, evolve(cached, procedures=spoilt), diags)
        with open(file, "wb") as handle:
            cache_module.dump(stored, handle)

    _load(book)
    (cache_file,) = cache_dir.glob("parse-*.pickle")
    assert b"_joined" in cache_file.read_bytes()  # written as its segments, not procedure by procedure
    _forget_recent()
    _corrupt_cache_is_ignored_and_rebuilt(_load, book, "parse", cache_dir, spoil)


# -- the analysis cache ----------------------------------------------------------------------------

def _audit(path, cost_model=None) -> str:
    """`audit --format json` of the catalogue at `path`, in process."""
    from simplify.analysis import analyse
    from simplify.catalog.loader import require_catalog
    from simplify.commands.request import Request
    from simplify.commands.pipeline import load_settings
    from simplify.report.json_report import render

    catalog, _ = require_catalog(path)
    settings = load_settings(Request(path=path, cost_model=cost_model), catalog)
    return render(analyse(catalog, settings), "vi")


def _forget_recent():
    """Make the next load read the cache files, not what this process last read or wrote."""
    cache_module.ParseCache._recent.clear()
    cache_module.TopCache._recent.clear()
    cache_module.AnalysisCache._recent.clear()
    cache_module._ProjectedCache._recent.clear()
    cache_module.JsonCache._recent.clear()


def _spy_on_examine(monkeypatch) -> list:
    """The `only` argument of every call of the rule engine (None: the whole catalogue)."""
    import simplify.rules.engine as engine

    calls = []
    real = engine.examine
    monkeypatch.setattr(engine, "examine", lambda *a, **k: calls.append(a[4] if len(a) > 4 else k.get("only")) or real(*a, **k))
    return calls


def synthetic_maker():
    """benchmarks/make_catalog.py as a module."""
    import importlib.util

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("make_catalog", REPO / "benchmarks" / "make_catalog.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    return maker


def _synthetic(folder, n=80):
    maker = synthetic_maker()
    maker.write_yaml_folder(maker.generate(n, 3), folder)
    return folder


def test_audit_identical_with_and_without_cache(mini_copy, cache_dir, monkeypatch):
    calls = _spy_on_examine(monkeypatch)
    without, cold, warm = _without_cold_warm(_audit, mini_copy, "analysis", cache_dir, monkeypatch)
    assert calls == [None, None]  # the warm run took every procedure's findings from the cache
    assert without == cold == warm
    assert json.loads(warm)["findings"]


def test_one_changed_file_reanalyses_it_and_its_neighbours_only(tmp_path, cache_dir, monkeypatch):
    root = _synthetic(tmp_path / "cat")
    first = json.loads(_audit(root))
    # A procedure whose outputs other procedures ask for stops issuing them: its consumers' once-only
    # findings (ONCE002) change, though their own files did not.
    catalog, _ = load_catalog(root)
    asked = {d.evidence: p.code for p in catalog.procedures for d in p.documents}
    supplier = next(p for p in catalog.procedures if any(asked.get(o.evidence, p.code) != p.code for o in p.outputs))
    consumers = {q.code for q in catalog.procedures if q.code != supplier.code
                 and {d.evidence for d in q.documents} & {o.evidence for o in supplier.outputs}}
    file = root / supplier.location.file
    text = file.read_text(encoding="utf-8")
    head, _, tail = text.partition("\noutputs:\n")
    assert tail, "the chosen procedure lists its outputs"
    rest = tail.split("\n")
    while rest and rest[0].startswith(("  ", "-")):
        rest.pop(0)
    file.write_text(head + "\n" + "\n".join(rest), encoding="utf-8")

    _forget_recent()
    calls = _spy_on_examine(monkeypatch)
    warm = _audit(root)
    (only,) = calls
    assert supplier.code in only and consumers <= only
    assert len(only) < len(catalog.procedures) // 2
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    assert warm == _audit(root)

    def of_consumers(audit):
        return [f for f in audit["findings"] if f["procedure"] in consumers]

    assert of_consumers(json.loads(warm)) != of_consumers(first)


def test_warm_run_writes_no_cache_file(mini_copy, cache_dir):
    _audit(mini_copy)
    written = {f.name: (f.stat().st_mtime_ns, f.stat().st_ino) for f in cache_dir.iterdir()}
    assert {name.split("-")[0] for name in written} == {"top", "parse", "analysis", "projected"}
    _forget_recent()
    _audit(mini_copy)
    assert {f.name: (f.stat().st_mtime_ns, f.stat().st_ino) for f in cache_dir.iterdir()} == written


def test_changed_cost_model_reprices_everything(mini_copy, cache_dir, monkeypatch, tmp_path):
    from simplify.resources import defaults_dir

    _audit(mini_copy)
    model = tmp_path / "cost_model.yaml"
    model.write_text((defaults_dir() / "cost_model.yaml").read_text(encoding="utf-8")
                     .replace("citizen: 44000", "citizen: 50000"), encoding="utf-8")
    _forget_recent()
    calls = _spy_on_examine(monkeypatch)
    cached = _audit(mini_copy, model)
    assert calls == [None]
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    assert cached == _audit(mini_copy, model)


def test_corrupt_analysis_cache_is_ignored_and_rebuilt(mini_copy, cache_dir):
    _corrupt_cache_is_ignored_and_rebuilt(_audit, mini_copy, "analysis", cache_dir)


def test_stale_analysis_entry_is_worked_out_again(mini_copy, cache_dir, monkeypatch):
    expected = _audit(mini_copy)
    (cache_file,) = cache_dir.glob("analysis-*.pickle")
    stored = pickle.loads(cache_file.read_bytes())
    code = next(c for c in stored[3] if c is not None)
    key, cost, findings = stored[3][code]
    assert findings.count
    stored[3][code] = (bytes(len(key)), cost, ())  # as if written for other inputs, with other findings
    with open(cache_file, "wb") as handle:
        cache_module.dump(stored, handle)
    _forget_recent()
    calls = _spy_on_examine(monkeypatch)
    assert _audit(mini_copy) == expected
    assert calls == [{code}]


def test_old_cache_files_are_pruned(mini_copy, cache_dir):
    cache_dir.mkdir(parents=True)
    for i in range(cache_module.KEEP + 5):
        old = cache_dir / f"parse-old{i:02d}.pickle"
        old.write_bytes(b"")
        os.utime(old, ns=(i, i))  # long ago
    _load(mini_copy)
    kept = sorted(f.name for f in cache_dir.glob("parse-*.pickle"))
    assert len(kept) == cache_module.KEEP
    assert [name for name in kept if "old" in name] == [f"parse-old{i:02d}.pickle" for i in range(6, cache_module.KEEP + 5)]


# -- the JSON cache ----------------------------------------------------------------------------------

@pytest.mark.parametrize("show_waived", [False, True])
def test_findings_json_is_what_encoding_the_findings_gives(cache_dir, monkeypatch, show_waived):
    """Pieces of compact JSON, made or from the JSON cache, give byte for byte the document's own encoding
    (the bundled catalogue has waived findings: left out, or kept with --show-waived)."""
    import orjson

    from simplify.analysis import analyse
    from simplify.catalog.loader import require_catalog
    from simplify.commands.pipeline import load_settings
    from simplify.commands.request import Request
    from simplify.report.json_report import audit_document, findings_json
    from conftest import REPO

    path = REPO / "procedures_catalog"

    def both(lang):
        catalog, _ = require_catalog(path)
        analysis = analyse(catalog, load_settings(Request(path=path, show_waived=show_waived), catalog))
        assert sum(f.waived for f in analysis.findings) == 5
        return (orjson.dumps(audit_document(analysis, lang)),
                orjson.dumps(audit_document(analysis, lang, findings_json(analysis, lang))))

    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    plain, pieces = both("en")
    assert pieces == plain
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(cache_dir))
    assert both("en") == (plain, plain)  # cold: made and kept
    assert len(list(cache_dir.glob("json-*.pickle"))) == 1
    _forget_recent()
    assert both("en") == (plain, plain)  # warm: from the JSON cache
    vi, vi_pieces = both("vi")  # another language has a file of its own
    assert vi_pieces == vi != plain
    assert len(list(cache_dir.glob("json-*.pickle"))) == 2


def test_warm_compact_audit_reads_no_finding(tmp_path, cache_dir, monkeypatch):
    """A warm audit past the compact size takes every finding's JSON from the JSON cache: none is unpickled."""
    from simplify.rules.finding import Part
    from simplify.report import jsontext

    root = _synthetic(tmp_path / "cat", n=40)
    monkeypatch.setattr(jsontext, "PRETTY_UP_TO", 10)
    cold = _audit(root)
    _forget_recent()
    opened = []
    real = Part.findings
    monkeypatch.setattr(Part, "findings", lambda self: opened.append(self.procedure) or real(self))
    assert _audit(root) == cold
    assert opened == []
    assert json.loads(cold)["findings"]
