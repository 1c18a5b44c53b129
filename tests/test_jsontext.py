"""The compact (national-scale) JSON path writes exactly the values the indented one does."""

from __future__ import annotations

import json

from simplify.report.jsontext import PRETTY_UP_TO, dumps

DOC = {
    "catalog": {"name": "Danh mục thủ tục hành chính cấp xã", "procedures": 3},
    "summary": {"annual_cost": 20_446_943_155_500.0, "online_share": 0.507, "tiny": 5.9e-07,
                "huge": 1.8e16, "count": 142_502, "nothing": None, "met": False},
    "findings": [{"rule": "ONCE001", "message": "Yêu cầu \"bản sao\" — đã có trong CSDL\n", "steps": ["s1", "s2"]}],
}


def test_compact_json_has_the_values_of_the_indented_json():
    pretty = dumps(DOC, PRETTY_UP_TO)
    compact = dumps(DOC, PRETTY_UP_TO + 1)
    assert isinstance(pretty, str) and "\n  " in pretty
    assert isinstance(compact, bytes) and b"\n" not in compact
    assert json.loads(compact) == json.loads(pretty) == DOC
    assert "Danh mục".encode("utf-8") in compact  # UTF-8 text, not \\u escapes
