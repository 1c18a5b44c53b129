"""Make a synthetic, national-scale procedure catalogue for benchmarks and tests.

`simplify` has to stay fast and correct on the real national catalogue (tens of
thousands of procedures, hundreds of thousands of steps and documents, Vietnamese
text), which we cannot ship; this script makes a stand-in with the same shape:
N procedures across ~16 ministries and three levels, ~6 steps and ~8 documents
each, thousands of evidence types of which some are held in national databases,
outputs of one procedure asked for as inputs of others (also inside life events),
certified and extra copies, in-person steps, branching step graphs, fees, volumes
and legal bases. Everything it writes is valid per `spec/catalogue.md`, so any
diagnostic on it is a bug in the reader, and the same N and seed always give
byte-identical files, so timings and golden outputs can be compared across runs.
It writes the folder form (`OUT/yaml/`) and the Excel form (`OUT/catalog.xlsx`)
of the same data; `generate()` returns that data for other scripts and tests.

Usage: python benchmarks/make_catalog.py N --seed S OUT [--format yaml|xlsx|both]
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import json
import random
import re
import shutil
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

__all__ = ["generate", "write_yaml_folder", "write_workbook", "main"]

MAX_PROCEDURES = 999_998  # codes have six digits after the dot

# Timestamps inside the workbook and its zip entries: fixed, so reruns are byte-identical.
_FIXED_DATETIME = datetime.datetime(2025, 7, 1, 0, 0, 0)
_FIXED_ZIP_TIME = (2025, 7, 1, 0, 0, 0)


def _nfc(value):
    """NFC-normalise every string in a nested literal, so source encoding never leaks out."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, tuple):
        return tuple(_nfc(v) for v in value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- vocabulary
# (ministry, ascii tag, weight, provincial department, databases, {sector: [objects]})
# Names follow the 2025 reorganisation (DOMAIN.md): merged ministries, no district level.
MINISTRIES = _nfc([
    ("Bộ Công an", "bca", 10, "Công an cấp tỉnh", ["dan_cu", "dang_ky_xe"], {
        "Đăng ký, quản lý cư trú": ["đăng ký thường trú", "đăng ký tạm trú", "thông báo lưu trú", "khai báo tạm vắng"],
        "Cấp, quản lý căn cước": ["cấp thẻ căn cước", "định danh cá nhân", "tài khoản định danh điện tử"],
        "Đăng ký, quản lý phương tiện giao thông": ["đăng ký xe mô tô", "đăng ký xe ô tô", "biển số xe"],
        "Phòng cháy, chữa cháy": ["thẩm duyệt thiết kế về phòng cháy, chữa cháy", "nghiệm thu về phòng cháy, chữa cháy"],
        "Quản lý xuất nhập cảnh": ["hộ chiếu phổ thông", "thị thực", "thẻ tạm trú cho người nước ngoài"],
    }),
    ("Bộ Tư pháp", "btp", 8, "Sở Tư pháp", ["ho_tich", "ly_lich_tu_phap"], {
        "Hộ tịch": ["khai sinh", "kết hôn", "khai tử", "nhận cha, mẹ, con", "giám hộ", "thay đổi, cải chính hộ tịch"],
        "Chứng thực": ["chứng thực chữ ký", "chứng thực hợp đồng, giao dịch", "chứng thực bản sao từ bản chính"],
        "Lý lịch tư pháp": ["lý lịch tư pháp"],
        "Công chứng": ["hành nghề công chứng", "thành lập văn phòng công chứng"],
        "Luật sư": ["hành nghề luật sư", "thành lập tổ chức hành nghề luật sư"],
    }),
    ("Bộ Tài chính", "btc", 12, "Sở Tài chính", ["dang_ky_doanh_nghiep", "thue"], {
        "Thành lập và hoạt động của doanh nghiệp": ["đăng ký doanh nghiệp", "đăng ký hộ kinh doanh", "thành lập chi nhánh", "thay đổi nội dung đăng ký doanh nghiệp"],
        "Thuế": ["đăng ký thuế", "hoàn thuế giá trị gia tăng", "miễn, giảm thuế", "quyết toán thuế thu nhập cá nhân"],
        "Hải quan": ["khai hải quan hàng hóa xuất khẩu", "kho ngoại quan", "đại lý làm thủ tục hải quan"],
        "Đầu tư": ["đăng ký đầu tư", "chấp thuận chủ trương đầu tư", "đầu tư ra nước ngoài"],
        "Kinh doanh bảo hiểm": ["kinh doanh bảo hiểm", "đại lý bảo hiểm"],
    }),
    ("Bộ Nội vụ", "bnv", 7, "Sở Nội vụ", ["bao_hiem", "lao_dong"], {
        "Việc làm": ["trợ cấp thất nghiệp", "giấy phép lao động cho người nước ngoài", "dịch vụ việc làm"],
        "Bảo hiểm xã hội": ["hưởng lương hưu", "trợ cấp mai táng", "chế độ tử tuất", "chế độ thai sản"],
        "Người có công": ["trợ cấp ưu đãi người có công", "công nhận liệt sĩ"],
        "Tổ chức hành chính, đơn vị sự nghiệp": ["thành lập đơn vị sự nghiệp công lập", "tổ chức lại đơn vị sự nghiệp"],
        "Thi đua, khen thưởng": ["khen thưởng", "danh hiệu thi đua"],
    }),
    ("Bộ Xây dựng", "bxd", 8, "Sở Xây dựng", ["giay_phep_lai_xe", "xay_dung"], {
        "Hoạt động xây dựng": ["xây dựng công trình", "năng lực hoạt động xây dựng", "hành nghề hoạt động xây dựng"],
        "Đường bộ": ["sát hạch lái xe", "kinh doanh vận tải bằng xe ô tô", "kiểm định xe cơ giới"],
        "Đường thủy nội địa": ["đăng ký phương tiện thủy nội địa", "bến thủy nội địa"],
        "Nhà ở": ["mua nhà ở xã hội", "sở hữu nhà ở của người nước ngoài"],
        "Hàng không dân dụng": ["khai thác cảng hàng không", "nhân viên hàng không"],
    }),
    ("Bộ Khoa học và Công nghệ", "bkhcn", 6, "Sở Khoa học và Công nghệ", ["so_huu_tri_tue"], {
        "Sở hữu trí tuệ": ["đăng ký nhãn hiệu", "bằng độc quyền sáng chế", "kiểu dáng công nghiệp"],
        "Viễn thông và Internet": ["cung cấp dịch vụ viễn thông", "tên miền quốc gia", "sử dụng tần số vô tuyến điện"],
        "Tiêu chuẩn, đo lường, chất lượng": ["công bố hợp chuẩn", "kiểm định phương tiện đo", "chứng nhận sự phù hợp"],
        "Báo chí, xuất bản": ["hoạt động báo chí", "hoạt động xuất bản", "in xuất bản phẩm"],
        "Năng lượng nguyên tử": ["tiến hành công việc bức xạ", "nhân viên bức xạ"],
    }),
    ("Bộ Nông nghiệp và Môi trường", "bnnmt", 10, "Sở Nông nghiệp và Môi trường", ["dat_dai", "moi_truong"], {
        "Đất đai": ["quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "chuyển mục đích sử dụng đất", "giao đất, cho thuê đất", "đăng ký biến động đất đai"],
        "Môi trường": ["giấy phép môi trường", "đánh giá tác động môi trường", "đăng ký môi trường"],
        "Tài nguyên nước": ["khai thác nước dưới đất", "xả nước thải vào nguồn nước"],
        "Thú y": ["kiểm dịch động vật", "cơ sở an toàn dịch bệnh động vật"],
        "Trồng trọt và bảo vệ thực vật": ["buôn bán thuốc bảo vệ thực vật", "công nhận giống cây trồng"],
        "Thủy sản": ["khai thác thủy sản", "đăng ký tàu cá"],
    }),
    ("Bộ Y tế", "byt", 8, "Sở Y tế", ["y_te", "bao_hiem"], {
        "Khám bệnh, chữa bệnh": ["hành nghề khám bệnh, chữa bệnh", "hoạt động cơ sở khám bệnh, chữa bệnh"],
        "Dược phẩm": ["hành nghề dược", "đủ điều kiện kinh doanh dược", "đăng ký lưu hành thuốc"],
        "An toàn thực phẩm": ["cơ sở đủ điều kiện an toàn thực phẩm", "tự công bố sản phẩm"],
        "Trang thiết bị y tế": ["lưu hành trang thiết bị y tế", "mua bán trang thiết bị y tế"],
        "Bảo hiểm y tế": ["thẻ bảo hiểm y tế", "giảm mức đóng bảo hiểm y tế hộ gia đình"],
    }),
    ("Bộ Giáo dục và Đào tạo", "bgddt", 5, "Sở Giáo dục và Đào tạo", ["giao_duc"], {
        "Giáo dục và đào tạo": ["thành lập trường", "cho phép hoạt động giáo dục", "công nhận văn bằng do nước ngoài cấp"],
        "Thi, tuyển sinh": ["đăng ký dự thi tốt nghiệp trung học phổ thông", "xét tuyển đại học", "phúc khảo bài thi"],
        "Giáo dục nghề nghiệp": ["hoạt động giáo dục nghề nghiệp", "kỹ năng nghề quốc gia"],
    }),
    ("Bộ Công Thương", "bct", 7, "Sở Công Thương", ["cong_thuong"], {
        "Điện": ["hoạt động điện lực", "cấp điện mới từ lưới điện hạ áp", "thay đổi chủ thể hợp đồng mua bán điện"],
        "Lưu thông hàng hóa trong nước": ["kinh doanh rượu", "kinh doanh xăng dầu", "bán lẻ hàng hóa", "nhượng quyền thương mại"],
        "Hóa chất": ["sản xuất, kinh doanh hóa chất", "vật liệu nổ công nghiệp"],
        "Xuất nhập khẩu": ["xuất xứ hàng hóa", "nhập khẩu tự động"],
    }),
    ("Bộ Văn hóa, Thể thao và Du lịch", "bvhttdl", 4, "Sở Văn hóa, Thể thao và Du lịch", [], {
        "Du lịch": ["kinh doanh dịch vụ lữ hành", "hướng dẫn viên du lịch", "công nhận hạng cơ sở lưu trú du lịch"],
        "Văn hóa": ["tổ chức biểu diễn nghệ thuật", "kinh doanh dịch vụ karaoke", "di sản văn hóa"],
        "Thể dục, thể thao": ["kinh doanh hoạt động thể thao", "tổ chức giải thi đấu thể thao"],
    }),
    ("Bộ Ngoại giao", "bng", 2, "Sở Ngoại vụ", [], {
        "Lãnh sự": ["hợp pháp hóa lãnh sự", "chứng nhận lãnh sự", "hộ chiếu ngoại giao"],
    }),
    ("Bộ Quốc phòng", "bqp", 3, "Bộ Chỉ huy quân sự tỉnh", [], {
        "Nghĩa vụ quân sự": ["đăng ký nghĩa vụ quân sự", "tạm hoãn gọi nhập ngũ"],
        "Biên phòng": ["ra vào khu vực biên giới", "xuất nhập cảnh tại cửa khẩu biên giới"],
    }),
    ("Bộ Dân tộc và Tôn giáo", "bdttg", 2, "Sở Dân tộc và Tôn giáo", [], {
        "Tôn giáo": ["đăng ký hoạt động tôn giáo", "công nhận tổ chức tôn giáo"],
        "Công tác dân tộc": ["hỗ trợ đồng bào dân tộc thiểu số", "công nhận người có uy tín"],
    }),
    ("Ngân hàng Nhà nước Việt Nam", "nhnn", 3, "Ngân hàng Nhà nước chi nhánh khu vực", [], {
        "Hoạt động ngân hàng": ["thành lập tổ chức tín dụng", "hoạt động ngoại hối", "cung ứng dịch vụ trung gian thanh toán"],
    }),
    ("Thanh tra Chính phủ", "ttcp", 1, "Thanh tra tỉnh", [], {
        "Khiếu nại, tố cáo": ["giải quyết khiếu nại", "giải quyết tố cáo", "tiếp công dân"],
    }),
])

# Legal-document issuer suffixes, per ministry tag, for Thông tư references.
_CIRCULAR_SUFFIX = {
    "bca": "BCA", "btp": "BTP", "btc": "BTC", "bnv": "BNV", "bxd": "BXD", "bkhcn": "BKHCN",
    "bnnmt": "BNNMT", "byt": "BYT", "bgddt": "BGDĐT", "bct": "BCT", "bvhttdl": "BVHTTDL",
    "bng": "BNG", "bqp": "BQP", "bdttg": "BDTTG", "nhnn": "NHNN", "ttcp": "TTCP",
}

DATABASES = _nfc([
    # id, name, connected, legal basis (or None)
    ("dan_cu", "Cơ sở dữ liệu quốc gia về dân cư", True, "Nghị định 47/2024/NĐ-CP"),
    ("ho_tich", "Cơ sở dữ liệu hộ tịch điện tử", True, "Nghị định 87/2020/NĐ-CP"),
    ("dang_ky_doanh_nghiep", "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", True, "Nghị định 168/2025/NĐ-CP"),
    ("bao_hiem", "Cơ sở dữ liệu quốc gia về bảo hiểm", True, "Nghị định 43/2019/NĐ-CP"),
    ("dat_dai", "Cơ sở dữ liệu quốc gia về đất đai", False, "Luật Đất đai 2024"),
    ("thue", "Cơ sở dữ liệu quản lý thuế", True, None),
    ("dang_ky_xe", "Cơ sở dữ liệu đăng ký xe", True, None),
    ("giay_phep_lai_xe", "Cơ sở dữ liệu giấy phép lái xe", False, None),
    ("ly_lich_tu_phap", "Cơ sở dữ liệu lý lịch tư pháp", False, "Luật Lý lịch tư pháp 2009"),
    ("giao_duc", "Cơ sở dữ liệu ngành giáo dục", False, None),
    ("y_te", "Cơ sở dữ liệu y tế", False, None),
    ("lao_dong", "Cơ sở dữ liệu về người lao động", False, None),
    ("xay_dung", "Cơ sở dữ liệu về hoạt động xây dựng", False, None),
    ("moi_truong", "Cơ sở dữ liệu môi trường quốc gia", False, None),
    ("so_huu_tri_tue", "Cơ sở dữ liệu sở hữu công nghiệp", False, None),
    ("cong_thuong", "Cơ sở dữ liệu ngành công thương", False, None),
])

# Documents nearly every citizen is asked for: they carry most of the once-only
# findings, so they get high weights. (id, name, name_en, held_in, weight, issuing sector)
CORE_EVIDENCE = _nfc([
    ("can_cuoc", "Thẻ căn cước", "Identity card", "dan_cu", 400, "Cấp, quản lý căn cước"),
    ("giay_khai_sinh", "Giấy khai sinh", "Birth certificate", "ho_tich", 120, "Hộ tịch"),
    ("giay_chung_nhan_ket_hon", "Giấy chứng nhận kết hôn", "Marriage certificate", "ho_tich", 40, "Hộ tịch"),
    ("xac_nhan_tinh_trang_hon_nhan", "Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status", "ho_tich", 30, "Hộ tịch"),
    ("trich_luc_khai_tu", "Trích lục khai tử", "Death register extract", "ho_tich", 15, "Hộ tịch"),
    ("xac_nhan_cu_tru", "Giấy xác nhận thông tin về cư trú", "Confirmation of residence", "dan_cu", 80, "Đăng ký, quản lý cư trú"),
    ("so_ho_khau", "Sổ hộ khẩu", "Household register book", "dan_cu", 40, None),
    ("anh_chan_dung", "Ảnh chân dung 4x6 cm", "Portrait photo", None, 90, None),
    ("giay_chung_nhan_dang_ky_doanh_nghiep", "Giấy chứng nhận đăng ký doanh nghiệp", "Business registration certificate", "dang_ky_doanh_nghiep", 150, "Thành lập và hoạt động của doanh nghiệp"),
    ("giay_chung_nhan_quyen_su_dung_dat", "Giấy chứng nhận quyền sử dụng đất", "Land-use right certificate", "dat_dai", 60, "Đất đai"),
    ("the_bao_hiem_y_te", "Thẻ bảo hiểm y tế", "Health insurance card", "bao_hiem", 30, "Bảo hiểm y tế"),
    ("so_bao_hiem_xa_hoi", "Sổ bảo hiểm xã hội", "Social insurance book", "bao_hiem", 25, "Bảo hiểm xã hội"),
    ("phieu_ly_lich_tu_phap", "Phiếu lý lịch tư pháp", "Judicial record certificate", "ly_lich_tu_phap", 45, "Lý lịch tư pháp"),
    ("giay_phep_lai_xe", "Giấy phép lái xe", "Driving licence", "giay_phep_lai_xe", 20, "Đường bộ"),
    ("giay_dang_ky_xe", "Giấy chứng nhận đăng ký xe", "Vehicle registration certificate", "dang_ky_xe", 20, "Đăng ký, quản lý phương tiện giao thông"),
    ("giay_kham_suc_khoe", "Giấy khám sức khỏe", "Health certificate", None, 60, None),
    ("van_bang_chung_chi", "Văn bằng, chứng chỉ đào tạo", "Diploma or training certificate", "giao_duc", 70, None),
    ("giay_uy_quyen", "Giấy ủy quyền", "Power of attorney", None, 50, None),
    ("giay_chung_sinh", "Giấy chứng sinh", "Birth notification", "y_te", 10, None),
    ("giay_bao_tu", "Giấy báo tử", "Death notification", None, 8, None),
    ("giay_chung_nhan_dang_ky_thue", "Giấy chứng nhận đăng ký thuế", "Tax registration certificate", "thue", 35, "Thuế"),
])

# Evidence families: certificates are what procedures issue, forms are filled in
# by the applicant, private papers come from outside the state.
CERT_PREFIXES = _nfc([
    ("Giấy chứng nhận", "Certificate of"), ("Giấy phép", "Licence for"), ("Giấy xác nhận", "Confirmation of"),
    ("Chứng chỉ", "Qualification certificate for"), ("Quyết định", "Decision on"),
    ("Văn bản chấp thuận", "Approval of"), ("Thẻ", "Card for"),
    ("Giấy chứng nhận đủ điều kiện", "Certificate of eligibility for"),
    ("Thông báo kết quả", "Notice of the result of"),
])
FORM_PREFIXES = _nfc([
    ("Tờ khai", "Declaration for"), ("Đơn đề nghị", "Application for"), ("Bản kê khai", "Statement for"),
    ("Phiếu đề nghị", "Request form for"), ("Báo cáo", "Report on"), ("Bản thuyết minh", "Explanatory note on"),
    ("Danh sách", "List for"), ("Đề án", "Scheme for"),
])
PRIVATE_PREFIXES = _nfc([
    ("Hợp đồng", "Contract for"), ("Biên bản", "Minutes on"), ("Bản vẽ thiết kế", "Design drawings for"),
    ("Sơ đồ vị trí", "Site plan for"), ("Hóa đơn", "Invoice for"), ("Báo cáo tài chính", "Financial statement for"),
    ("Hồ sơ năng lực", "Capability profile for"), ("Điều lệ", "Charter for"), ("Văn bản cam kết", "Undertaking for"),
])
QUALIFIERS = _nfc(["", "", "", " cho tổ chức", " cho cá nhân", " có yếu tố nước ngoài", " (mẫu 01)",
                   " (mẫu 02)", " hạng I", " hạng II", " tạm thời", " điện tử"])

CERT_VERBS = _nfc(["Cấp", "Cấp", "Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Bổ sung nội dung"])
ACT_VERBS = _nfc(["Đăng ký", "Thông báo", "Thẩm định", "Xác nhận", "Công nhận", "Giải quyết hồ sơ"])
INTERNAL_VERBS = _nfc(["Báo cáo định kỳ về", "Thẩm định, trình phê duyệt", "Phối hợp giải quyết",
                       "Lấy ý kiến về", "Kiểm tra, giám sát", "Tổng hợp, thống kê"])
NAME_SUFFIXES = _nfc(["", "", "", "", " cấp tỉnh", " cấp xã", " (đối với doanh nghiệp)",
                      " (thực hiện tại cấp tỉnh)", " cho người nước ngoài", " trong trường hợp bị mất, hỏng"])

# Outputs that are acts, not papers: "Cấp Quyết định ..." reads wrong, so those get an act verb.
_ACT_PREFIXES = _nfc(("Quyết định", "Thông báo kết quả", "Văn bản chấp thuận"))

LIFE_EVENTS = ["birth", "death", "marriage", "residence_change", "start_business", "build_house",
               "buy_land", "retirement", "job_loss", "school_enrolment", "vehicle_ownership", "travel_abroad"]

# Step vocabulary, in the order steps happen. (id, external name, internal name)
STEP_PREPARE = _nfc(("prepare", "Chuẩn bị hồ sơ", "Soạn thảo văn bản, hồ sơ"))
STEP_SUBMIT = _nfc(("submit", "Nộp hồ sơ", "Gửi hồ sơ đến cơ quan có thẩm quyền"))
STEP_RECEIVE = _nfc(("receive", "Nhận kết quả", "Nhận văn bản kết quả"))
APPLICANT_EXTRAS = _nfc([
    ("pay_fee", "Nộp phí, lệ phí", "Chuyển kinh phí", 0.30),
    ("supplement", "Bổ sung, hoàn thiện hồ sơ", "Bổ sung, giải trình", 0.12),
    ("attend", "Có mặt để đối chiếu, xác minh", "Cử người làm việc trực tiếp", 0.10),
])
AGENCY_STEPS = _nfc([
    ("receive_check", "Tiếp nhận và kiểm tra hồ sơ", "Tiếp nhận văn bản"),
    ("verify", "Xác minh thông tin", "Rà soát, đối chiếu số liệu"),
    ("inspect", "Kiểm tra thực tế", "Kiểm tra tại đơn vị"),
    ("appraise", "Thẩm định hồ sơ", "Thẩm định nội dung"),
    ("consult", "Lấy ý kiến cơ quan liên quan", "Lấy ý kiến các đơn vị"),
    ("approve", "Trình phê duyệt", "Trình lãnh đạo phê duyệt"),
    ("sign", "Ký, ban hành kết quả", "Ký, ban hành văn bản"),
    ("publish", "Cập nhật cơ sở dữ liệu", "Cập nhật hệ thống quản lý văn bản"),
    ("transfer", "Chuyển kết quả liên thông", "Chuyển văn bản đến nơi nhận"),
])
FEE_NAMES = _nfc(["Lệ phí cấp giấy", "Phí thẩm định hồ sơ", "Lệ phí đăng ký", "Phí khai thác, sử dụng thông tin",
                  "Phí thẩm định điều kiện kinh doanh", "Lệ phí cấp chứng chỉ"])
FEE_AMOUNTS = [0, 5_000, 10_000, 20_000, 30_000, 50_000, 100_000, 150_000, 200_000, 300_000,
               500_000, 1_000_000, 2_000_000, 3_000_000]
IN_PERSON_BASES = _nfc(["Luật Cư trú 2020, Điều 22", "Luật Căn cước 2023, Điều 23",
                        "Nghị định 23/2015/NĐ-CP, Điều 20", "Luật Hộ tịch 2014, Điều 18",
                        "Quy chế văn thư", "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 2019"])
# Laws per ministry tag, so a procedure cites laws of its own field.
LAWS = _nfc({
    "bca": ["Luật Cư trú 2020", "Luật Căn cước 2023", "Luật Trật tự, an toàn giao thông đường bộ 2024",
            "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 2019"],
    "btp": ["Luật Hộ tịch 2014", "Luật Lý lịch tư pháp 2009", "Luật Công chứng 2024", "Luật Luật sư 2006"],
    "btc": ["Luật Doanh nghiệp 2020", "Luật Đầu tư 2020", "Luật Quản lý thuế 2019", "Luật Hải quan 2014"],
    "bnv": ["Luật Bảo hiểm xã hội 2024", "Luật Việc làm 2013", "Luật Thi đua, khen thưởng 2022"],
    "bxd": ["Luật Xây dựng 2014", "Luật Nhà ở 2023", "Luật Đường bộ 2024", "Luật Hàng không dân dụng Việt Nam 2006"],
    "bkhcn": ["Luật Sở hữu trí tuệ 2005", "Luật Viễn thông 2023", "Luật Báo chí 2016", "Luật Năng lượng nguyên tử 2008"],
    "bnnmt": ["Luật Đất đai 2024", "Luật Bảo vệ môi trường 2020", "Luật Tài nguyên nước 2023", "Luật Thú y 2015"],
    "byt": ["Luật Khám bệnh, chữa bệnh 2023", "Luật Dược 2016", "Luật An toàn thực phẩm 2010", "Luật Bảo hiểm y tế 2008"],
    "bgddt": ["Luật Giáo dục 2019", "Luật Giáo dục đại học 2012", "Luật Giáo dục nghề nghiệp 2014"],
    "bct": ["Luật Điện lực 2024", "Luật Thương mại 2005", "Luật Hóa chất 2007", "Luật Quản lý ngoại thương 2017"],
    "bvhttdl": ["Luật Du lịch 2017", "Luật Di sản văn hóa 2024", "Luật Thể dục, thể thao 2006"],
    "bng": ["Luật Cơ quan đại diện nước Cộng hòa xã hội chủ nghĩa Việt Nam ở nước ngoài 2009"],
    "bqp": ["Luật Nghĩa vụ quân sự 2015", "Luật Biên phòng Việt Nam 2020"],
    "bdttg": ["Luật Tín ngưỡng, tôn giáo 2016"],
    "nhnn": ["Luật Các tổ chức tín dụng 2024", "Luật Ngân hàng Nhà nước Việt Nam 2010"],
    "ttcp": ["Luật Khiếu nại 2011", "Luật Tố cáo 2018", "Luật Tiếp công dân 2013"],
})
CROSS_CUTTING_LAWS = _nfc(["Luật Giao dịch điện tử 2023", "Luật Phí và lệ phí 2015", "Nghị định 63/2010/NĐ-CP",
                           "Nghị định 45/2020/NĐ-CP", "Nghị định 118/2025/NĐ-CP"])
DECREE_SUFFIX = _nfc("NĐ-CP")

# Slugs: drop diacritics, and đ (no decomposition) by hand.
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _slug(text: str, sep: str, limit: int) -> str:
    slug = _SLUG_DROP.sub(sep, _ascii(text)).strip(sep)
    if len(slug) > limit:
        slug = slug[:limit].rsplit(sep, 1)[0]
    return slug or "x"


def _num(x: float):
    """An int when integral (YAML and cells stay tidy), else a short float."""
    x = round(x, 2)
    return int(x) if x == int(x) else x


# --------------------------------------------------------------------------- generation
class _Pool:
    """A weighted pool of evidence ids; bisect on cumulative weights beats choices() in loops."""

    __slots__ = ("ids", "cum", "total")

    def __init__(self, ids, weights):
        self.ids = ids
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def pick(self, rng: random.Random) -> str:
        return self.ids[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _legal_refs(rng: random.Random):
    """A pool of legal references per ministry tag: laws, decrees and circulars."""
    refs = {}
    for _, tag, *_ in MINISTRIES:
        pool = list(LAWS[tag]) + rng.sample(CROSS_CUTTING_LAWS, 2)
        for _ in range(5):
            pool.append(f"Nghị định {rng.randint(1, 180)}/{rng.randint(2015, 2025)}/{DECREE_SUFFIX}")
        for _ in range(6):
            pool.append(_nfc(f"Thông tư {rng.randint(1, 60):02d}/{rng.randint(2016, 2025)}/TT-{_CIRCULAR_SUFFIX[tag]}"))
        refs[tag] = pool
    return refs


def _make_databases():
    out = []
    for db_id, name, connected, basis in DATABASES:
        db = {"id": db_id, "name": name}
        if connected:
            db["connected"] = True
        if basis:
            db["legal_basis"] = basis
        out.append(db)
    return out


def _make_evidence_types(rng: random.Random, count: int):
    """Evidence types plus the pools procedures draw from (by family and ministry)."""
    evidence = []
    used_ids = set()
    core_by_sector = {}
    popular_ids, popular_w = [], []
    for ev_id, name, name_en, held_in, weight, sector in CORE_EVIDENCE:
        ev = {"id": ev_id, "name": name, "name_en": name_en}
        if held_in:
            ev["held_in"] = held_in
        evidence.append(ev)
        used_ids.add(ev_id)
        popular_ids.append(ev_id)
        popular_w.append(weight)
        if sector:
            core_by_sector.setdefault(sector, []).append(ev_id)

    ministry_weights = list(itertools.accumulate(m[2] for m in MINISTRIES))
    # family -> ministry tag -> ([ids], [weights]); topic keeps the object phrase for naming
    pools = {fam: {m[1]: ([], []) for m in MINISTRIES} for fam in ("cert", "form", "private")}
    cert_object = {}
    for i in range(max(0, count - len(CORE_EVIDENCE))):
        ministry = MINISTRIES[bisect.bisect_right(ministry_weights, rng.random() * ministry_weights[-1])]
        tag, dbs, sectors = ministry[1], ministry[4], ministry[5]
        sector = rng.choice(list(sectors))
        obj = rng.choice(sectors[sector])
        r = rng.random()
        family = "cert" if r < 0.5 else ("form" if r < 0.85 else "private")
        prefixes = {"cert": CERT_PREFIXES, "form": FORM_PREFIXES, "private": PRIVATE_PREFIXES}[family]
        prefix, prefix_en = rng.choice(prefixes)
        qualifier = rng.choice(QUALIFIERS)
        name = f"{prefix} {obj}{qualifier}"
        base = _slug(f"{prefix} {obj}{qualifier}", "_", 48)
        ev_id, k = base, 2
        while ev_id in used_ids:
            ev_id, k = f"{base}_{k}", k + 1
        used_ids.add(ev_id)
        ev = {"id": ev_id, "name": name}
        if rng.random() < 0.3:
            ev["name_en"] = f"{prefix_en} {_ascii(obj)}"
        # Mostly certificates are held in a database; ~10% of all types in the end.
        if dbs and ((family == "cert" and rng.random() < 0.22) or (family != "cert" and rng.random() < 0.01)):
            ev["held_in"] = rng.choice(dbs)
        evidence.append(ev)
        # Zipf-like popularity: a few types are asked for everywhere, most rarely.
        weight = 1.0 / (1 + rng.random() * 60) ** 1.2
        ids, ws = pools[family][tag]
        ids.append(ev_id)
        ws.append(weight)
        if family == "cert":
            cert_object[ev_id] = (sector, obj + qualifier)

    return evidence, {
        "popular": _Pool(popular_ids, popular_w),
        "by_family": {fam: {tag: _Pool(*iw) for tag, iw in by_tag.items() if iw[0]} for fam, by_tag in pools.items()},
        "any": {fam: _Pool([i for iw in by_tag.values() for i in iw[0]], [w for iw in by_tag.values() for w in iw[1]])
                for fam, by_tag in pools.items()},
        "cert_object": cert_object,
        "core_by_sector": core_by_sector,
        "names": {ev["id"]: ev["name"] for ev in evidence},
    }


def _weighted(rng: random.Random, table):
    """Pick a key of {value: weight}; tables are small, so a linear scan is fine."""
    r = rng.random() * sum(table.values())
    for value, weight in table.items():
        r -= weight
        if r < 0:
            return value
    return value


_STEP_COUNTS = {3: 6, 4: 12, 5: 18, 6: 22, 7: 17, 8: 11, 9: 8, 10: 6}
_DOC_COUNTS = {2: 2, 3: 4, 4: 6, 5: 8, 6: 10, 7: 12, 8: 12, 9: 12, 10: 10, 11: 8, 12: 7, 13: 5, 14: 4}
_AGENCY_DAYS = [0, 0, 0.5, 1, 1, 2, 2, 3, 5, 7, 10, 15, 20, 30]


def _make_steps(rng: random.Random, internal: bool, online_mode: str):
    """Steps with a single entry; `after` lists only name earlier steps, so the graph is a DAG."""
    name_at = 2 if internal else 1
    has_prepare = rng.random() < 0.6
    has_receive = rng.random() < 0.85
    total = _weighted(rng, _STEP_COUNTS)
    fixed = 1 + has_prepare + has_receive
    room = total - fixed
    extras = []
    for ex in APPLICANT_EXTRAS:
        if len(extras) < room and rng.random() < ex[3] and not (ex[0] == "attend" and online_mode == "full"):
            extras.append(ex)
    agency = sorted(rng.sample(range(len(AGENCY_STEPS)), min(room - len(extras), len(AGENCY_STEPS))))

    plan = []  # (vocab entry, actor)
    if has_prepare:
        plan.append((STEP_PREPARE, "applicant"))
    plan.append((STEP_SUBMIT, "applicant"))
    middle = [(AGENCY_STEPS[i], "agency") for i in agency]
    for ex in extras:
        # Applicant extras come after submission, among the agency steps.
        middle.insert(rng.randint(0, len(middle)), (ex, "applicant"))
    plan.extend(middle)
    if has_receive:
        plan.append((STEP_RECEIVE, "applicant"))

    steps = []
    branched = len(plan) >= 4 and rng.random() < 0.25
    for idx, (entry, actor) in enumerate(plan):
        sid = entry[0]
        step = {"id": sid, "name": entry[name_at]}
        if actor == "agency" or rng.random() < 0.1:
            step["actor"] = actor  # applicant is the default; say it now and then anyway
        if actor == "applicant":
            hours = {"prepare": rng.choice([0.5, 1, 1, 2, 4, 8]), "submit": rng.choice([0.25, 0.5, 0.5, 1]),
                     "receive": rng.choice([0, 0.25, 0.5]), "pay_fee": 0.25, "supplement": rng.choice([0.5, 1, 2]),
                     "attend": rng.choice([0.5, 1, 2])}[sid]
            if hours:
                step["hours"] = _num(hours)
            if rng.random() < 0.05:
                step["cost"] = rng.choice([5_000, 10_000, 20_000, 50_000, 100_000, 200_000])
            p_person = {"prepare": 0.0, "submit": 0.75, "receive": 0.55, "pay_fee": 0.2,
                        "supplement": 0.3, "attend": 1.0}[sid] * (0.6 if internal else 1.0)
            in_person = rng.random() < p_person
            if in_person:
                step["in_person"] = True
                if rng.random() < 0.06 or sid == "attend" and rng.random() < 0.5:
                    step["in_person_basis"] = rng.choice(IN_PERSON_BASES)
            elif rng.random() < 0.1:
                step["in_person"] = False
            if online_mode == "full":
                online = True
            elif online_mode == "partial":
                online = sid == "submit" or (sid != "attend" and rng.random() < 0.5)
            else:
                online = False
            if online:
                step["online"] = True
            elif rng.random() < 0.1:
                step["online"] = False
        else:
            days = rng.choice(_AGENCY_DAYS)
            if days:
                step["days"] = _num(days)
        if idx == 0 and rng.random() < 0.05:
            step["after"] = []
        elif branched and idx >= 2 and rng.random() < 0.4:
            earlier = [s["id"] for s in steps]
            picked = set(rng.sample(range(len(earlier)), rng.choice([1, 1, 2])))
            step["after"] = [earlier[i] for i in sorted(picked)]
        steps.append(step)
    return steps


def _make_documents(rng, steps, pools, tag, internal, own_outputs, event_outputs):
    applicant_steps = [s["id"] for s in steps if s.get("actor", "applicant") == "applicant"]
    count = _weighted(rng, _DOC_COUNTS) - (2 if internal else 0)
    count = max(2, count)
    fam_pools = pools["by_family"]
    chosen, seen = [], set(own_outputs)

    def take(ev_id):
        if ev_id not in seen:
            seen.add(ev_id)
            chosen.append(ev_id)

    # A dossier opens with the procedure's own form.
    form_pool = fam_pools["form"].get(tag) or pools["any"]["form"]
    take(form_pool.pick(rng))
    if event_outputs and rng.random() < 0.7:
        # Inside a life event, ask for what an earlier procedure of the event issued.
        take(rng.choice(event_outputs))
    tries = 0
    while len(chosen) < count and tries < count * 6:
        tries += 1
        r = rng.random()
        if r < 0.30 and not internal:
            take(pools["popular"].pick(rng))
        elif r < 0.62:
            fam_pool = fam_pools["cert"].get(tag) if rng.random() < 0.6 else None
            take((fam_pool or pools["any"]["cert"]).pick(rng))
        elif r < 0.82:
            fam_pool = fam_pools["private"].get(tag) if rng.random() < 0.6 else None
            take((fam_pool or pools["any"]["private"]).pick(rng))
        else:
            fam_pool = fam_pools["form"].get(tag) if rng.random() < 0.6 else None
            take((fam_pool or pools["any"]["form"]).pick(rng))

    names = pools["names"]
    documents = []
    for i, ev_id in enumerate(chosen):
        doc = {"evidence": ev_id}
        if rng.random() < 0.2:
            doc["name"] = names[ev_id] + rng.choice([" (bản chính)", " đã được hợp pháp hóa", " còn hiệu lực",
                                                    " theo mẫu", " của người đề nghị"])
        r = rng.random()
        if i == 0:
            if rng.random() < 0.2:
                doc["original"] = 1
        elif r < 0.17:
            doc["copies"] = rng.choice([1, 1, 1, 2])
            doc["certified"] = True
        elif r < 0.27:
            # Extra copies next to the original: a classic simplification target.
            doc["original"] = 1
            doc["copies"] = rng.choice([1, 2, 2, 3])
        elif r < 0.47:
            doc["copies"] = 1
            if rng.random() < 0.3:
                doc["original"] = 0
            if rng.random() < 0.1:
                doc["certified"] = False
        if "copies" in doc or rng.random() < 0.15:
            doc["pages"] = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 8, 12, 20])
        hours = rng.choice([0, 0, 0, 0.25, 0.5, 0.5, 1, 2, 4]) if i else rng.choice([0.25, 0.5, 1, 2])
        if hours:
            doc["hours"] = _num(hours)
        if rng.random() < 0.08:
            doc["cost"] = rng.choice([10_000, 20_000, 50_000, 100_000, 200_000, 500_000])
        if len(applicant_steps) > 1 and rng.random() < 0.15:
            doc["step"] = rng.choice(applicant_steps)
        elif rng.random() < 0.05:
            doc["step"] = applicant_steps[0]
        documents.append(doc)
    return documents


def _make_fees(rng, internal):
    fees = []
    if internal and rng.random() < 0.9:
        return fees
    n_fees = 0 if rng.random() < 0.4 else (2 if rng.random() < 0.12 else 1)
    for name in rng.sample(FEE_NAMES, n_fees):
        fee = {"name": name, "amount": rng.choice(FEE_AMOUNTS)}
        if fee["amount"] and rng.random() < 0.3:
            fee["online_amount"] = fee["amount"] // 2000 * 1000
        if rng.random() < 0.5:
            fee["payable_online"] = True
        elif rng.random() < 0.1:
            fee["payable_online"] = False
        fees.append(fee)
    return fees


def generate(n: int, seed: int) -> dict:
    """Return a valid synthetic catalogue of n procedures as plain data (same n and seed, same data)."""
    if not 1 <= n <= MAX_PROCEDURES:
        raise ValueError(f"n must be between 1 and {MAX_PROCEDURES}")
    rng = random.Random(seed)
    databases = _make_databases()
    evidence, pools = _make_evidence_types(rng, max(200, n // 4))
    legal = _legal_refs(rng)
    ministry_weights = list(itertools.accumulate(m[2] for m in MINISTRIES))
    numbers = sorted(rng.sample(range(1, MAX_PROCEDURES + 1), n))
    cert_object = pools["cert_object"]
    cert_by_sector = {}
    for ev_id, (sector, _) in cert_object.items():
        cert_by_sector.setdefault(sector, []).append(ev_id)

    # Pass 1: who each procedure is and what it issues, so pass 2 can ask for it.
    skeletons = []
    for number in numbers:
        ministry = MINISTRIES[bisect.bisect_right(ministry_weights, rng.random() * ministry_weights[-1])]
        tag, sectors = ministry[1], ministry[5]
        sector = rng.choice(list(sectors))
        internal = rng.random() < 0.15
        level = _weighted(rng, {"central": 30, "province": 45, "commune": 25})
        if tag == "nhnn" and level == "commune":
            level = "province"
        sector_certs = cert_by_sector.get(sector) or list(cert_object) or [evidence[0]["id"]]
        core = pools["core_by_sector"].get(sector)
        if core and not internal and rng.random() < 0.3:
            main_output = rng.choice(core)
            name = f"{rng.choice(CERT_VERBS)} {pools['names'][main_output]}"
        else:
            main_output = rng.choice(sector_certs)
            obj = cert_object.get(main_output, (sector, pools["names"][main_output]))[1]
            if internal:
                name = f"{rng.choice(INTERNAL_VERBS)} {obj}"
            elif rng.random() < 0.6 and not pools["names"][main_output].startswith(_ACT_PREFIXES):
                name = f"{rng.choice(CERT_VERBS)} {pools['names'][main_output]}"
            else:
                name = f"{rng.choice(ACT_VERBS)} {obj}"
        name += rng.choice(NAME_SUFFIXES)
        outputs = [main_output]
        if rng.random() < 0.3:
            second = rng.choice(sector_certs)
            if second != main_output:
                outputs.append(second)
        subject = "agency" if internal else ("business" if rng.random() < 0.235 else "citizen")
        life_event = None
        if not internal and rng.random() < 0.125:
            life_event = "start_business" if subject == "business" and rng.random() < 0.6 else rng.choice(LIFE_EVENTS)
        skeletons.append((number, ministry, sector, internal, level, name, outputs, subject, life_event))

    procedures = []
    event_outputs = {}
    for number, ministry, sector, internal, level, name, outputs, subject, life_event in skeletons:
        mname, tag, _, department, _, _ = ministry
        code = f"{2 if internal else 1}.{number:06d}"
        p = {"code": code, "name": name}
        if internal or rng.random() < 0.8:
            p["kind"] = "internal" if internal else "external"
        if subject != "citizen" or rng.random() < 0.6:
            if not (internal and rng.random() < 0.5):
                p["subject"] = subject
        p["level"] = level
        p["ministry"] = mname
        if level == "central":
            p["agency"] = f"Cục {sector[0].lower()}{sector[1:]}" if rng.random() < 0.7 else mname
        elif level == "province":
            p["agency"] = department if rng.random() < 0.75 else _nfc("UBND cấp tỉnh")
        else:
            p["agency"] = _nfc("Công an cấp xã") if tag == "bca" else _nfc("UBND cấp xã")
        p["sector"] = sector
        if life_event:
            p["life_event"] = life_event
        essential = not internal and rng.random() < 0.024
        if essential:
            p["essential"] = True
        online_eligible = essential or rng.random() < 0.9
        if not online_eligible:
            p["online_eligible"] = False
        elif rng.random() < 0.05:
            p["online_eligible"] = True
        online_mode = "none" if not online_eligible else _weighted(rng, {"full": 40, "partial": 40, "none": 20})

        if rng.random() < 0.75:
            lo, hi = (0.5, 3.5) if internal else (1.0, 6.3)
            p["volume_per_year"] = int(10 ** rng.uniform(lo, hi))
        else:
            p["frequency"] = _num(rng.choice([1, 1, 1, 0.5, 0.2, 2, 4, 12]))
            p["population"] = int(10 ** rng.uniform(1.5 if internal else 2.0, 3.5 if internal else 6.5))

        steps = _make_steps(rng, internal, online_mode)
        any_online = any(s.get("online") for s in steps if s.get("actor", "applicant") == "applicant")
        if any_online and rng.random() < 0.85:
            p["online_share"] = round(rng.betavariate(2, 2.5), 2)
        elif rng.random() < 0.3:
            p["online_share"] = 0  # W102 only fires above 0, so an explicit 0 stays clean
        refs = legal[tag]
        p["legal_basis"] = sorted(set(rng.sample(refs, rng.choice([1, 1, 2, 2, 3, 4]))), key=refs.index)
        channels = []
        if any_online:
            channels.append("online")
        if not channels or rng.random() < 0.95:
            channels.append("counter")
        if rng.random() < 0.35:
            channels.append("post")
        if channels != ["counter"] or rng.random() < 0.5:
            p["channels"] = channels

        fees = _make_fees(rng, internal)
        if fees:
            p["fees"] = fees
        p["steps"] = steps
        documents = _make_documents(rng, steps, pools, tag, internal, outputs, event_outputs.get(life_event))
        for doc in documents:
            if rng.random() < 0.1:
                doc["required_by"] = rng.choice(refs)
        p["documents"] = documents
        p["outputs"] = [{"evidence": ev} for ev in outputs]
        if life_event:
            event_outputs.setdefault(life_event, []).extend(outputs)

        waivers = []
        if rng.random() < 0.02:
            certified = [d["evidence"] for d in documents if d.get("certified")]
            if certified:
                waivers.append({"rule": "DOC001", "evidence": certified[0],
                                "reason": _nfc(f"{refs[0]} yêu cầu bản sao có chứng thực")})
            in_person = [s["id"] for s in steps if s.get("in_person")]
            if in_person:
                waivers.append({"rule": "STEP001", "step": in_person[-1],
                                "reason": _nfc("Cần đối chiếu trực tiếp với người đề nghị")})
        if waivers:
            p["waivers"] = waivers
        procedures.append(p)

    procedures.sort(key=lambda p: p["code"])
    internal_count = sum(1 for p in procedures if p.get("kind") == "internal")
    catalog = {
        "name": _nfc(f"Danh mục TTHC tổng hợp ({n} thủ tục)"),
        "version": f"synthetic-{n}-{seed}",
        "jurisdiction": _nfc("Việt Nam"),
        "baseline": {
            "date": datetime.date(2024, 8, 1),
            "procedures": n + n // 4,
            "internal_procedures": internal_count + internal_count // 2 + 1,
        },
    }
    return {"catalog": catalog, "evidence_types": evidence, "databases": databases, "procedures": procedures}


# --------------------------------------------------------------------------- YAML
# Plain scalars must start with a letter and avoid every indicator that could
# change their meaning; anything else is written double-quoted (JSON is valid YAML).
_PLAIN = re.compile(r"[^\W\d_][^\x00-\x1f\x7f-\x9f:#\u2028\u2029\ufeff]*")
_FLOW_ITEM = re.compile(r"[a-z][a-z0-9_]*")
_UNSAFE_IN_QUOTES = re.compile(r"[\x7f-\x9f\u2028\u2029\ufeff]")
_RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}
_str_cache: dict = {}


def _scalar(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = repr(v)
        if "e" in text or "n" in text or "." not in text:
            text = f"{v:.6f}".rstrip("0")  # PyYAML's float resolver needs a dot and no bare exponent
        return text
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, str):
        out = _str_cache.get(v)
        if out is None:
            plain = _PLAIN.fullmatch(v) and not v[-1].isspace() and v.lower() not in _RESERVED
            # YAML folds NEL and the Unicode line separators even inside quotes: escape them.
            out = v if plain else json.dumps(v, ensure_ascii=bool(_UNSAFE_IN_QUOTES.search(v)))
            if len(_str_cache) < 200_000:
                _str_cache[v] = out
        return out
    raise TypeError(f"cannot write {type(v).__name__} as YAML")


def _entry(head: str, v, ind: int, out: list) -> None:
    if isinstance(v, dict):
        if not v:
            out.append(head + " {}")
        else:
            out.append(head)
            _mapping(v, ind + 2, out)
    elif isinstance(v, list):
        if not v:
            out.append(head + " []")
        elif all(isinstance(x, str) and _FLOW_ITEM.fullmatch(x) and x not in _RESERVED for x in v):
            out.append(head + " [" + ", ".join(v) + "]")
        else:
            out.append(head)
            _sequence(v, ind + 2, out)
    else:
        out.append(head + " " + _scalar(v))


def _mapping(m: dict, ind: int, out: list) -> None:
    pad = " " * ind
    for k, v in m.items():
        _entry(pad + k + ":", v, ind, out)


def _sequence(seq: list, ind: int, out: list) -> None:
    pad = " " * ind
    for item in seq:
        if isinstance(item, dict) and item:
            lead = pad + "- "
            for k, v in item.items():
                _entry(lead + k + ":", v, ind + 2, out)
                lead = pad + "  "
        elif isinstance(item, list) and item:
            out.append(pad + "-")
            _sequence(item, ind + 2, out)
        else:
            out.append(pad + "- " + _scalar(item))


def to_yaml(mapping: dict) -> str:
    """Block-style YAML for the plain data this module makes (PyYAML reads it back identically)."""
    out: list = []
    _mapping(mapping, 0, out)
    out.append("")
    return "\n".join(out)


def procedure_filename(proc: dict) -> str:
    """`<code>-<slug>.yaml`, the slug an ASCII rendering of the name."""
    return f"{proc['code']}-{_slug(proc['name'], '-', 60)}.yaml"


def write_yaml_folder(data: dict, path) -> Path:
    """Write the folder form: catalog.yaml, evidence_types.yaml, databases.yaml, procedures/."""
    root = Path(path)
    proc_dir = root / "procedures"
    proc_dir.mkdir(parents=True, exist_ok=True)
    (root / "catalog.yaml").write_bytes(to_yaml(data["catalog"]).encode("utf-8"))
    (root / "evidence_types.yaml").write_bytes(to_yaml({"evidence_types": data["evidence_types"]}).encode("utf-8"))
    (root / "databases.yaml").write_bytes(to_yaml({"databases": data["databases"]}).encode("utf-8"))
    written = set()
    for proc in data["procedures"]:
        name = procedure_filename(proc)
        written.add(name)
        (proc_dir / name).write_bytes(to_yaml(proc).encode("utf-8"))
    # A rerun with another N must not leave stale procedures behind.
    for stale in proc_dir.glob("*.yaml"):
        if stale.name not in written:
            stale.unlink()
    return root


# --------------------------------------------------------------------------- Excel
PROCEDURE_COLUMNS = ["code", "name", "kind", "subject", "level", "ministry", "agency", "sector", "life_event",
                     "essential", "online_eligible", "volume_per_year", "frequency", "population", "online_share",
                     "channels", "legal_basis"]
STEP_COLUMNS = ["procedure", "id", "name", "actor", "hours", "cost", "days", "in_person", "in_person_basis",
                "online", "after"]
DOCUMENT_COLUMNS = ["procedure", "evidence", "name", "original", "copies", "certified", "pages", "hours", "cost",
                    "step", "required_by"]
OUTPUT_COLUMNS = ["procedure", "evidence"]
FEE_COLUMNS = ["procedure", "name", "amount", "online_amount", "payable_online"]
WAIVER_COLUMNS = ["procedure", "rule", "evidence", "step", "reason"]
EVIDENCE_COLUMNS = ["id", "name", "name_en", "held_in"]
DATABASE_COLUMNS = ["id", "name", "connected", "legal_basis"]


def _cell(v):
    """Spec section 6: booleans as true/false text, lists joined by ';', absent as an empty cell."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, list):
        return ";".join(x if isinstance(x, str) else x["ref"] for x in v) or None
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def _rows(records, columns, parent=None):
    for rec in records:
        row = [_cell(rec.get(c)) for c in columns]
        if parent is not None:
            row[0] = parent
        yield row


def _flatten(prefix, mapping):
    for k, v in mapping.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _flatten(key + ".", v)
        else:
            yield [key, _cell(v)]


def _sheets(data):
    procs = data["procedures"]
    yield "catalog", ["key", "value"], _flatten("", data["catalog"])
    yield "procedures", PROCEDURE_COLUMNS, _rows(procs, PROCEDURE_COLUMNS)
    for sheet, key, columns in (("steps", "steps", STEP_COLUMNS), ("documents", "documents", DOCUMENT_COLUMNS),
                                ("outputs", "outputs", OUTPUT_COLUMNS), ("fees", "fees", FEE_COLUMNS),
                                ("waivers", "waivers", WAIVER_COLUMNS)):
        yield sheet, columns, (row for p in procs for row in _rows(p.get(key, ()), columns, p["code"]))
    yield "evidence_types", EVIDENCE_COLUMNS, _rows(data["evidence_types"], EVIDENCE_COLUMNS)
    yield "databases", DATABASE_COLUMNS, _rows(data["databases"], DATABASE_COLUMNS)


class _FixedTimeZip(zipfile.ZipFile):
    """openpyxl stamps zip entries with the clock and temp-file mtimes; pin them for byte-identical output."""

    def _info(self, arcname):
        info = zipfile.ZipInfo(arcname, _FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        info = self._info(arcname or Path(filename).name)
        # Known size up front: zip64 headers only when needed (some readers choke on them).
        info.file_size = Path(filename).stat().st_size
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def write_workbook(data: dict, path) -> Path:
    """Write the Excel form (one sheet per table, English headers) with openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    wb.properties.creator = "benchmarks/make_catalog.py"
    wb.properties.created = _FIXED_DATETIME
    wb.properties.modified = _FIXED_DATETIME
    for title, columns, rows in _sheets(data):
        ws = wb.create_sheet(title)
        ws.append(columns)
        for row in rows:
            for i, v in enumerate(row):
                if isinstance(v, str) and v.startswith("="):
                    # openpyxl would store it as a live formula; keep it text.
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"
                    row[i] = cell
            ws.append(row)
    # ExcelWriter instead of wb.save(): save() resets `modified` to now.
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return path


# --------------------------------------------------------------------------- CLI
def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Make a deterministic synthetic procedure catalogue (folder of YAML and/or Excel workbook).")
    parser.add_argument("n", type=int, metavar="N", help="number of procedures")
    parser.add_argument("out", type=Path, metavar="OUT", help="output folder: OUT/yaml/ and OUT/catalog.xlsx")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--format", choices=["yaml", "xlsx", "both"], default="both", help="what to write (default both)")
    args = parser.parse_args(argv)
    if not 1 <= args.n <= MAX_PROCEDURES:
        parser.error(f"N must be between 1 and {MAX_PROCEDURES}")

    t0 = time.perf_counter()
    data = generate(args.n, args.seed)
    t1 = time.perf_counter()
    procs = data["procedures"]
    print(f"generated {len(procs)} procedures, {sum(len(p['steps']) for p in procs)} steps, "
          f"{sum(len(p['documents']) for p in procs)} documents, {len(data['evidence_types'])} evidence types "
          f"in {t1 - t0:.1f} s", file=sys.stderr)
    if args.format in ("yaml", "both"):
        t = time.perf_counter()
        folder = write_yaml_folder(data, args.out / "yaml")
        print(f"wrote {folder} ({_size(folder) / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if args.format in ("xlsx", "both"):
        t = time.perf_counter()
        book = write_workbook(data, args.out / "catalog.xlsx")
        print(f"wrote {book} ({_size(book) / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
