"""Fuzzing the YAML loaders: hostile mutations of the mini catalogue end in a model or located diagnostics.

Each case starts from tests/data/mini (the folder form, or the same data as
one file), changes its parsed data (deleted keys, wrong types, huge numbers,
NaN and infinities, empty strings, deep nesting, random Unicode with RTL
overrides, combining marks, NUL and other control characters), dumps it, then
changes the text or the bytes (BOMs, CRLF and CR line ends, duplicated lines
and so duplicate keys, anchors and aliases, tabs, truncation, invalid UTF-8).
Whatever comes out, loading must give either a catalogue with no errors or
no catalogue and at least one error, every diagnostic located to a file of
the catalogue and a line in it, within a bounded time; a catalogue that loads
is analysed with the default rules and written as the JSON report. The
strategies and `check_yaml_case` are shared with benchmarks/fuzz.py, which
runs them for much longer.
"""

from __future__ import annotations

import atexit
import copy
import functools
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simplify.analysis import analyse
from simplify.catalog.loader import load_catalog
from simplify.diagnostics import Diagnostic
from simplify.model import (
    CatalogInfo, Database, Document, EvidenceType, Fee, LegalRef, Output, Procedure, Step, Waiver, format_fields,
)
from simplify.report.json_report import render

MINI = Path(__file__).resolve().parent / "data" / "mini"
FILES = tuple(sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml")))
ORIGINAL = {rel: (MINI / rel).read_bytes() for rel in FILES}
DATA = {rel: yaml.safe_load(ORIGINAL[rel]) for rel in FILES}
SINGLE_NAME = "catalog-in-one-file.yaml"
SINGLE = {
    "catalog": DATA["catalog.yaml"],
    "evidence_types": DATA["evidence_types.yaml"]["evidence_types"],
    "databases": DATA["databases.yaml"]["databases"],
    "procedures": [DATA[rel] for rel in FILES if rel.startswith("procedures/")],
}
SECONDS_PER_CASE = 10.0

# Suite runs are derandomised so that a red build always points at a change; benchmarks/fuzz.py explores.
SUITE = settings(
    max_examples=80, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- what to put in a catalogue ------------------------------------------------------

HOSTILE_CHARS = (
    "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\xa0\u200b\u200e\u200f\u202a\u202e\u2066\u2028\u2029"
    "\ufeff\ufffe\uffff\u0301\u0323\u0303\U0001f600\U000e0001"
    "ăâđêôơưĐẮờỹ:#&*!|>'\"%@`{}[],-?~=+ \\/."
)
hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(codec="utf-8")), max_size=16,
)
KNOWN_WORDS = (
    "giay_khai_sinh", "to_khai", "cccd", "bao_cao", "dan_cu", "submit", "prepare", "receive", "draft", "send",
    "external", "internal", "citizen", "business", "agency", "applicant", "commune", "online", "counter", "post",
    "1.000001", "1.000002", "có", "không", "x", "DOC001",
)
ODD_WORDS = (
    "", " ", "\t", "abc", "=1+1", "@SUM(A1)", "-1", "+1", "yes", "null", "~", ".nan", "0x1F", "1_000",
    "190:20:30", "2024-13-45", "\u202eevil", "a\u0301", "\x00", "\ufeff", "\U0001f600", "x" * 300,
)
NUMBERS = (0, -1, -0.0, 0.5, 1.4, 1e15, 1e16, 1e308, -1e308, 10**30, -(10**30), 2**64,
           float("nan"), float("inf"), float("-inf"))
scalars = st.one_of(
    st.sampled_from((None, True, False, *NUMBERS, *KNOWN_WORDS, *ODD_WORDS)),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    hostile_text,
)


def nested(depth: int, leaf: object = 1) -> object:
    """Mappings and lists inside each other, `depth` deep."""
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


values = st.one_of(
    scalars,
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                 max_leaves=6),
    st.integers(min_value=1, max_value=300).map(nested),
)
KEYS = tuple(sorted({f.name for cls in (CatalogInfo, EvidenceType, Database, Procedure, Step, Document, Fee, Output,
                                        Waiver, LegalRef) for f in format_fields(cls)}
                    | {"catalog", "evidence_types", "databases", "procedures", "baseline", "procedure"}))
keys = st.one_of(st.sampled_from(KEYS), hostile_text)


# -- mutations of the parsed data --------------------------------------------------------


@st.composite
def mutated_data(draw, data: object) -> object:
    """`data` with one to four structural changes, each somewhere inside it."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        holder = data
        while True:  # walk down to a random container
            children = list(holder.values() if isinstance(holder, dict) else holder)
            inner = [c for c in children if isinstance(c, (dict, list))]
            if not inner or draw(st.booleans()):
                break
            holder = draw(st.sampled_from(inner))
        _change(draw, holder)
    return data


def _change(draw, holder: dict | list) -> None:
    if isinstance(holder, dict):
        op = draw(st.sampled_from(("delete", "replace", "add", "rename")) if holder else st.just("add"))
        if op == "add":
            holder[draw(keys)] = draw(values)
            return
        key = draw(st.sampled_from(sorted(holder, key=str)))
        if op == "delete":
            del holder[key]
        elif op == "replace":
            holder[key] = draw(values)
        else:
            holder[draw(keys)] = holder.pop(key)
        return
    op = draw(st.sampled_from(("delete", "replace", "duplicate", "append", "clear")) if holder else st.just("append"))
    if op == "append":
        holder.append(draw(values))
    elif op == "clear":
        holder.clear()
    else:
        i = draw(st.integers(min_value=0, max_value=len(holder) - 1))
        if op == "delete":
            del holder[i]
        elif op == "replace":
            holder[i] = draw(values)
        else:
            holder.insert(i, copy.deepcopy(holder[i]))


# -- mutations of the text and the bytes -------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*(?:- )?[^\s:#'\"][^:#]*:)( .*)?$")
BOMB = "".join(f"zz{i}: &zz{i} [{', '.join([f'*zz{i - 1}'] * 9)}]\n" if i else "zz0: &zz0 [a, b, c, d, e, f, g, h, i]\n"
               for i in range(9))


@st.composite
def mutated_text(draw, text: str) -> bytes:
    """The YAML text with up to three textual changes, encoded (sometimes badly)."""
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        text = _edit(draw, text)
    data = text.encode("utf-8", "surrogatepass")
    encoding = draw(st.sampled_from(("utf-8",) * 6 + ("bom", "utf-16", "bad-byte", "truncated")))
    if encoding == "bom":
        return b"\xef\xbb\xbf" + data
    if encoding == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if encoding == "bad-byte":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        return data[:at] + draw(st.sampled_from((b"\xff", b"\xc3", b"\xe1\x80", b"\xed\xa0\x80", b"\xc0\xaf"))) + data[at:]
    if encoding == "truncated":
        return data[:draw(st.integers(min_value=0, max_value=len(data)))]
    return data


def _edit(draw, text: str) -> str:
    lines = text.split("\n")
    op = draw(st.sampled_from(("crlf", "cr", "insert", "delete", "duplicate-line", "tab", "anchor-alias", "deep",
                               "bomb", "second-document")))
    at = draw(st.integers(min_value=0, max_value=len(text)))
    i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if op == "crlf":
        return text.replace("\n", "\r\n")
    if op == "cr":
        return text.replace("\n", "\r")
    if op == "insert":
        return text[:at] + draw(hostile_text) + text[at:]
    if op == "delete":
        return text[:at] + text[at + draw(st.integers(min_value=1, max_value=40)):]
    if op == "duplicate-line":
        return "\n".join(lines[:i + 1] + lines[i:])
    if op == "tab":
        lines[i] = re.sub(r"^ +", "\t", lines[i])
        return "\n".join(lines)
    if op == "anchor-alias":
        j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        first, second = _KEY_LINE.match(lines[i]), _KEY_LINE.match(lines[j])
        if first:
            lines[i] = f"{first.group(1)} &a{first.group(2) or ''}"
        if second and j != i:
            lines[j] = f"{second.group(1)} *a"
        return "\n".join(lines)
    if op == "deep":
        n = draw(st.integers(min_value=60, max_value=100_000))
        return text[:at] + "[" * n + "]" * n + text[at:]
    if op == "bomb":
        return text + "\n" + BOMB
    return text + "\n---\n" + text


@st.composite
def folder_cases(draw) -> dict[str, bytes]:
    """Files of the mini catalogue's folder form to replace: relative path -> bytes."""
    chosen = draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=2, unique=True))
    case = {}
    for rel in chosen:
        data = draw(mutated_data(DATA[rel])) if draw(st.integers(0, 4)) else DATA[rel]
        case[rel] = draw(mutated_text(_dump(data)))
    return case


@st.composite
def single_file_cases(draw) -> dict[str, bytes]:
    """The mini catalogue as one YAML file, mutated."""
    return {SINGLE_NAME: draw(mutated_text(_dump(draw(mutated_data(SINGLE)))))}


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


# -- what must hold -------------------------------------------------------------------


class Hang(Exception):
    """A case took longer than its bound."""


@contextmanager
def time_limit(seconds: float):
    """Fail a block that runs longer than `seconds`, even if it swallows the exception the alarm raises."""
    fired = []

    def expire(signum, frame):
        fired.append(True)
        raise Hang(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:
        raise Hang(f"took longer than {seconds:g} s (and the timeout was swallowed)")


@functools.cache
def default_settings():
    """The default rule packs, cost model and targets, read once."""
    from simplify.commands.request import Request
    from simplify.commands.pipeline import load_settings

    return load_settings(Request(path=MINI), None)


def assert_outcome(catalog, diags: list[Diagnostic], located) -> None:
    """A catalogue and no errors, or no catalogue and errors; every diagnostic well formed and `located`."""
    errors = [d for d in diags if d.is_error]
    assert (catalog is None) == bool(errors), (catalog is None, [d.render() for d in diags])
    for d in diags:
        assert re.fullmatch(r"[EW]1\d\d", d.code), d
        assert d.en and d.vi, d
        json.dumps(d.to_dict(), allow_nan=False)
        assert located(d), f"not located: {d.render()}"
    if catalog is not None:
        analysis = analyse(catalog, default_settings())
        json.loads(render(analysis, "en"), parse_constant=_no_constants)


def _no_constants(name: str):
    raise AssertionError(f"the JSON report holds {name}")


def _line_count(data: bytes) -> int:
    text = data.decode("utf-8", "replace")
    return 1 + len(re.findall(r"\r\n|[\r\n\x85\u2028\u2029]", text))


def located_in(files: dict[str, bytes]):
    """A check that a diagnostic names one of `files` and a line and column inside it."""
    def located(d: Diagnostic) -> bool:
        where = d.location
        data = files.get(where.file)
        return (data is not None and where.line is not None and where.column is not None
                and 1 <= where.line <= _line_count(data) + 1 and where.column >= 1)
    return located


def materialise(case: dict[str, bytes], folder: Path) -> tuple[Path, dict[str, bytes]]:
    """Write a case under `folder`: (the path to load, every file of it by its name in diagnostics)."""
    if SINGLE_NAME in case:
        root, files = folder / SINGLE_NAME, dict(case)
    else:
        root, files = folder / "mini", {**ORIGINAL, **case}
    for rel, data in files.items():
        target = (folder if SINGLE_NAME in case else root) / rel
        if _written.get(target) != data:  # most files are as the previous case left them
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            _written[target] = data
    return root, files


_written: dict[Path, bytes] = {}


@functools.cache
def workdir() -> Path:
    """One folder per process that every case is written into (a folder per case costs more than the case)."""
    folder = Path(tempfile.mkdtemp(prefix="simplify-fuzz-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def check_yaml_case(case: dict[str, bytes]) -> None:
    """Load the mini catalogue with `case`'s files replaced (or the single file), and check the outcome.

    The first load does not use the parse cache; the second fills it (or
    is answered from what earlier cases left) and the third reads it: all
    three must give the same catalogue and diagnostics.
    """
    root, files = materialise(case, workdir())
    with time_limit(SECONDS_PER_CASE):
        with cache_switched_off():
            catalog, diags = load_catalog(root)
        assert_outcome(catalog, diags, located_in(files))
        if root.is_dir():
            assert load_catalog(root) == (catalog, diags)
            assert load_catalog(root) == (catalog, diags)


@contextmanager
def cache_switched_off():
    """Load without the parse cache (an empty SIMPLIFY_CACHE_DIR), as a reference for the cached loads."""
    saved = os.environ.get("SIMPLIFY_CACHE_DIR")
    os.environ["SIMPLIFY_CACHE_DIR"] = ""
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SIMPLIFY_CACHE_DIR"]
        else:
            os.environ["SIMPLIFY_CACHE_DIR"] = saved


# -- the tests ----------------------------------------------------------------------------


@SUITE
@given(folder_cases())
def test_mutated_catalogue_folders_load_or_are_located(case):
    check_yaml_case(case)


@settings(SUITE, max_examples=60)
@given(single_file_cases())
def test_mutated_single_file_catalogues_load_or_are_located(case):
    check_yaml_case(case)


def test_regressions_found_by_fuzzing(tmp_path):
    """Cases that once crashed or went unlocated: tagged or huge numbers, control characters, an empty file."""
    khai_sinh = "procedures/1.000001-khai-sinh.yaml"
    text = ORIGINAL[khai_sinh].decode("utf-8")
    cases = {
        "volume_per_year: !!int abc": [("E102", 9)],
        "volume_per_year: !!float abc": [("E102", 9)],
        "volume_per_year: 0x_": [("E102", 9)],
        "volume_per_year: " + "9" * 5000: [("E102", 9)],
        "volume_per_year: 1\x07000": [("E101", 9)],
        "": [("E101", 1)],
    }
    for i, (replacement, expected) in enumerate(cases.items()):
        case = {khai_sinh: text.replace("volume_per_year: 1000", replacement).encode("utf-8") if replacement else b""}
        check_yaml_case(case)
        catalog, diags = load_catalog(materialise(case, tmp_path / str(i))[0])
        assert catalog is None
        assert [(d.code, d.location.line) for d in diags if d.is_error] == expected, replacement
        assert {d.location.file for d in diags} == {khai_sinh}


def test_hostile_catalogue_through_the_cli_exits_2_without_a_traceback(cli, tmp_path):
    khai_sinh, thuong_tru, bao_cao = (f"procedures/{name}.yaml" for name in ("1.000001-khai-sinh", "1.000002-thuong-tru",
                                                                             "2.000003-bao-cao"))
    case = {
        khai_sinh: ORIGINAL[khai_sinh] + b"deep: " + b"[" * 100_000 + b"\n",            # libyaml's C stack
        thuong_tru: b"\xef\xbb\xbf" + ORIGINAL[thuong_tru].replace(b"\n", b"\r\n")
        + b'"\\e[2J\\u202ename": x\r\n',                                              # an escape sequence in a key
        bao_cao: ORIGINAL[bao_cao].replace(b"volume_per_year: 50", b"volume_per_year: !!int abc"),
        "procedures/9.000009-bom.yaml": BOMB.encode(),
    }
    root, _ = materialise(case, tmp_path)
    expected = [(khai_sinh, "43", "E108"), (thuong_tru, "23", "E104"), (bao_cao, "6", "E102"),
                ("procedures/9.000009-bom.yaml", "1", "E108")]
    code, _, err = cli("validate", root, "--lang", "en")
    # once as a user runs it: a process of its own, its stderr as it is
    done = subprocess.run([sys.executable, "-m", "simplify", "audit", str(root), "--lang", "en"],
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    for code, stderr in ((code, err), (done.returncode, done.stderr)):
        assert code == 2, stderr
        assert "Traceback" not in stderr and "E299" not in stderr
        assert "\x1b" not in stderr and "\u202e" not in stderr   # shown escaped, never sent to the terminal
        assert sorted(re.findall(r"^(procedures/[^:]+):(\d+):\d+: (E1\d\d) ", stderr, re.M)) == expected
    assert "unknown key '\\x1b[2J\\u202ename'" in done.stderr


def test_every_number_the_fuzzer_uses_is_refused_where_a_number_is_wanted(tmp_path):
    """The huge, negative and non-finite numbers of the strategies are E102 at their line, never a model."""
    khai_sinh = "procedures/1.000001-khai-sinh.yaml"
    bad = [n for n in NUMBERS if not math.isfinite(n) or n < 0 or abs(n) > 1e15]
    for i, n in enumerate(bad):
        written = _dump(n).split("\n")[0]
        case = {khai_sinh: ORIGINAL[khai_sinh].replace(b"volume_per_year: 1000", f"volume_per_year: {written}".encode())}
        catalog, diags = load_catalog(materialise(case, tmp_path / str(i))[0])
        assert catalog is None
        assert [(d.code, d.location.file, d.location.line) for d in diags if d.is_error] == [("E102", khai_sinh, 9)], n
