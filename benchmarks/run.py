"""Measure simplify at national scale against the parse floor, and print one table.

For each size (default 1,000, 5,000 and 20,000 procedures) it makes the
synthetic catalogue of make_catalog.py (kept under bench-out/ between runs),
measures the floor in this process — a bare libyaml parse of the same files,
and python-calamine's raw read of the workbook — then runs each command as a
child process, cold (empty parse cache) and warm (the cache of the cold run),
and reports seconds, the ratio to the floor and the child's peak memory.

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
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def yaml_floor(folder: Path) -> float:
    """Seconds to parse every file of the folder with libyaml's safe loader, nothing else."""
    import yaml

    files = [folder / "catalog.yaml", folder / "evidence_types.yaml", folder / "databases.yaml"]
    files += sorted((folder / "procedures").glob("*.yaml"))
    gc.collect()
    started = time.perf_counter()
    for f in files:
        yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - started


def calamine_floor(workbook: Path) -> float:
    """Seconds for python-calamine to read every row of every sheet."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(workbook))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - started


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak resident MB, exit code) of `python -m simplify ARGS`."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "simplify", *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"  {' '.join(args)} exited {proc.returncode}: {proc.stderr.read().decode()[-500:]}\n")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def ensure_catalogue(n: int, out: Path) -> Path:
    target = out / f"n{n}"
    if not (target / "yaml" / "catalog.yaml").is_file() or not (target / "catalog.xlsx").is_file():
        subprocess.run([sys.executable, str(HERE / "make_catalog.py"), str(n), "--seed", "1", str(target)], check=True,
                       stdout=subprocess.DEVNULL)
    return target


def measure(n: int, out: Path, repeat: int) -> list[tuple]:
    target = ensure_catalogue(n, out)
    folder, workbook = target / "yaml", target / "catalog.xlsx"
    floor = min(yaml_floor(folder) for _ in range(repeat))
    xfloor = min(calamine_floor(workbook) for _ in range(repeat))
    rows = [(n, "floor: libyaml parse", floor, 1.0, None, None, None),
            (n, "floor: calamine read", xfloor, 1.0, None, None, None)]
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
        colds, warms = [], []
        for _ in range(repeat):
            cache = tempfile.mkdtemp(prefix="simplify-bench-cache-")
            env = {**os.environ, "SIMPLIFY_CACHE_DIR": cache}
            colds.append(run_child(args, env))  # empty parse cache
            warms.append(run_child(args, env))  # the cache the cold run left
            shutil.rmtree(cache, ignore_errors=True)
        cold, warm = min(colds), min(warms)
        rows.append((n, label, cold[0], cold[0] / base, warm[0], warm[0] / base, max(cold[1], warm[1])))
    return rows


def version_time() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simplify", "--version"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--out", type=Path, default=REPO / "bench-out")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        rows += measure(n, args.out, args.repeat)
    print("| procedures | what | cold s | cold / floor | warm s | warm / floor | peak MB |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, label, cold, cold_ratio, warm, warm_ratio, peak in rows:
        cells = [f"{n:,}", label, f"{cold:.2f}", f"{cold_ratio:.2f}x",
                 "" if warm is None else f"{warm:.2f}", "" if warm_ratio is None else f"{warm_ratio:.2f}x",
                 "" if peak is None else f"{peak:.0f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\n`simplify --version`: {min(version_time() for _ in range(3)):.3f} s")


if __name__ == "__main__":
    main()
