"""The line reader for plain block YAML gives what libyaml gives, or leaves the file to libyaml.

`yaml_block` reads most catalogue files without libyaml, for speed; it must
never change what a file means or where its parts are. For every file it
accepts, its result is compared with `read_with_libyaml`'s: every value with
its type, the line and column of every mapping, list, key, value and item,
and every problem. Checked on every YAML file of the repository and the
shared examples, on hand-written edge cases, and on mutations of real files
(the `lines` target of benchmarks/fuzz.py runs them for longer).
"""

from __future__ import annotations


import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simplify.catalog.raw import YamlList, YamlMap
from simplify.catalog.yaml_block import read_block_yaml
from simplify.catalog.yaml_reader import Limits, read_with_libyaml, read_yaml

SHARED = REPO.parent / "shared"
ALL_YAML = sorted(
    p for base in (REPO / "procedures_catalog", REPO / "rules", REPO / "tests", REPO / "simplify", SHARED)
    if base.is_dir() for p in base.rglob("*.y*ml") if ".hypothesis" not in p.parts
)
MINI_TEXTS = tuple(p.read_text(encoding="utf-8") for p in sorted((REPO / "tests/data/mini").rglob("*.yaml")))


def tree(value):
    """Everything a reader's result says: values with their types, and every location."""
    if isinstance(value, YamlMap):
        return ("map", value.file, value.line, value.col, tuple((k, value.marks.get(k), tree(v)) for k, v in value.items()))
    if isinstance(value, YamlList):
        return ("list", value.file, value.line, value.col, tuple(value.marks), tuple(tree(v) for v in value))
    return (type(value).__name__, value)


def same_as_libyaml(text: str, depth: int = 64) -> bool | None:
    """Whether the line reader took `text` (None: it left it to libyaml); fails when it took it differently."""
    fast = read_block_yaml(text, "f.yaml", depth)
    if fast is None:
        return None
    slow_value, slow_problems = read_with_libyaml(text, "f.yaml", Limits(max_depth=depth))
    fast_value, fast_problems = fast
    assert not (slow_value is None and slow_problems), f"libyaml refused what the line reader took: {slow_problems}"
    assert tree(fast_value) == tree(slow_value)
    assert fast_problems == slow_problems
    return True


@pytest.mark.parametrize("path", ALL_YAML, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_yaml_file_of_the_repository_reads_the_same(path):
    same_as_libyaml(path.read_text(encoding="utf-8-sig"))


def test_catalogue_files_are_taken_by_the_line_reader():
    """The speed it is for: every file of the mini catalogue, and all but the five bundled procedures that use
    block scalars (`>-`) for their waivers' reasons."""
    assert all(same_as_libyaml(text) for text in MINI_TEXTS)
    bundled = sorted((REPO / "procedures_catalog/procedures").glob("*.yaml"))
    left = [p.name for p in bundled if same_as_libyaml(p.read_text(encoding="utf-8")) is None]
    assert len(left) == 5 and all(">-" in (REPO / "procedures_catalog/procedures" / n).read_text() for n in left)


# Each taken (True) or left to libyaml (None); every one taken is compared with libyaml.
CASES = [
    ("code: \"1.000001\"\nname: Đăng ký khai sinh\n", True),
    ("a: yes\nb: No\nc: ~\nd: null\ne: 1:30\nf: 0x1F\ng: 1_000\nh: .5\ni: -1\nj: +1\nk: 1e3\nl: 1.0e+3\n", True),
    ("a: 2024-01-01\nb: .inf\nc: 0o17\nd: 007\ne: y\nf: On\ng: 0.47\nh: 1,5\ni: http://x\nj: a'b\n", True),
    ("a: 'it''s' # c\nb: \"q\"\nc: ''\nd: \"\"\ne: x # c\nf: x#c\ng:   # c\nh:\n", True),
    ("a: [a, b]\nb: []\nc: [ ]\nd: [1, yes, ~, -1, -a]\ne: [ a , b ]  # c\n", True),
    ("list:\n- a\n-   b\n- k: v\n  l: w\nnext: 1\n", True),
    ("  x: 1\n  y:\n  - a\n  - 'b'\n  z: \"q\"\n", True),
    ("# c\n\n---\nkey: value\n", True),
    ("a:\n    - 1\n    -   k: [a, ấ,b]\n        d:\nb: ấấ x\n", True),
    ("ấ: 1\n", None),
    ("a: 1\r\nb: 2\r\n", True),
    ("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n", True),
    ("a: 1\nb:\n  x: 1\nb:\n  y: 1\n  y: 2\n", True),
    ("- a\n- b\n", True),
    ("a: b: c\n", None),
    ("a: b:\n", None),
    ("a: - b\n", None),
    ("a: &x 1\nb: *x\n", None),
    ("a: !!str 1\n", None),
    ("a: |\n  text\n", None),
    ("a: >-\n  text\n", None),
    ("a: multi\n  line\n", None),
    ("a:\n  multi line\n", None),
    ("a: 'multi\n  line'\n", None),
    ("a: \"x\\ny\"\n", None),
    ("a: {b: 1}\n", None),
    ("a: [a, [b]]\n", None),
    ("a: [a,]\n", None),
    ("a: [a: b]\n", None),
    ("a:\tb\n", None),
    ("a: 1\rb: 2\n", None),
    ("a: x\u2028y\n", None),
    ("a: x\x85y\n", None),
    ("a: \ufeffx\n", None),
    ("a: \x7f\n", None),
    ("a: =\n", None),
    ("a: <<\n", None),
    ("<<: {a: 1}\n", None),
    ("? a\n: b\n", None),
    ("\"a\": 1\n", None),
    ("a : 1\n", None),
    ("a:1\n", None),
    ("---\na: 1\n---\nb: 2\n", None),
    ("a: 1\n...\n", None),
    ("%YAML 1.1\n---\na: 1\n", None),
    ("a: 1\n b: 2\n", None),
    ("  a: 1\nb: 2\n", None),
    ("a:\n  - x\n  b: 1\n", None),
    ("a:\n- x\n- - y\n", None),
    ("a:\n-\n  b: 1\n", None),
    ("- # c\n  a: 1\n", None),
    ("a: 'x'y\n", None),
    ("a: 'x'#c\n", None),
    ("a: [a] b\n", None),
    ("text\n", None),
    ("", None),
    ("# only a comment\n", None),
    ("a: `x\n", None),
    ("a: %x\n", None),
    ("a: @x\n", None),
]


@pytest.mark.parametrize(("text", "taken"), CASES)
def test_edge_cases(text, taken):
    assert same_as_libyaml(text) is taken


def test_values_locations_and_problems_worked_by_hand():
    value, problems = read_yaml(
        "code: \"1.1\"\nname: Cấp  thẻ  # a comment\nhours: 1:30\nonline: có\nsteps:\n  - id: nộp\n    hours: 0.25\n"
        "channels: [online,  post]\nname: again\n".encode("utf-8"), "p.yaml")
    assert dict(value) | {"steps": None, "channels": None} == {
        "code": "1.1", "name": "Cấp  thẻ", "hours": "1:30", "online": "có", "steps": None, "channels": None}
    assert value["channels"] == ["online", "post"] and value["channels"].marks == [(8, 12), (8, 21)]
    assert value.key_loc("hours") == value.loc().__class__("p.yaml", 3, 1)
    assert (value.value_loc("name").line, value.value_loc("name").column) == (2, 7)
    step = value["steps"][0]
    assert (step.loc().line, step.loc().column, step["hours"]) == (6, 5, 0.25)
    assert [(d.code, d.location.line, d.location.column) for d in problems] == [("E105", 9, 1)]


def test_a_record_that_starts_with_a_merge_key_is_named_at_its_id():
    """libyaml's reader: `named_loc` is the record's start only when the key naming it is written first."""
    value, _ = read_yaml(b"base: &b {x: 1}\nitem:\n  <<: *b\n  id: P1\nother:\n  id: P2\n  <<: *b\n", "f.yaml")
    assert (value["item"].named_loc("id").line, value["item"].named_loc("id").column) == (4, 3)
    assert (value["other"].named_loc("id").line, value["other"].named_loc("id").column) == (6, 3)
    assert dict(value["item"]) == {"id": "P1", "x": 1}


def test_too_deep_is_left_to_libyaml():
    nested = "".join(f"{' ' * (2 * i)}k{i}:\n" for i in range(10)) + " " * 20 + "leaf: 1\n"
    assert same_as_libyaml(nested, depth=64) is True
    assert same_as_libyaml(nested, depth=5) is None
    assert read_yaml(nested.encode(), "d.yaml", Limits(max_depth=5))[1][0].code == "E108"


# -- mutations of real files ----------------------------------------------------------

PIECES = list(":#'\"[]{},-?&*!|>%@`\t\r~=<.\\ ") + [
    "ấ", "\u2028", "\x85", "\ufeff", "\xa0", "\x7f", "\x00", "\U0001f600", ": ", " #", "- ", "\n", "\n  ", "\r\n"]
VALUES = ["yes", "No", "~", "null", "1:30", "0x1F", "1_000", ".5", "-1", "+1", "1e3", "2024-01-01", "=", "<<",
          "'a''b'", '"x"', '"a\\nb"', "[a, b]", "[]", "[ ]", "[a,]", "[1, yes, ~]", "- a", "-", "a: b", "a:", "a #c",
          "a#c", "'a' #c", "'a'#c", "''", "'", '"', "[a, [b]]", "{a: 1}", "&x a", "*x", "!!str 1", "|", ">-",
          "Cấp  thẻ ", "[?a]", "http://x", "%x", "- - a", "k: v", ""]
LINES = ["", "   ", "# c", "  # c", "---", "...", "--- a", "- x", "k: v", "  k:", "  - y", "%YAML 1.1"]


def _mutate(text: str, edits: list[tuple[int, int, int, int]]) -> str:
    lines = text.split("\n")
    for op, where, what, shift in edits:
        if not lines:
            break
        i = where % len(lines)
        line = lines[i]
        if op == 0:
            lines[i] = " " * (1 + shift % 4) + line
        elif op == 1:
            lines[i] = line[1 + shift % 2:] if line.startswith("  ") else line
        elif op == 2:
            at = shift % (len(line) + 1)
            lines[i] = line[:at] + PIECES[what % len(PIECES)] + line[at:]
        elif op == 3:
            lines.insert(i, line)
        elif op == 4:
            del lines[i]
        elif op == 5:
            j = shift % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 6:
            head = line.find(": ") + 2 if ": " in line else line.find("- ") + 2 if "- " in line else -1
            lines[i] = line[:head] + VALUES[what % len(VALUES)] if head >= 2 else line + ":"
        else:
            lines.insert(i, LINES[what % len(LINES)])
    return "\n".join(lines)


def mutated_texts():
    """Files of the mini catalogue with a few lines indented, cut, repeated, swapped or rewritten."""
    edit = st.tuples(st.integers(0, 7), st.integers(0, 500), st.integers(0, 200), st.integers(0, 500))
    return st.builds(_mutate, st.sampled_from(MINI_TEXTS), st.lists(edit, min_size=1, max_size=4))


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_texts())
def test_mutations_read_the_same_or_are_left_to_libyaml(text):
    same_as_libyaml(text)
