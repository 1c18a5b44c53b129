"""Read the settings files: the cost model (and the YAML helpers other settings share).

Settings are YAML like catalogues and just as untrusted: read with the same
safe reader, every problem located (code E202 for settings), all reported
at once through `InputError`.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any

from .catalog.raw import RawList, RawMap
from .catalog.yaml_reader import read_yaml
from .cost import Certification, CostModel
from .diagnostics import Diagnostic, InputError, diag
from .i18n import os_error
from .model import Location, SUBJECTS
from .resources import default_file


def read_yaml_file(path: Path, code: str = "E202") -> Any:
    """The raw records of a settings file, or InputError with located problems."""
    rel = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        en, vi = os_error(exc)
        raise InputError([diag(code, Location(rel), f"cannot read the file: {en}", f"không đọc được tệp: {vi}")]) from None
    value, problems = read_yaml(data, rel)
    if problems:
        raise InputError(problems)
    if value is None:
        raise InputError([diag(code, Location(rel, 1, 1), "the file is empty", "tệp rỗng")])
    return value


class Checker:
    """Collects located problems while settings are read."""

    def __init__(self, code: str, file: str):
        self.code = code
        self.file = file
        self.problems: list[Diagnostic] = []

    def fail(self, where: Location, en: str, vi: str) -> None:
        self.problems.append(diag(self.code, where, en, vi))

    def mapping(self, raw: Any, where: Location, what: What) -> RawMap | None:
        if isinstance(raw, RawMap):
            return raw
        en, vi = _both(what)
        self.fail(where, f"{en} must be a mapping", f"{vi} phải là một ánh xạ")
        return None

    def keys(self, raw: RawMap, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> None:
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                hint_vi = f"; có phải ý bạn là '{close[0]}'?" if close else ""
                self.fail(raw.key_loc(key), f"unknown key '{key}'{hint}", f"khóa không xác định '{key}'{hint_vi}")
        for key in required:
            if key not in raw:
                self.fail(raw.loc(), f"required key '{key}' is missing", f"thiếu khóa bắt buộc '{key}'")

    def number(self, raw: RawMap, key: str, default: float | None = None, *, at_most: float | None = None) -> float | None:
        value = raw.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
            if at_most is None or value <= at_most:
                return float(value)
        limit = f" and at most {at_most:g}" if at_most is not None else ""
        limit_vi = f" và không lớn hơn {at_most:g}" if at_most is not None else ""
        self.fail(raw.value_loc(key), f"'{key}' must be a number, zero or more{limit}, not {value!r}",
                  f"'{key}' phải là số không âm{limit_vi}, không phải {value!r}")
        return default

    def whole(self, raw: RawMap, key: str, default: int) -> int:
        """A count (pages, say): a number with nothing after the point."""
        value = self.number(raw, key, float(default))  # said already, and the default, when not a number
        if value.is_integer():
            return int(value)
        self.fail(raw.value_loc(key), f"'{key}' must be a whole number, not {value:g}",
                  f"'{key}' phải là số nguyên, không phải {value:g}")
        return default

    def text(self, raw: RawMap, key: str, default: str | None = None) -> str | None:
        value = raw.get(key, default)
        if value is None or isinstance(value, str):
            return value
        self.fail(raw.value_loc(key), f"'{key}' must be text", f"'{key}' phải là văn bản")
        return default

    def items(self, raw: Any, where: Location, what: What) -> list[tuple[Any, Location]]:
        if isinstance(raw, RawList):
            return [(item, raw.item_loc(i)) for i, item in enumerate(raw)]
        en, vi = _both(what)
        self.fail(where, f"{en} must be a list", f"{vi} phải là một danh sách")
        return []

    def done(self) -> None:
        if self.problems:
            raise InputError(self.problems)


# What a problem is about: a key (the same in both languages) or (en, vi) words.
What = str | tuple[str, str]


def _both(what: What) -> tuple[str, str]:
    return what if isinstance(what, tuple) else (what, what)


def read_settings(file: Path, code: str, what: What) -> tuple[Checker, RawMap]:
    """A settings file's top-level mapping and a Checker for the rest; InputError if it is not a mapping."""
    check = Checker(code, str(file))
    top = check.mapping(read_yaml_file(file, code), Location(str(file), 1, 1), what)
    if top is None:
        check.done()
    return check, top


def load_cost_model(path: str | Path | None = None) -> CostModel:
    """The cost model from `path`, or the default rules/cost_model.yaml."""
    file = Path(path) if path else default_file("cost_model.yaml")
    check, top = read_settings(file, "E202", ("the cost model", "mô hình chi phí"))
    check.keys(top, ("currency", "hourly_value", "visit", "copy_cost_per_page", "certification"),
               ("hourly_value", "visit", "copy_cost_per_page", "certification"))
    hourly: list[tuple[str, float]] = []
    h = check.mapping(top.get("hourly_value"), top.value_loc("hourly_value"), "hourly_value")
    if h is not None:
        check.keys(h, SUBJECTS, SUBJECTS)
        hourly = [(s, check.number(h, s, 0.0)) for s in SUBJECTS if s in h]
    visit = check.mapping(top.get("visit"), top.value_loc("visit"), "visit")
    visit_hours = visit_cost = 0.0
    if visit is not None:
        check.keys(visit, ("hours", "travel_cost"), ("hours", "travel_cost"))
        visit_hours = check.number(visit, "hours", 0.0)
        visit_cost = check.number(visit, "travel_cost", 0.0)
    cert = check.mapping(top.get("certification"), top.value_loc("certification"), "certification")
    certification = Certification()
    if cert is not None:
        names = ("first_pages_fee", "next_pages_fee", "first_pages", "cap_per_copy")
        check.keys(cert, names, names)
        certification = Certification(
            first_pages_fee=check.number(cert, "first_pages_fee", 0.0),
            next_pages_fee=check.number(cert, "next_pages_fee", 0.0),
            first_pages=check.whole(cert, "first_pages", 0),
            cap_per_copy=check.number(cert, "cap_per_copy", 0.0),
        )
    model = CostModel(
        currency=check.text(top, "currency", "VND") or "VND",
        hourly_value=tuple(hourly),
        visit_hours=visit_hours,
        visit_travel_cost=visit_cost,
        copy_cost_per_page=check.number(top, "copy_cost_per_page", 0.0),
        certification=certification,
    )
    check.done()
    return model
