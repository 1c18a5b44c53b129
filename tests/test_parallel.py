"""Work split across forked processes gives exactly what one process gives, even when a child fails."""

from __future__ import annotations

import itertools
import os

import pytest

from simplify import parallel

from test_cache import _synthetic, synthetic_maker

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="work is split by forking")


@pytest.fixture
def three_jobs(monkeypatch):
    monkeypatch.setenv("SIMPLIFY_JOBS", "3")


def test_shares_come_back_in_order_from_other_processes(three_jobs):
    joined = parallel.split_map(lambda share: [(x * x, os.getpid()) for x in share], list(range(1000)), 100)
    assert [v for v, _ in joined] == [x * x for x in range(1000)]
    runs = [pid for pid, _ in itertools.groupby(pid for _, pid in joined)]  # one run of results per share
    assert len(runs) == 3 and len(set(runs)) == 3 and runs[0] == os.getpid()


def test_a_small_input_is_not_split(three_jobs):
    assert parallel.split_map(lambda share: [os.getpid()] * len(share), list(range(150)), 100) == [os.getpid()] * 150


@pytest.mark.parametrize("failure", ["raise", "exit", "kill"])
def test_a_failed_child_has_its_share_done_here(three_jobs, failure):
    parent = os.getpid()

    def work(share):
        if os.getpid() != parent and share[0] >= 500:
            if failure == "raise":
                raise MemoryError
            if failure == "exit":
                os._exit(3)
            os.kill(os.getpid(), 9)
        return [x + 1 for x in share]

    assert parallel.split_map(work, list(range(900)), 100) == list(range(1, 901))


@pytest.mark.parametrize("while_", ["working", "waiting"])
def test_interrupted_here_leaves_no_child_running(three_jobs, while_):
    """Interrupted while doing its own share or while waiting for a child's, this process kills its children."""
    import signal
    import time

    parent = os.getpid()
    started = []

    def work(share):
        if os.getpid() != parent:
            time.sleep(30)
        elif while_ == "working":
            time.sleep(30)
        return list(share)

    real_start = parallel._start

    def start(work, share):
        child = real_start(work, share)
        started.append(child[0])
        return child

    class Interrupted(Exception):
        pass

    def interrupt(*_):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        parallel._start = start
        began = time.monotonic()
        with pytest.raises(Interrupted):
            parallel.split_map(work, list(range(900)), 100)
        assert time.monotonic() - began < 5
    finally:
        parallel._start = real_start
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    parallel._reap(block=True)
    assert len(started) == 2
    for pid in started:  # killed and collected: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv("SIMPLIFY_JOBS", "1")
    assert parallel.jobs() == 1
    assert parallel.split_map(lambda share: [os.getpid()], list(range(5000)), 10) == [os.getpid()]


def _spy_on_starts(monkeypatch) -> list:
    """The size of every share given to a forked child."""
    started = []
    real_start = parallel._start
    monkeypatch.setattr(parallel, "_start", lambda work, share: started.append(len(share)) or real_start(work, share))
    return started


def test_a_national_shaped_catalogue_gives_the_same_audit_split_or_not(tmp_path, monkeypatch, cli):
    def _run(*args):
        return cli(*args, "--no-progress", "--lang", "en")

    root = _synthetic(tmp_path / "cat", n=1200)
    broken = sorted((root / "procedures").iterdir())[7::400]
    for file in broken:  # located errors from files parsed in different processes, all reported, in order
        file.write_text(file.read_text(encoding="utf-8").replace("kind:", "kind: [", 1), encoding="utf-8")
    started = _spy_on_starts(monkeypatch)
    runs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("SIMPLIFY_JOBS", jobs)
        monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
        runs[jobs, "validate"] = _run("validate", str(root))
        for file in broken:
            file.write_text(file.read_text(encoding="utf-8").replace("kind: [", "kind:", 1), encoding="utf-8")
        runs[jobs, "audit"] = _run("audit", str(root), "--format", "json")
        monkeypatch.setenv("SIMPLIFY_CACHE_DIR", str(tmp_path / f"cache{jobs}"))
        runs[jobs, "cold"] = _run("audit", str(root), "--format", "json")
        runs[jobs, "warm"] = _run("audit", str(root), "--format", "json")
        for file in broken:
            file.write_text(file.read_text(encoding="utf-8").replace("kind:", "kind: [", 1), encoding="utf-8")
    # split in the second round only: reading the files (validate, audit, cold, warm; parsing them in the
    # first three) and finding (audit, cold)
    assert len(started) == 6
    code, _, errors = runs["1", "validate"]
    assert code == 2 and errors.count("E10") == len(broken)
    assert runs["2", "validate"] == runs["1", "validate"]
    assert runs["1", "audit"][0] == 0 and runs["1", "audit"][1].startswith("{")
    assert runs["1", "audit"] == runs["1", "cold"] == runs["1", "warm"] == runs["2", "audit"] == runs["2", "cold"] \
        == runs["2", "warm"]
    # the background writers left every cache file before the command ended
    assert {f.name.split("-")[0] for f in (tmp_path / "cache2").iterdir()} == {"top", "parse", "analysis", "projected", "json"}


def test_cache_writes_outside_a_command_happen_at_once(tmp_path):
    written = []
    parallel.later(lambda: written.append("write"), lambda: written.append("then"))
    assert written == ["write", "then"]


def test_a_workbook_gives_the_same_catalogue_split_or_not(tmp_path, monkeypatch, cli):
    maker = synthetic_maker()
    book = maker.write_workbook(maker.generate(450, 5), tmp_path / "catalog.xlsx")
    started = _spy_on_starts(monkeypatch)
    runs = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("SIMPLIFY_JOBS", jobs)
        runs[jobs] = cli("audit", str(book), "--format", "json", "--no-progress")
    assert runs["1"][0] == 0 and '"procedures": 450' in runs["1"][1]
    assert runs["2"] == runs["1"]
    assert len(started) == 1  # the procedures were built in two processes in the second run


def test_only_this_process_shows_progress(tmp_path, monkeypatch):
    from simplify.catalog.loader import load_catalog

    root = _synthetic(tmp_path / "cat", n=900)
    monkeypatch.setenv("SIMPLIFY_JOBS", "2")
    monkeypatch.setenv("SIMPLIFY_CACHE_DIR", "")
    log = tmp_path / "progress"

    def progress(done, total):  # a file, so that a child's calls would be seen here too
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {done} {total}\n")

    catalog, _ = load_catalog(root, progress=progress)
    calls = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(catalog.procedures) == 900 and len(calls) > 3
    assert {pid for pid, _, _ in calls} == {str(os.getpid())}
    done = [int(d) for _, d, _ in calls]
    assert done == sorted(done) and calls[-1][1:] == ["900", "900"]
