"""Measure simplify at national scale against the parse floor, and print one table.

For each size (default 1,000, 5,000 and 20,000 procedures) it makes the
synthetic catalogue of make_catalog.py (kept under bench-out/ between runs),
measures the floor in this process — a bare libyaml parse of the same files,
and python-calamine's raw read of the workbook — then runs each command as a
child process, cold (empty cache) and warm (the cache of the cold run), and
reports seconds, the ratio to the floor and the child's peak memory. On a
shared machine wall time depends on what else runs, so CPU time (user +
system) is reported too, with its own ratio to the floor's CPU time.

    python benchmarks/run.py [--sizes 1000 5000 20000] [--out bench-out] [--repeat 1]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    peak_mb: float | None = None


def _timed(work) -> Timing:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def _read_once(files: list[Path]) -> None:
    """Read the files before timing anything: neither the floor nor the commands after it then wait for
    the disk (once, the floor took 9.2 s of wall time for 8.0 s of CPU, reading files evicted from memory)."""
    for f in files:
        f.read_bytes()


def yaml_floor(folder: Path) -> Timing:
    """Time to parse every file of the folder with libyaml's safe loader, nothing else."""
    import yaml

    files = [folder / "catalog.yaml", folder / "evidence_types.yaml", folder / "databases.yaml"]
    files += sorted((folder / "procedures").glob("*.yaml"))
    _read_once(files)

    def parse() -> None:
        for f in files:
            yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)

    return _timed(parse)


def calamine_floor(workbook: Path) -> Timing:
    """Time for python-calamine to read every row of every sheet."""
    from python_calamine import CalamineWorkbook

    _read_once([workbook])

    def read() -> None:
        book = CalamineWorkbook.from_path(str(workbook))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()

    return _timed(read)


def run_child(args: list[str], env: dict[str, str], timeout: float) -> Timing | None:
    """Wall and CPU time and peak resident memory of `python -m simplify ARGS`; None past `timeout` seconds."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, "-m", "simplify", *args], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=errors)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                sys.stderr.write(f"  {' '.join(args)}: stopped after {timeout:.0f} s\n")
                return None
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            errors.seek(0)
            sys.stderr.write(f"  {' '.join(args)} exited {proc.returncode}: {errors.read().decode()[-500:]}\n")
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def ensure_catalogue(n: int, out: Path) -> Path:
    target = out / f"n{n}"
    if not (target / "yaml" / "catalog.yaml").is_file() or not (target / "catalog.xlsx").is_file():
        subprocess.run([sys.executable, str(HERE / "make_catalog.py"), str(n), "--seed", "1", str(target)], check=True,
                       stdout=subprocess.DEVNULL)
    return target


def _fastest(timings: list[Timing | None]) -> Timing | None:
    if None in timings:
        return None
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings),
                  max((t.peak_mb for t in timings if t.peak_mb is not None), default=None))


def measure(n: int, out: Path, repeat: int, timeout: float, only: list[str] | None = None) -> list[tuple]:
    target = ensure_catalogue(n, out)
    folder, workbook = target / "yaml", target / "catalog.xlsx"
    floor = _fastest([yaml_floor(folder) for _ in range(repeat)])
    xfloor = _fastest([calamine_floor(workbook) for _ in range(repeat)])
    rows = [(n, "floor: libyaml parse", floor, floor, None, None),
            (n, "floor: calamine read", xfloor, xfloor, None, None)]
    report = Path(tempfile.mkdtemp()) / "report.xlsx"
    commands = [
        ("validate", ["validate", str(folder), "--no-progress", "--quiet"], floor),
        ("audit --format json", ["audit", str(folder), "--format", "json", "--no-progress", "--quiet"], floor),
        ("report", ["report", str(folder), "--output", str(report), "--no-progress", "--quiet"], floor),
        ("check --baseline", ["check", str(folder), "--baseline", str(folder), "--exit-zero", "--format", "json",
                              "--no-progress", "--quiet"], floor),
        ("validate workbook", ["validate", str(workbook), "--quiet"], xfloor),
    ]
    for label, args, base in commands:
        if only and label not in only:
            continue
        colds, warms = [], []
        for _ in range(repeat):
            cache = tempfile.mkdtemp(prefix="simplify-bench-cache-")
            env = {**os.environ, "SIMPLIFY_CACHE_DIR": cache}
            colds.append(run_child(args, env, timeout))  # empty cache
            warms.append(run_child(args, env, timeout) if colds[-1] else None)  # the cache the cold run left
            shutil.rmtree(cache, ignore_errors=True)
        cold, warm = _fastest(colds), _fastest(warms)
        rows.append((n, label, base, cold, warm, max((t.peak_mb for t in (cold, warm) if t), default=None)))
    return rows


def _cells(t: Timing | None, base: Timing, timeout: float) -> list[str]:
    """Seconds, ratio to the floor, and CPU seconds with their ratio; a run stopped at the timeout says so."""
    if t is None:
        return [f"> {timeout:.0f}", "stopped", ""]
    return [f"{t.wall:.2f}", f"{t.wall / base.wall:.2f}x", f"{t.cpu:.2f} ({t.cpu / base.cpu:.2f}x)"]


def version_time() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simplify", "--version"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--out", type=Path, default=REPO / "bench-out")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900, help="seconds a command may run before it is stopped")
    parser.add_argument("--only", nargs="+", metavar="WHAT",
                        help="only these rows, as the table names them (e.g. 'audit --format json' 'validate workbook')")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        rows += measure(n, args.out, args.repeat, args.timeout, args.only)
    print("| procedures | what | cold s | cold / floor | warm s | warm / floor | cold CPU s (/ floor) "
          "| warm CPU s (/ floor) | peak MB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, label, base, cold, warm, peak in rows:
        floor = cold is base
        cold_cells = _cells(cold, base, args.timeout)
        warm_cells = ["", "", ""] if floor or cold is None else _cells(warm, base, args.timeout)
        cells = [f"{n:,}", label, cold_cells[0], cold_cells[1], warm_cells[0], warm_cells[1], cold_cells[2],
                 warm_cells[2], "" if peak is None else f"{peak:.0f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\n`simplify --version`: {min(version_time() for _ in range(3)):.3f} s")


if __name__ == "__main__":
    main()
