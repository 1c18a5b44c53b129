"""Read one YAML file into raw records, safely and with locations.

A plain block file (most of a catalogue) is read line by line (`yaml_block`);
any other is composed into nodes by libyaml (PyYAML's C parser, safe tags
only) and the nodes are turned into `YamlMap`/`YamlList`/scalars here, in one
pass, with the line and column of every key, value and item. Aliases are
counted as they expand, so an alias bomb is refused after a bounded amount of
work.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace

import yaml

from ..diagnostics import Diagnostic, diag
from ..model import Location
from .raw import YamlList, YamlMap, located
from .yaml_block import read_block_yaml

from .yaml_values import MAP, MERGE, SEQ, STR, UNSUPPORTED, SafeLoader, duplicate_key, nfc, plain_tag, typed


class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


class _Loader(SafeLoader):
    max_depth = 64

    # The composer calls these two around every node, for path resolvers, which the safe loader has none
    # of: C functions that do nothing, called without a Python frame, make parsing 7% faster.
    descend_resolver = operator.is_
    ascend_resolver = tuple

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and value:
            return plain_tag(value) if implicit[0] else STR
        if kind is yaml.MappingNode:  # the safe loader has no path resolvers that could say otherwise
            return MAP
        if kind is yaml.SequenceNode:
            return SEQ
        return super().resolve(kind, value, implicit)


class _DepthGuardLoader(_Loader):
    # libyaml's composer recurses in C, one call per level, and is killed by the
    # C stack (a segmentation fault, not an exception) near 30,000 levels: a
    # 60 kB file of brackets. Both composers call descend_resolver for every
    # node before composing it, so the nesting is counted there and refused.
    # A level takes at least one character, so only files longer than
    # GUARD_FROM characters need this (it costs two calls a node).
    _depth = 0

    def descend_resolver(self, parent, index):
        self._depth += 1
        if self._depth > self.max_depth + 1:
            raise _TooDeep(parent.start_mark if parent is not None else None)

    def ascend_resolver(self):
        self._depth -= 1


GUARD_FROM = 5_000

_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:omap"}

# Both composing (in C) and converting (in Python) recurse once per level; past
# this, --max-depth is not honoured, so that no file can exhaust either stack.
MAX_DEPTH_CEILING = 400


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits that protect a shared machine from hostile or runaway input."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_procedures: int = 100_000
    max_rows: int = 2_000_000


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text of a file (a BOM is dropped), or a located E101."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, diag(
            "E101",
            Location(file, line, column),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            f"tệp không phải văn bản UTF-8 (byte 0x{data[exc.start]:02x}); hãy lưu lại dưới dạng UTF-8",
        )


def read_yaml(data: bytes, file: str, limits: Limits = Limits()) -> tuple[object, list[Diagnostic]]:
    """Parse one YAML file into raw records; on failure, (None, [diagnostic])."""
    if len(data) > limits.max_file_bytes:
        return None, [
            diag(
                "E108",
                Location(file, 1, 1),
                f"file is {len(data):,} bytes, over the limit of {limits.max_file_bytes:,} (raise it with --max-file-size)",
                f"tệp có {len(data):,} byte, vượt giới hạn {limits.max_file_bytes:,} (nâng bằng --max-file-size)",
            )
        ]
    text, problem = decode(data, file)
    if problem is not None:
        return None, [problem]
    if limits.max_depth > MAX_DEPTH_CEILING:
        limits = replace(limits, max_depth=MAX_DEPTH_CEILING)
    plain = read_block_yaml(text, file, limits.max_depth)
    return plain if plain is not None else read_with_libyaml(text, file, limits)


def read_with_libyaml(text: str, file: str, limits: Limits) -> tuple[object, list[Diagnostic]]:
    """Any YAML text, through libyaml: what `read_yaml` does with a file the line reader leaves to it."""
    loader = (_DepthGuardLoader if len(text) > GUARD_FROM else _Loader)(text)
    loader.max_depth = limits.max_depth
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        where = Location(file, exc.mark.line + 1, exc.mark.column + 1) if exc.mark else Location(file, 1, 1)
        return None, [_too_deep(where, limits)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if "maximum nesting depth" in what:  # libyaml 0.2.5+ (PyYAML 6.0.4 wheels) has a nesting limit of its own
            return None, [_too_deep(where, limits)]
        return None, [diag("E101", where, f"YAML syntax: {what}", f"lỗi cú pháp YAML: {what}")]
    except yaml.reader.ReaderError as exc:  # a character YAML forbids, e.g. a control character
        where = _offset_location(text, exc.position, file)
        return None, [diag("E101", where, f"YAML: the control character U+{exc.character:04X} is not allowed; delete it",
                           f"lỗi YAML: không được dùng ký tự điều khiển U+{exc.character:04X}; hãy xóa nó")]
    except yaml.YAMLError as exc:
        return None, [diag("E101", Location(file, 1, 1), f"YAML: {exc}", f"lỗi YAML: {exc}")]
    except RecursionError:
        return None, [_too_deep(Location(file, 1, 1), limits)]
    finally:
        loader.dispose()
    if node is None:
        return None, []
    budget = [len(text) + 10_000]  # an honest file expands to no more nodes than it has characters
    problems: list[Diagnostic] = []  # those that leave the rest of the file worth reading
    try:
        return _convert(node, file, 0, limits, budget, problems), problems
    except _Refused as refused:
        return None, [refused.diagnostic]
    except RecursionError:
        return None, [_too_deep(Location(file, 1, 1), limits)]


def _offset_location(text: str, offset: int, file: str) -> Location:
    """The line and column of a byte offset into the UTF-8 text (libyaml counts in bytes)."""
    head = text.encode("utf-8")[:offset].decode("utf-8", "ignore")
    return Location(file, head.count("\n") + 1, len(head) - head.rfind("\n"))


def _too_deep(where: Location, limits: Limits) -> Diagnostic:
    raise_it = limits.max_depth < MAX_DEPTH_CEILING
    return diag(
        "E108",
        where,
        f"nesting deeper than {limits.max_depth} levels" + (" (raise it with --max-depth)" if raise_it else ""),
        f"lồng nhau sâu hơn {limits.max_depth} cấp" + (" (nâng bằng --max-depth)" if raise_it else ""),
    )


def _loc(node, file: str) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node, file: str, depth: int, limits: Limits, budget: list[int], problems: list[Diagnostic]):
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused(
            diag(
                "E108",
                _loc(node, file),
                "aliases expand to far more data than the file holds (an alias bomb)",
                "các bí danh (alias) nở ra nhiều dữ liệu hơn hẳn nội dung tệp (alias bomb)",
            )
        )
    if depth > limits.max_depth:
        raise _Refused(_too_deep(_loc(node, file), limits))
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, file)
    if node.tag not in _COLLECTION_TAGS:
        raise _Refused(_unsupported_tag(node, file))
    # Text is most of a catalogue: an item that is plain text is taken here rather than in a call of
    # its own, counted against the same budget (the call still refuses it once the budget is spent).
    inner_ok = depth < limits.max_depth
    if isinstance(node, yaml.SequenceNode):
        out = located(YamlList(), file, node.start_mark.line + 1, node.start_mark.column + 1)
        marks = out.marks
        for item in node.value:
            if inner_ok and item.tag == STR and budget[0] > 0 and type(item) is yaml.ScalarNode:
                budget[0] -= 1
                out.append(nfc(item.value))
            else:
                out.append(_convert(item, file, depth + 1, limits, budget, problems))
            mark = item.start_mark
            marks.append((mark.line + 1, mark.column + 1))
        return out
    mapping = located(YamlMap(), file, node.start_mark.line + 1, node.start_mark.column + 1)
    marks = mapping.marks
    merged: list[tuple] = []
    for key_node, value_node in node.value:
        if key_node.tag == MERGE:
            merged.append(value_node)
            if not marks:  # a mapping that starts with `<<` is not named by its first key of its own
                k = key_node.start_mark
                marks["<<"] = (k.line + 1, k.column + 1, k.line + 1, k.column + 1)
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(diag("E102", _loc(key_node, file), "a key must be plain text", "khóa phải là văn bản"))
        key = key_node.value
        if key in mapping:  # said, and the first value kept, so that the rest of the file is still checked
            problems.append(duplicate_key(key, _loc(key_node, file)))
            continue
        if inner_ok and value_node.tag == STR and budget[0] > 0 and type(value_node) is yaml.ScalarNode:
            budget[0] -= 1
            mapping[key] = nfc(value_node.value)
        else:
            mapping[key] = _convert(value_node, file, depth + 1, limits, budget, problems)
        k, v = key_node.start_mark, value_node.start_mark
        marks[key] = (k.line + 1, k.column + 1, v.line + 1, v.column + 1)
    for source in merged:  # YAML merge keys: explicit keys win over merged ones (located at the mapping)
        sources = source.value if isinstance(source, yaml.SequenceNode) else [source]
        for item in sources:
            value = _convert(item, file, depth + 1, limits, budget, problems)
            if isinstance(value, dict):
                for k, v in value.items():
                    mapping.setdefault(k, v)
    return mapping


def _scalar(node, file: str):
    value = typed(node.tag, node.value)
    if value is UNSUPPORTED:
        raise _Refused(_unsupported_tag(node, file))
    return value


def _unsupported_tag(node, file: str) -> Diagnostic:
    return diag("E102", _loc(node, file), f"unsupported YAML tag {node.tag}", f"thẻ YAML không được hỗ trợ: {node.tag}")
