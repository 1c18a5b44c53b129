"""`check --format junit`: JUnit XML for CI servers that show test reports (GitLab, Jenkins).

A testsuite per file of the catalogue, a testcase per finding or regression
named "RULE procedure object". What fails the run is a `<failure>` whose
text is "file:line:col message"; what does not (an existing finding, or a new
one below `--fail-on`) is `<skipped>` with the reason, so the report's
failures are exactly the run's. Written with ElementTree, which escapes
every value; characters XML cannot hold at all are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..check import CheckResult, Entry, artifact_path

# XML 1.0 has no way to write these, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SKIPPED = {
    "existing": ("đã có trong mốc so sánh", "already in the baseline"),
    "new": ("dưới mức --fail-on", "below --fail-on"),
}


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def render(result: CheckResult, lang: str = "vi", root: str = "") -> str:
    """The JUnit report as XML text."""
    by_file: dict[str, list[Entry]] = defaultdict(list)
    for entry in result.entries:
        by_file[artifact_path(entry.item.location, root) or result.catalog_path].append(entry)
    suites = ET.Element("testsuites", name="simplify", tests=str(len(result.entries)),
                        failures=str(len(result.failing)))
    for file in sorted(by_file):
        entries = by_file[file]
        failures = sum(e.fails for e in entries)
        suite = ET.SubElement(suites, "testsuite", name=_text(file), tests=str(len(entries)),
                              failures=str(failures), errors="0", skipped=str(len(entries) - failures))
        for entry in entries:
            _testcase(suite, entry, file, lang)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, entry: Entry, file: str, lang: str) -> None:
    item = entry.item
    name = " ".join(part for part in (item.rule, item.procedure, item.key()[2]) if part)
    case = ET.SubElement(suite, "testcase", name=_text(name), classname=_text(file))
    message = _text(item.message(lang))
    if entry.fails:
        where = item.location
        position = ":".join(str(part) for part in (file, where.line, where.column) if part is not None)
        if where.sheet:
            position += f":{where.sheet}!{where.cell}" if where.cell else f":{where.sheet}"
        failure = ET.SubElement(case, "failure", message=message, type=item.rule)
        failure.text = f"{position} {message}"
    else:
        vi, en = _SKIPPED[entry.status]
        ET.SubElement(case, "skipped", message=vi if lang == "vi" else en)
