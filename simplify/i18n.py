"""Words for people, in Vietnamese and English, and how numbers are shown.

Money is whole dong with thousands separators (a dot in Vietnamese, a comma
in English, as each language writes it); shares are percentages; a share
over an empty set shows as a dash.
"""

from __future__ import annotations

import errno
import math

LABELS: dict[str, tuple[str, str]] = {
    "catalog": ("Danh mục", "Catalogue"),
    "ministry": ("Bộ, ngành", "Ministry"),
    "cost_per_dossier_after": ("Chi phí/hồ sơ sau", "Cost per dossier after"),
    "annual_cost_after": ("Chi phí/năm sau", "Annual cost after"),
    "procedures": ("Số thủ tục", "Procedures"),
    "internal_procedures": ("TTHC nội bộ", "Internal procedures"),
    "external_procedures": ("TTHC với người dân, doanh nghiệp", "External procedures"),
    "annual_cost": ("Chi phí tuân thủ/năm", "Annual compliance cost"),
    "internal_annual_cost": ("Chi phí TTHC nội bộ/năm", "Internal annual cost"),
    "external_annual_cost": ("Chi phí TTHC bên ngoài/năm", "External annual cost"),
    "full_online_share": ("Tỷ lệ DVC trực tuyến toàn trình", "Fully online share"),
    "online_dossier_share": ("Tỷ lệ hồ sơ trực tuyến", "Online dossier share"),
    "essential_full_online": ("DVC thiết yếu toàn trình", "Essential services fully online"),
    "paperless_share": ("Không giấy tờ", "Paperless"),
    "cashless_share": ("Không tiền mặt", "Cashless"),
    "contactless_share": ("Không tiếp xúc", "Contactless"),
    "assisted_share": ("Không để ai bị bỏ lại phía sau", "No one left behind"),
    "findings": ("Phát hiện", "Findings"),
    "potential_annual_saving": ("Tiết kiệm tiềm năng/năm", "Potential annual saving"),
    "metrics": ("Chỉ số", "Metrics"),
    "value": ("Giá trị", "Value"),
    "code": ("Mã TTHC", "Code"),
    "name": ("Tên thủ tục", "Name"),
    "kind": ("Loại", "Kind"),
    "subject": ("Đối tượng", "Subject"),
    "online_level": ("Mức trực tuyến", "Online level"),
    "volume": ("Hồ sơ/năm", "Dossiers/year"),
    "cost_offline": ("Chi phí nộp trực tiếp", "Cost offline"),
    "cost_online": ("Chi phí nộp trực tuyến", "Cost online"),
    "cost_per_dossier": ("Chi phí/hồ sơ", "Cost per dossier"),
    "hours_offline": ("Giờ (trực tiếp)", "Hours offline"),
    "hours_online": ("Giờ (trực tuyến)", "Hours online"),
    "visits_offline": ("Lượt đi lại (trực tiếp)", "Visits offline"),
    "visits_online": ("Lượt đi lại (trực tuyến)", "Visits online"),
    "elapsed_days": ("Thời gian giải quyết (ngày)", "Elapsed days"),
    "top_procedures": ("Thủ tục tốn kém nhất", "Most costly procedures"),
    "rule": ("Quy tắc", "Rule"),
    "severity": ("Mức độ", "Severity"),
    "procedure": ("Thủ tục", "Procedure"),
    "object": ("Đối tượng", "Object"),
    "message": ("Nội dung", "Message"),
    "annual_saving": ("Tiết kiệm/năm", "Annual saving"),
    "location": ("Vị trí", "Location"),
    "targets": ("Mục tiêu", "Targets"),
    "target": ("Mục tiêu", "Target"),
    "baseline": ("Mốc", "Baseline"),
    "current": ("Hiện tại", "Current"),
    "projected": ("Dự kiến", "Projected"),
    "goal": ("Đích", "Goal"),
    "status": ("Trạng thái", "Status"),
    "gap": ("Còn thiếu", "Gap"),
    "met": ("Đạt", "Met"),
    "not_met": ("Chưa đạt", "Not met"),
    "projected_met": ("Sẽ đạt", "Will be met"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
    "scenario": ("Phương án", "Scenario"),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "external": ("bên ngoài", "external"),
    "internal": ("nội bộ", "internal"),
    "full": ("toàn trình", "full"),
    "partial": ("một phần", "partial"),
    "none": ("không", "none"),
    "citizen": ("người dân", "citizen"),
    "business": ("doanh nghiệp", "business"),
    "agency": ("cơ quan", "agency"),
    "applicant": ("người nộp", "applicant"),
    "in_person": ("tại chỗ", "in person"),
    "online": ("trực tuyến", "online"),
    "connected": ("đã kết nối", "connected"),
    "error": ("lỗi", "error"),
    "warning": ("cảnh báo", "warning"),
    "info": ("thông tin", "info"),
    "waived": ("đã miễn trừ", "waived"),
    "currency": ("đồng", "VND"),
    # the Excel report (simplify/report/excel.py)
    "sheet_summary": ("Tổng quan", "Summary"),
    "sheet_procedures": ("Thủ tục", "Procedures"),
    "sheet_findings": ("Phát hiện", "Findings"),
    "sheet_reuse": ("Tái sử dụng", "Reuse"),
    "sheet_documents": ("Giấy tờ", "Documents"),
    "sheet_plan": ("Phương án", "Plan"),
    "report_title": ("Báo cáo rà soát, đơn giản hóa thủ tục hành chính", "Review of administrative procedures"),
    "report_date": ("Ngày lập", "Date"),
    "metric": ("Chỉ số", "Metric"),
    "share": ("Tỷ trọng", "Share"),
    "cumulative_share": ("Tỷ trọng lũy kế", "Cumulative share"),
    "cost_by_ministry": ("Chi phí tuân thủ/năm theo bộ, ngành ({})", "Annual compliance cost by ministry ({})"),
    "million_dong": ("triệu đồng", "million VND"),
    "billion_dong": ("tỷ đồng", "billion VND"),
    "pareto": ("{} thủ tục có chi phí tuân thủ/năm cao nhất", "The {} procedures with the highest annual cost"),
    "not_given": ("(chưa ghi)", "(not given)"),
    "rule_name": ("Tên quy tắc", "Rule name"),
    "evidence": ("Mã giấy tờ", "Evidence type"),
    "evidence_name": ("Tên giấy tờ", "Evidence name"),
    "source": ("Đã có tại (CSDL hoặc thủ tục cấp)", "Held by (database or issuing procedure)"),
    "asking_procedures": ("Thủ tục đang yêu cầu", "Procedures asking for it"),
    "certified_procedures": ("Số thủ tục yêu cầu bản sao chứng thực", "Procedures asking a certified copy"),
    "supply_cost": ("Chi phí cung cấp/năm", "Annual supply cost"),
    "reuse_note": (
        "Tiết kiệm/năm = tổng tiết kiệm của các phát hiện ONCE001, ONCE002 về giấy tờ này, mỗi phát hiện tính riêng.",
        "Annual saving = the sum of the savings of the ONCE001 and ONCE002 findings on this document, each on its own.",
    ),
    "findings_note": (
        "Tiết kiệm/năm của mỗi phát hiện tính riêng cho biện pháp của nó; nhiều biện pháp cùng đụng tới một giấy tờ "
        "hoặc một thủ tục nên tổng của cột này lớn hơn mức có thể tiết kiệm ở trang Tổng quan, là mức tính khi áp dụng "
        "mọi biện pháp cùng lúc.",
        "Each finding's annual saving is its own measure's alone; several measures touch the same document or "
        "procedure, so this column adds up to more than the potential saving on the Summary, which applies every "
        "measure at once.",
    ),
    "supply_note": (
        "Chi phí cung cấp/năm = tổng theo các thủ tục yêu cầu: số hồ sơ/năm × (chi phí sao, chứng thực và chi phí "
        "khác của giấy tờ + số giờ chuẩn bị × giá trị một giờ); chưa gồm chuyến đi chứng thực.",
        "Annual supply cost = the sum over the procedures asking for it of dossiers a year × (copying, certification "
        "and other cash of the document + its hours × the hourly value); certification trips not included.",
    ),
    "measure": ("Biện pháp", "Measure"),
    "cumulative": ("Lũy kế", "Cumulative"),
    "no_measures": ("Không có biện pháp nào.", "No measures."),
    "targets_after": ("Mục tiêu sau các biện pháp", "Targets after the measures"),
    "scenario_title": ("Phương án: {}", "Scenario: {}"),
    "plan_title": ("Phương án do simplify plan lập cho các mục tiêu: {}", "Plan made by simplify plan for the targets: {}"),
    "plan_cut": (" — {} biện pháp đầu tiên; chạy simplify plan để có toàn bộ phương án",
                 " — the first {} measures; run simplify plan for the whole plan"),
}

MONEY_METRICS = {"annual_cost", "internal_annual_cost", "external_annual_cost", "potential_annual_saving"}
COUNT_METRICS = {"procedures", "internal_procedures", "external_procedures", "findings"}


def t(key: str, lang: str, words: dict[str, tuple[str, str]] = LABELS) -> str:
    """The label for `key` in `lang` from `words` (a module's own vocabulary, or LABELS); the key itself when there is none."""
    pair = words.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "vi" else pair[1]


# What the system says of the file errors people meet, in Vietnamese (its own words are English).
_OS_ERRORS_VI = {
    errno.ENOENT: "không có tệp hoặc thư mục này", errno.EACCES: "không có quyền truy cập", errno.EPERM: "không được phép",
    errno.EISDIR: "đây là một thư mục", errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.EEXIST: "đã tồn tại", errno.ENOSPC: "hết chỗ trên đĩa", errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.ENAMETOOLONG: "tên quá dài", errno.ELOOP: "quá nhiều liên kết tượng trưng",
}


def os_error(exc: OSError) -> tuple[str, str]:
    """(en, vi) of what went wrong with a file."""
    en = exc.strerror or str(exc)
    return en, _OS_ERRORS_VI.get(exc.errno, en)


def money(value: float | None, lang: str) -> str:
    """Whole dong with thousands separators."""
    if value is None:
        return "–"
    return localised(f"{whole(value):,}", lang)


def localised(text: str, lang: str) -> str:
    """A figure written with English separators (1,234.5) as `lang` writes it: 1.234,5 in Vietnamese."""
    return text.translate(_VI_SEPARATORS) if lang == "vi" else text


_VI_SEPARATORS = str.maketrans({",": ".", ".": ","})


def whole(value: float) -> int:
    """`value` rounded to a whole number, halves away from zero: as people round money, and as Excel shows the
    report's #,##0 cells (Python's round() takes 2.5 to 2)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def number(value: float | None, lang: str, digits: int = 1) -> str:
    """A plain figure: whole numbers without decimals, others with `digits`."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return money(value, lang)
    return localised(f"{value:,.{digits}f}", lang)


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return localised(f"{value * 100:.1f}%", lang)


def metric_value(metric: str, value: float | None, lang: str) -> str:
    """A metric shown the way people read it: money, count or percentage."""
    if metric in MONEY_METRICS:
        return money(value, lang)
    if metric in COUNT_METRICS:
        return number(value, lang)
    return percent(value, lang)


# Text for people quotes catalogue text: its control characters (an escape sequence that
# clears the terminal, a line break that forges a second diagnostic) and
# bidirectional overrides are printed escaped, never acted on.
_UNPRINTABLE = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
                for c in (*range(0x20), *range(0x7F, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F),
                          *range(0x2066, 0x206A), 0x2028, 0x2029)}


def printable(text: str) -> str:
    """Catalogue text made safe for a terminal or a pasted report: control characters shown escaped."""
    return text.translate(_UNPRINTABLE)
