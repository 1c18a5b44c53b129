"""JSON text for every machine format: readable when small, fast when national.

Indented JSON is encoded by the json module's pure-Python encoder, ten times
slower than a compiled one; past a few thousand records the output is
compact instead, encoded by orjson (four times faster than json's C encoder
on a national audit). Both write the same values: text as UTF-8, not
escaped, and floats with the shortest digits that read back the same
(spelled as orjson spells them: 1e+16, 5e-7 and 0.000025 where Python
writes 1e+16, 5e-07 and 2.5e-05).
"""

from __future__ import annotations

import json
from typing import Any

PRETTY_UP_TO = 5_000


def compact(records: int) -> bool:
    """Whether a document of this many records is written compact, by orjson."""
    return records > PRETTY_UP_TO


def dumps(doc: Any, records: int) -> str | bytes:
    """`doc` as JSON: indented text when it holds at most PRETTY_UP_TO records, else compact UTF-8 bytes.

    Bytes, because a national audit's text would be decoded only to be
    encoded again on its way out (twice its 80 MB held for nothing).
    """
    if not compact(records):
        return json.dumps(doc, ensure_ascii=False, indent=2)
    import orjson

    return orjson.dumps(doc)
