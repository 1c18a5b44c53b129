"""JSON text for every machine format: readable when small, fast when national.

Indented JSON is encoded by the pure-Python encoder, ten times slower than
the C one; past a few thousand records the output is compact instead.
"""

from __future__ import annotations

import json
from typing import Any

PRETTY_UP_TO = 5_000


def dumps(doc: Any, records: int) -> str:
    """`doc` as JSON, indented when it holds at most PRETTY_UP_TO records."""
    return json.dumps(doc, ensure_ascii=False, indent=2 if records <= PRETTY_UP_TO else None)
