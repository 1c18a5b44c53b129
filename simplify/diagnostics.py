"""Located diagnostics: the problems found while reading input.

Every diagnostic has a stable code (the table in catalogue.md, plus the
codes for rule packs, cost models, targets and scenarios), a location and a
message in Vietnamese and English. The project has one exception type,
`InputError`, that carries a list of them to the command-line edge, where it
becomes exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Location

TITLES: dict[str, tuple[str, str]] = {
    "E101": ("không đọc được", "not parseable"),
    "E102": ("sai kiểu hoặc giá trị", "wrong type or value"),
    "E103": ("thiếu khóa bắt buộc", "required key missing"),
    "E104": ("khóa không xác định", "unknown key"),
    "E105": ("trùng mã", "duplicate id"),
    "E106": ("tham chiếu không tồn tại", "reference to something that does not exist"),
    "E107": ("đồ thị các bước không hợp lệ", "invalid step graph"),
    "E108": ("dữ liệu quá lớn hoặc độc hại", "input too large or hostile"),
    "W101": ("không có số lượng hồ sơ", "no volume"),
    "W102": ("tỷ lệ trực tuyến không khớp các bước", "online share without an online step"),
    "E201": ("gói quy tắc không hợp lệ", "invalid rule pack"),
    "E202": ("tệp tham số không hợp lệ", "invalid settings file"),
    "E203": ("phương án không hợp lệ", "invalid scenario"),
    "E204": ("không đọc được mốc so sánh", "baseline cannot be read"),
    "E299": ("lỗi nội bộ", "internal error"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the input, with where it is."""

    code: str
    location: Location
    vi: str
    en: str

    @property
    def severity(self) -> str:
        return "warning" if self.code.startswith("W") else "error"

    @property
    def is_error(self) -> bool:
        return not self.code.startswith("W")

    def message(self, lang: str = "en") -> str:
        return self.vi if lang == "vi" else self.en

    def render(self, lang: str = "en") -> str:
        return f"{self.location}: {self.code} {self.message(lang)}"

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "location": self.location.to_dict(),
        }


def diag(code: str, location: Location, en: str, vi: str | None = None) -> Diagnostic:
    """A diagnostic; `vi` defaults to the Vietnamese title plus the English detail."""
    if vi is None:
        vi = f"{TITLES[code][0]}: {en}"
    return Diagnostic(code, location, vi, en)


def sort_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    """By file, then line (or sheet and cell), then code."""
    return sorted(diags, key=lambda d: (d.location.sort_key(), d.code))


def has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


class InputError(Exception):
    """Input that cannot be used: carries every located problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.render() for d in diagnostics[:3]))
        self.diagnostics = sort_diagnostics(diagnostics)
