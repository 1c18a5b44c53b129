"""The rows of the report's worksheets as the XML openpyxl writes for them, without a cell object per value.

openpyxl (without lxml) turns every cell into an element tree and serialises
it in Python, about 14 µs a cell: most of the report's time at 400,000 cells.
Here a row is written as text, byte for byte what openpyxl's own writer makes
of the same cells (tests/test_report.py holds the two side by side; through
lxml, openpyxl spaces the same elements a little differently), and
`save_with_rows` puts each sheet's rows into the file openpyxl saved with
none.

Values are text (stored as an inline string, never a formula), int, float
(finite) or date; a style is the attribute openpyxl gives a styled cell,
`' s="N"'`, or "" for the default.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any, BinaryIO
from xml.sax.saxutils import escape  # &, < and >, as xml.etree escapes an element's text

from openpyxl.compat import safe_string
from openpyxl.utils.datetime import to_excel

EMPTY_ROWS = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def cell_xml(ref: str, value: Any, style: str, epoch: Any) -> str:
    """The <c> element of one cell at `ref` (e.g. "B7")."""
    if isinstance(value, str):
        if not value:
            return f'<c r="{ref}"{style} t="inlineStr" />'
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        if "&" in value or "<" in value or ">" in value:  # most texts have none: no call to replace them
            value = escape(value)
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'
    if isinstance(value, date):  # a date is stored as the number of days since the workbook's epoch
        value = to_excel(value, epoch)
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"a report cell holds text, a number or a date, not {value!r}")
    return f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>'


def row_xml(row: int, height: int | None, cells: Sequence[str]) -> str:
    """The <row> element of row `row` holding the <c> elements `cells`, `height` points tall if given."""
    tall = f' ht="{height}" customHeight="1"' if height else ""
    return f'<row r="{row}"{tall}>{"".join(cells)}</row>'


def save_with_rows(book: Any, rows: Sequence[bytes], out: BinaryIO) -> None:
    """Save the openpyxl workbook `book`, whose sheets hold no cells, to `out` with `rows[i]` as sheet i's rows."""
    saved = io.BytesIO()
    book.save(saved)
    parts = {ws.path.lstrip("/"): data for ws, data in zip(book.worksheets, rows, strict=True)}
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in parts:
                [empty] = EMPTY_ROWS.finditer(data)  # openpyxl writes one <sheetData>, empty as the sheet holds no cell
                data = b"".join((data[:empty.start()], b"<sheetData>", parts[info.filename], b"</sheetData>",
                                 data[empty.end():]))
            target.writestr(info, data)
