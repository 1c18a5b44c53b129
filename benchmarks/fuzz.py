"""A long fuzz run of the catalogue loaders, with the strategies and checks of tests/test_fuzz_*.py.

The suite runs a hundred or so derandomised cases per loader; this runs as
many as asked, with fresh random seeds, round robin over four targets: the
folder form of the mini catalogue (`folder`), the same catalogue as one YAML
file (`file`) and as a workbook (`workbook`); and mutated files for the line
reader of plain block YAML (`lines`). Each case must load to a model or to
located diagnostics within its time bound (tests/test_fuzz_yaml.py says
exactly what is checked); a `lines` case must read as libyaml reads it, or be
left to libyaml (tests/test_yaml_block.py). Cases run in batches in a child process, so that a
crash of the interpreter itself (a segmentation fault in a C library) is a
finding like any other instead of the end of the run.

Usage: python benchmarks/fuzz.py [--examples 5000] [--seconds 600] [--targets folder,file,workbook,lines]
                                 [--batch 100] [--seed N] [--findings DIR]

Prints the cases run per target, the time, and each distinct finding (what
failed, where, and the folder holding a reproducer: load it with
`python -m simplify validate DIR/...`). Exit 1 when there are findings.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("SIMPLIFY_CACHE_DIR", tempfile.mkdtemp(prefix="simplify-fuzz-cache-"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

import test_fuzz_workbook as fw  # noqa: E402
import test_fuzz_yaml as fy  # noqa: E402
import test_yaml_block as fl  # noqa: E402

TARGETS = {
    "folder": (fy.folder_cases, fy.check_yaml_case),
    "file": (fy.single_file_cases, fy.check_yaml_case),
    "workbook": (fw.workbook_cases, fw.check_workbook_case),
    "lines": (fl.mutated_texts, fl.same_as_libyaml),
}


def save_case(target: str, case, folder: Path) -> Path:
    """Write a case where `simplify validate` can load it; the path to give it."""
    folder.mkdir(parents=True, exist_ok=True)
    if target == "workbook":
        path = folder / fw.NAME
        path.write_bytes(case)
        return path
    if target == "lines":
        path = folder / "case.yaml"
        path.write_bytes(case.encode("utf-8", "surrogatepass"))
        return path
    root, _ = fy.materialise(case, folder)
    return root


def run_batch(target: str, examples: int, batch_seed: int, findings_dir: Path, pipe) -> None:
    """In a child process: `examples` cases of `target`; sends back (cases run, findings)."""
    strategy, check = TARGETS[target]
    found: list[dict] = []
    count = [0]
    in_flight = findings_dir / f"in-flight-{target}-{batch_seed}"

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(batch_seed)
    @given(strategy())
    def batch(case) -> None:
        count[0] += 1
        save_case(target, case, in_flight)  # what the parent reports if this case kills the process
        try:
            check(case)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            inner = next((f for f in reversed(frames) if "/simplify/" in f.filename), frames[-1])
            where = f"{Path(inner.filename).name}:{inner.lineno} in {inner.name}"
            message = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
            found.append({"target": target, "kind": type(exc).__name__, "where": where, "message": message,
                          "case": case})
        finally:
            shutil.rmtree(in_flight, ignore_errors=True)

    batch()
    pipe.send((count[0], [dict(f, case=None, reproducer=str(_keep(f, findings_dir))) for f in found]))
    pipe.close()


def _keep(finding: dict, findings_dir: Path) -> Path:
    key = "\n".join((finding["kind"], finding["where"], finding["message"])).encode("utf-8", "replace")
    folder = findings_dir / f"{finding['target']}-{zlib.crc32(key):08x}"
    return save_case(finding["target"], finding["case"], folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="cases to run in all (default 5000)")
    parser.add_argument("--seconds", type=float, default=600, help="stop starting batches after this (default 600)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: " + ", ".join(TARGETS))
    parser.add_argument("--batch", type=int, default=100, help="cases per child process (default 100)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the first batch (default: random)")
    parser.add_argument("--findings", type=Path, default=Path("bench-out/fuzz"), help="where reproducers go")
    args = parser.parse_args(argv)
    targets = [t for t in args.targets.split(",") if t]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown or not targets:
        parser.error(f"unknown target {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    first_seed = args.seed if args.seed is not None else random.randrange(2**32)
    args.findings.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    counts = dict.fromkeys(targets, 0)
    findings: dict[tuple, dict] = {}
    started = time.monotonic()
    batch_index = 0
    while sum(counts.values()) < args.examples and time.monotonic() - started < args.seconds:
        target = targets[batch_index % len(targets)]
        size = min(args.batch, args.examples - sum(counts.values()))
        batch_seed = first_seed + batch_index
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=run_batch, args=(target, size, batch_seed, args.findings, sender))
        child.start()
        sender.close()
        try:
            ran, found = receiver.recv()
            child.join()
        except EOFError:  # the child died without a word: the interpreter crashed on a case
            child.join()
            in_flight = args.findings / f"in-flight-{target}-{batch_seed}"
            ran, found = size, [{"target": target, "kind": f"process died (exit {child.exitcode})",
                                 "where": f"batch seed {batch_seed}", "message": "", "reproducer": str(in_flight)}]
        counts[target] += ran
        for f in found:
            findings.setdefault((f["target"], f["kind"], f["where"], f["message"]), f)
        batch_index += 1
        print(f"\r{sum(counts.values()):,} cases, {time.monotonic() - started:,.0f} s, {len(findings)} findings",
              end="", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - started
    print(file=sys.stderr)
    per_target = ", ".join(f"{t} {n:,}" for t, n in counts.items())
    print(f"fuzz: {sum(counts.values()):,} cases in {elapsed:,.1f} s ({per_target}); seeds {first_seed}..{first_seed + batch_index - 1}")
    if not findings:
        print("findings: none")
        return 0
    print(f"findings: {len(findings)}")
    for f in findings.values():
        print(f"- [{f['target']}] {f['kind']} at {f['where']}: {f['message']}")
        print(f"  reproducer: {f['reproducer']}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
