"""Read the plain block YAML that catalogues are written in, line by line.

Through libyaml, every scalar of a file becomes a node with two marks and a
call back into Python to type it: for a national catalogue that is most of
the time spent loading. The files people and `convert` write use a small part
of YAML: block mappings and lists, one-line scalars, one-line flow lists.
This reader takes exactly that part, with the same result as `yaml_reader`
gives through libyaml: the same values, typed by PyYAML's own resolver, the
same line and column for every key, value and item, the same E105 for a key
written twice. A file that steps outside it (anchors, tags, block or
multi-line scalars, escapes, flow mappings, tabs, a character YAML refuses,
any syntax error) gets None, and is read by libyaml as before, so that what
is said about it is libyaml's.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic
from ..model import Location
from .raw import YamlList, YamlMap, located
from .yaml_values import (BOOL_WORDS, LETTER_FIRST, NULL_WORDS, STR, TYPED_FIRST, UNSUPPORTED, duplicate_key, nfc,
                          plain_tag, typed)

# Everything YAML prints, without tabs, carriage returns and the line breaks of YAML 1.1 (NEL, LS, PS) and the
# byte order mark, which only libyaml should weigh.
_NOT_PLAIN_TEXT = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# One line: (indent, an item's dash, a key (libyaml takes none longer without a `?`), the colon and the spaces
# after it, the value without a trailing space);
# a comment, or a line with nothing, gives empty parts. A value still holds its comment: only its kind says
# whether `#` starts one.
_ROW = re.compile(r"^( *)(?:(-(?: +|$))?(?:([A-Za-z_][A-Za-z0-9_.-]{0,1023})(:(?: +|$)))?(?:([^#\n ](?:[^\n]*[^\n ])?)|#[^\n]*)?) *$",
                  re.M)
_SINGLE = re.compile(r"'((?:[^']|'')*)'(?: +#.*)?")
_DOUBLE = re.compile(r'"([^"\\]*)"(?: +#.*)?')
_FLOW = re.compile(r"\[([^\[\]{}#'\"?:]*)\](?: +#.*)?")
# Characters a plain scalar may not start with (`-` may, before anything but a space).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# A value that starts with none of these, and is none of YAML 1.1's yes/no/null words, is text.
_NOT_TEXT_FIRST = _INDICATORS | TYPED_FIRST - LETTER_FIRST
_NOT_TEXT = BOOL_WORDS | NULL_WORDS
# The value of each scalar text seen, in this process: a national catalogue writes the same few thousand
# values (1, true, 0.25, agency, a step's name) hundreds of thousands of times. Bounded in count and length.
_SCALARS: dict[str, object] = {}
_REMEMBERED = 100_000
_LONGEST_REMEMBERED = 100  # characters: names and values repeat, long texts seldom do (at most ~40 MB in all)
_UNSEEN = object()
# Two Python calls a level: deeper files (no catalogue has one) are left to libyaml's reader and its guards.
_DEEPEST = 100


class _NotPlain(Exception):
    """The file is not in the plain part of YAML read here."""


def read_block_yaml(text: str, file: str, max_depth: int) -> tuple[object, list[Diagnostic]] | None:
    """The raw records of `text` and its problems, or None when libyaml must read it."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # a lone carriage return is left to libyaml
    if _NOT_PLAIN_TEXT.search(text):
        return None
    lines = [(n, len(row[0]), *row[1:]) for n, row in enumerate(_ROW.findall(text), 1) if row[1] or row[2] or row[4]]
    if lines and lines[0][1:] == (0, "", "", "", "---"):  # the start of the (one) document
        del lines[0]
    if not lines:
        return None
    reader = _Reader(lines, file, min(max_depth, _DEEPEST))
    try:
        value = reader.block(lines[0][1], 0)
    except _NotPlain:
        return None
    if reader.i != len(lines):
        return None
    return value, reader.problems


class _Reader:
    __slots__ = ("lines", "i", "file", "max_depth", "problems")

    def __init__(self, lines: list[tuple[int, int, str, str, str, str]], file: str, max_depth: int):
        self.lines = lines  # (line number, indent, dash, key, colon, value) of each line that holds something
        self.i = 0
        self.file = file
        self.max_depth = max_depth
        self.problems: list[Diagnostic] = []

    def block(self, indent: int, depth: int) -> YamlMap | YamlList:
        """The mapping or list whose lines start at `indent`, from the current line on."""
        if depth >= self.max_depth:  # libyaml's reader says how deep is too deep
            raise _NotPlain
        lines, file, problems = self.lines, self.file, self.problems
        count = len(lines)
        i = self.i
        listed = bool(lines[i][2])
        out = located(YamlList() if listed else YamlMap(), file, lines[i][0], indent + 1)
        marks = out.marks
        while i < count:
            n, at, dash, key, colon, value = lines[i]
            if at != indent:
                if at < indent:
                    break
                raise _NotPlain
            if listed:
                if not dash:
                    break
                column = indent + len(dash)
                if len(dash) == 1 or not (key or value):  # an item on the lines below
                    raise _NotPlain
                if key:  # a mapping that starts on the item's line
                    lines[i] = (n, column, "", key, colon, value)
                    self.i = i
                    out.append(self.block(column, depth + 1))
                    i = self.i
                else:
                    known = _SCALARS.get(value, _UNSEEN)
                    out.append(self.inline(value, n, column, depth + 1) if known is _UNSEEN else known)
                    i += 1
                marks.append((n, column + 1))
                continue
            if dash or not key:
                raise _NotPlain
            i += 1
            said = None
            if value:
                column = indent + len(key) + len(colon)
                known = _SCALARS.get(value, _UNSEEN)
                value = self.inline(value, n, column, depth + 1) if known is _UNSEEN else known
                mark = (n, indent + 1, n, column + 1)
            elif i < count and (lines[i][1] > indent or (lines[i][1] == indent and lines[i][2])):
                said = len(problems)
                self.i = i
                value = self.block(lines[i][1], depth + 1)
                i = self.i
                mark = (n, indent + 1, value.line, value.col)
            else:
                value = None
                mark = (n, indent + 1, n, indent + len(key) + 2)
            if key in out:  # said, and the first value kept (nothing said inside the second), as libyaml's reader does
                if said is not None:
                    del problems[said:]
                problems.append(duplicate_key(key, Location(file, n, indent + 1)))
                continue
            out[key] = value
            marks[key] = mark
        self.i = i
        return out

    def inline(self, text: str, n: int, column: int, depth: int):
        """The value written on one line from `column` (0-based) on."""
        if text[0] == "[":
            return self.flow(text, n, column, depth)
        value = _scalar(text)
        if len(_SCALARS) < _REMEMBERED and len(text) <= _LONGEST_REMEMBERED:
            _SCALARS[text] = value
        return value

    def flow(self, text: str, n: int, column: int, depth: int) -> YamlList:
        found = _FLOW.fullmatch(text)
        if found is None or depth >= self.max_depth:  # as `block`: its items are then within the limit
            raise _NotPlain
        out = located(YamlList(), self.file, n, column + 1)
        marks = out.marks
        inside = found.group(1)
        if inside.strip(" "):
            at = column + 1
            for part in inside.split(","):
                item = part.strip(" ")
                if not item:
                    raise _NotPlain
                out.append(_plain(item))
                marks.append((n, at + len(part) - len(part.lstrip(" ")) + 1))
                at += len(part) + 1
        return out


def _scalar(text: str):
    """The value of a one-line scalar, typed as PyYAML types it."""
    first = text[0]
    if first == "'" or first == '"':
        quoted = (_SINGLE if first == "'" else _DOUBLE).fullmatch(text)
        if quoted is None:
            raise _NotPlain
        return nfc(quoted.group(1).replace("''", "'") if first == "'" else quoted.group(1))
    if first not in _NOT_TEXT_FIRST and text not in _NOT_TEXT and " #" not in text and ": " not in text \
            and text[-1] != ":":
        return nfc(text)
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    return _plain(text)


def _plain(text: str):
    """A plain scalar's value, typed as PyYAML types it."""
    first = text[0]
    if first in _INDICATORS and (first != "-" or len(text) == 1 or text[1] == " "):
        raise _NotPlain
    if ": " in text or text[-1] == ":":
        raise _NotPlain
    tag = plain_tag(text)
    if tag == STR:
        return nfc(text)
    value = typed(tag, text)
    if value is UNSUPPORTED:
        raise _NotPlain
    return value
