"""The condition language and message templates of rule packs, operator by operator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from simplify.catalog.yaml_reader import read_yaml
from simplify.model import Location
from simplify.rules.conditions import compile_condition
from simplify.rules.template import as_text, compile_template


def condition(text: str):
    raw, problems = read_yaml(text.encode("utf-8"), "c.yaml")
    assert not problems
    failures = []
    test = compile_condition(raw, Location("c.yaml", 1, 1), lambda where, en, vi: failures.append((where.line, en)))
    return test, failures


CASES = [
    ("true", True, True), ("true", 1, False),            # true is not 1
    ("1", 1.0, True), ("1", True, False),
    ("[online, post]", ("online", "post"), True), ("[online]", ("online", "post"), False),
    ("{eq: abc}", "abc", True), ("{ne: abc}", "abc", False), ("{ne: abc}", None, True),
    ("{in: [a, b]}", "b", True), ("{in: [a, b]}", "c", False), ("{not_in: [a, b]}", "c", True),
    ("{gt: 1}", 2, True), ("{gt: 1}", 1, False), ("{ge: 1}", 1, True), ("{lt: 1}", 0.5, True),
    ("{le: 1}", 2, False), ("{gt: 0}", None, False), ("{gt: 0}", "5", False), ("{gt: 0}", True, False),
    ("{exists: true}", "x", True), ("{exists: true}", (), False), ("{exists: true}", "", False),
    ("{exists: false}", None, True), ("{exists: false}", ("Luật A",), False),
    ("{contains: counter}", ("online", "counter"), True), ("{contains: counter}", ("online",), False),
    ("{contains: Hộ}", "Sổ Hộ khẩu", True), ("{contains: 1}", "1", False),
    ("{matches: '^Gửi'}", "Gửi báo cáo", True), ("{matches: '^Gửi'}", "Nộp", False),
    ("{matches: 'khai'}", ("to_khai", "cccd"), True), ("{matches: 'x'}", 5, False),
    ("{not: {eq: 1}}", 2, True), ("{any: [{eq: 1}, {eq: 2}]}", 2, True),
    ("{all: [{ge: 1}, {le: 3}]}", 4, False), ("{not: {any: [{contains: counter}, {contains: post}]}}", ("online",), True),
]


@pytest.mark.parametrize(("text", "value", "expected"), CASES)
def test_operators(text, value, expected):
    test, failures = condition(text)
    assert not failures
    assert test(value) is expected


@pytest.mark.parametrize(("text", "problem"), [
    ("{gte: 1}", "unknown operator 'gte'; did you mean 'gt'?"),
    ("{gt: 1, lt: 3}", "exactly one operator"),
    ("{in: a}", "take a list"),
    ("{exists: maybe}", "'exists' takes true or false"),
    ("{contains: [a]}", "'contains' takes one value"),
    ("{matches: '('}", "not a valid regular expression"),
    ("{matches: '(x+)*y'}", "repeats a group that itself repeats"),
    ("{matches: '" + "a" * 201 + "'}", "at most 200 characters"),
    ("{any: []}", "non-empty list"),
])
def test_bad_conditions_are_reported(text, problem):
    _, failures = condition(text)
    assert len(failures) == 1 and problem in failures[0][1]


def test_matches_reads_at_most_ten_thousand_characters():
    test, _ = condition("{matches: 'z$'}")
    assert test("a" * 20_000 + "z") is False


def test_templates_fill_paths_and_keep_escaped_braces():
    template = compile_template("{procedure.code} ({{x}}): {document.name}", "document")
    assert [p if isinstance(p, str) else "<path>" for p in template.parts] == ["<path>", " (", "{", "x", "}", "): ", "<path>"]
    ctx = SimpleNamespace(procedure=SimpleNamespace(code="1.1"), document=SimpleNamespace(name="Tờ {khai}"))
    assert template.render(ctx, "vi") == "1.1 ({x}): Tờ {khai}"
    assert compile_template("{procedure.code.__class__}", "procedure")[0].startswith("unknown path")
    assert compile_template("{document.name}", "fee")[0].startswith("unknown path 'document.name' for a rule on a fee")
    assert compile_template("a } b", "procedure")[0].startswith("unbalanced '}'")
    assert compile_template("a {", "procedure")[0].startswith("unbalanced '{'")


@pytest.mark.parametrize(("value", "vi", "en"), [
    (1234567.0, "1.234.567", "1,234,567"), (0.5, "0,5", "0.5"), (3, "3", "3"), (True, "có", "yes"),
    (None, "—", "—"), (("1.1", "1.2"), "1.1, 1.2", "1.1, 1.2"), ("Lệ phí", "Lệ phí", "Lệ phí"),
])
def test_values_are_written_for_people(value, vi, en):
    assert (as_text(value, "vi"), as_text(value, "en")) == (vi, en)
