"""The condition language of rule packs, compiled into predicates when a pack is loaded.

A `when` block maps dotted paths to conditions (all must hold) or combines
blocks with `all: [...]`, `any: [...]` and `not: {...}`. A condition is a
literal (equality) or a one-key mapping with one of the operators below, or
combines conditions on the same value with `all`, `any` and `not`. Nothing
is evaluated as code: operands are YAML values, `matches` is a regular
expression with its length capped, searched in capped text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from ..catalog.raw import RawList, RawMap
from ..measures import freeze
from ..model import Location
from .paths import Context, compile_path

OPERATORS = ("eq", "ne", "in", "not_in", "gt", "ge", "lt", "le", "exists", "contains", "matches")
COMBINATORS = ("all", "any", "not")
MAX_PATTERN = 200       # characters of a `matches` pattern
MAX_SUBJECT = 10_000    # characters of text a pattern is searched in

Predicate = Callable[[Context], bool]
Test = Callable[[Any], bool]
Fail = Callable[[Location, str, str], None]


def _never(_: Any) -> bool:
    return False


def same(value: Any, literal: Any) -> bool:
    """Equality as a reform officer means it: true is not 1, a list equals a list with the same items."""
    if isinstance(value, bool) or isinstance(literal, bool):
        return isinstance(value, bool) and isinstance(literal, bool) and value == literal
    if isinstance(value, tuple) or isinstance(literal, tuple):
        return (isinstance(value, tuple) and isinstance(literal, tuple) and len(value) == len(literal)
                and all(same(v, x) for v, x in zip(value, literal)))
    return value == literal


def present(value: Any) -> bool:
    """`exists`: a value is there, and is not an empty list or text."""
    return value is not None and value != () and value != ""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compile_block(raw: Any, where: Location, target: str, fail: Fail) -> Predicate:
    """The predicate of a `when` block: paths to conditions, or `all`/`any`/`not` of blocks."""
    if not isinstance(raw, RawMap) or not raw:
        fail(where, "a condition block must be a mapping of paths to conditions",
             "khối điều kiện phải là một ánh xạ từ đường dẫn tới điều kiện")
        return _never
    parts: list[Predicate] = []
    for key, value in raw.items():
        at = raw.value_loc(key)
        if key in ("all", "any"):
            items = _list_of(value, at, key, fail)
            preds = [compile_block(item, _item_loc(value, i, at), target, fail) for i, item in enumerate(items)]
            parts.append(_all(preds) if key == "all" else _any(preds))
        elif key == "not":
            inner = compile_block(value, at, target, fail)
            parts.append(lambda c, inner=inner: not inner(c))
        else:
            getter = compile_path(str(key), target)
            if isinstance(getter, tuple):
                fail(raw.key_loc(key), *getter)
                continue
            test = compile_condition(value, at, fail)
            parts.append(lambda c, getter=getter, test=test: test(getter(c)))
    return _all(parts)


def _all(preds: list) -> Callable:
    # Rules are evaluated on every object of a national catalogue: the usual one or two conditions are
    # called directly.
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        first, second = preds
        return lambda x: first(x) and second(x)
    return lambda x: all(p(x) for p in preds)


def _any(preds: list) -> Callable:
    return lambda x: any(p(x) for p in preds)


def _list_of(value: Any, where: Location, key: str, fail: Fail) -> list:
    if isinstance(value, list) and value:
        return value
    fail(where, f"'{key}' takes a non-empty list", f"'{key}' cần một danh sách không rỗng")
    return []


def _item_loc(value: Any, index: int, default: Location) -> Location:
    return value.item_loc(index) if isinstance(value, RawList) else default


def compile_condition(raw: Any, where: Location, fail: Fail) -> Test:
    """The test of one value: a literal means equality, else a one-key operator mapping."""
    if not isinstance(raw, RawMap):
        return _equal_to(freeze(raw))
    if len(raw) != 1:
        fail(where, f"a condition has exactly one operator, not {len(raw)} ({', '.join(map(str, raw))})",
             f"một điều kiện có đúng một toán tử, không phải {len(raw)} ({', '.join(map(str, raw))})")
        return _never
    (op, operand), = raw.items()
    at = raw.value_loc(op)
    if op in ("all", "any"):
        items = _list_of(operand, at, op, fail)
        tests = [compile_condition(item, _item_loc(operand, i, at), fail) for i, item in enumerate(items)]
        return _all(tests) if op == "all" else _any(tests)
    if op == "not":
        inner = compile_condition(operand, at, fail)
        return lambda v: not inner(v)
    maker = _OPERATORS.get(op)
    if maker is None:
        close = difflib.get_close_matches(str(op), OPERATORS + COMBINATORS, n=1, cutoff=0.5)
        hint_en = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(OPERATORS + COMBINATORS)}"
        hint_vi = f"; có phải ý bạn là '{close[0]}'?" if close else f"; các toán tử: {', '.join(OPERATORS + COMBINATORS)}"
        fail(raw.key_loc(op), f"unknown operator '{op}'{hint_en}", f"toán tử không xác định '{op}'{hint_vi}")
        return _never
    return maker(operand, at, fail)


def _equal_to(literal: Any) -> Test:
    """`same(v, literal)`, without the checks the literal's type makes moot (a bool or None is one object,
    text equals only text)."""
    if literal is None or isinstance(literal, bool):
        return lambda v: v is literal
    if isinstance(literal, str):
        return lambda v: v == literal
    return lambda v: same(v, literal)


def _equal(operand: Any, where: Location, fail: Fail) -> Test:
    return _equal_to(freeze(operand))


def _not_equal(operand: Any, where: Location, fail: Fail) -> Test:
    equal = _equal_to(freeze(operand))
    return lambda v: not equal(v)


def _member(negate: bool) -> Callable[[Any, Location, Fail], Test]:
    def make(operand: Any, where: Location, fail: Fail) -> Test:
        if not isinstance(operand, list):
            fail(where, "'in' and 'not_in' take a list", "'in' và 'not_in' cần một danh sách")
            return _never
        choices = tuple(freeze(x) for x in operand)
        return lambda v: any(same(v, x) for x in choices) != negate
    return make


def _compare(check: Callable[[Any, Any], bool]) -> Callable[[Any, Location, Fail], Test]:
    def make(operand: Any, where: Location, fail: Fail) -> Test:
        if not _number(operand):
            fail(where, f"a comparison takes a number, not {operand!r}", f"phép so sánh cần một số, không phải {operand!r}")
            return _never
        return lambda v: _number(v) and check(v, operand)
    return make


def _exists(operand: Any, where: Location, fail: Fail) -> Test:
    if not isinstance(operand, bool):
        fail(where, "'exists' takes true or false", "'exists' cần true hoặc false")
        return _never
    return lambda v: present(v) == operand


def _contains(operand: Any, where: Location, fail: Fail) -> Test:
    if isinstance(operand, dict | list) or operand is None:
        fail(where, "'contains' takes one value", "'contains' cần một giá trị")
        return _never

    def test(v: Any) -> bool:
        if isinstance(v, tuple):
            return any(same(x, operand) for x in v)
        return isinstance(v, str) and isinstance(operand, str) and operand in v
    return test


def _matches(operand: Any, where: Location, fail: Fail) -> Test:
    if not isinstance(operand, str) or len(operand) > MAX_PATTERN:
        fail(where, f"'matches' takes a regular expression of at most {MAX_PATTERN} characters",
             f"'matches' cần một biểu thức chính quy dài tối đa {MAX_PATTERN} ký tự")
        return _never
    try:
        pattern = re.compile(operand)
    except re.error as exc:
        fail(where, f"'matches' pattern is not a valid regular expression: {exc}",
             f"mẫu của 'matches' không phải biểu thức chính quy hợp lệ: {exc}")
        return _never
    if _nested_repeat(operand):
        fail(where, "'matches' pattern repeats a group that itself repeats (like (a+)+), which can take forever",
             "mẫu của 'matches' lặp một nhóm vốn đã lặp (như (a+)+), có thể chạy mãi không dừng")
        return _never

    def test(v: Any) -> bool:
        texts = v if isinstance(v, tuple) else (v,)
        return any(isinstance(t, str) and pattern.search(t[:MAX_SUBJECT]) is not None for t in texts)
    return test


def _nested_repeat(pattern: str) -> bool:
    """A repeat inside a repeat: the shape that makes backtracking exponential."""
    from re import _parser  # the standard library's own parse of the pattern; nothing is run

    def walk(items: Any, inside: bool) -> bool:
        for op, arg in items:
            if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
                if inside or walk(arg[2], True):
                    return True
            elif op == _parser.SUBPATTERN and walk(arg[3], inside):
                return True
            elif op == _parser.BRANCH and any(walk(branch, inside) for branch in arg[1]):
                return True
        return False

    return walk(_parser.parse(pattern).data, False)


_OPERATORS: dict[str, Callable[[Any, Location, Fail], Test]] = {
    "eq": _equal,
    "ne": _not_equal,
    "in": _member(negate=False),
    "not_in": _member(negate=True),
    "gt": _compare(lambda v, x: v > x),
    "ge": _compare(lambda v, x: v >= x),
    "lt": _compare(lambda v, x: v < x),
    "le": _compare(lambda v, x: v <= x),
    "exists": _exists,
    "contains": _contains,
    "matches": _matches,
}
