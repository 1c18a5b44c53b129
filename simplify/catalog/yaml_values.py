"""What the text of a YAML scalar means: PyYAML's safe resolver and the values it gives.

Shared by the two YAML readers (libyaml's, `yaml_reader`, and the line reader
for plain block files, `yaml_block`), so that a file means the same whichever
reads it.
"""

from __future__ import annotations

import sys
import unicodedata

import yaml

from ..diagnostics import Diagnostic, diag
from ..model import Location

try:  # libyaml is several times faster; the pure parser is the safe fallback
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

# The safe resolver only ever types a plain scalar whose first character one
# of its patterns starts with; every other scalar is a string. Answering those
# directly keeps PyYAML's exact typing while skipping its regular expressions
# for the names and texts that make up most of a catalogue.
TYPED_FIRST = frozenset(k for k in SafeLoader.yaml_implicit_resolvers if k)
if None in SafeLoader.yaml_implicit_resolvers:  # a resolver for every scalar, which `plain_tag` would skip
    raise ImportError("this PyYAML resolves scalars in a way simplify does not know; please report it")
LETTER_FIRST = frozenset(c for c in TYPED_FIRST if c.isalpha())
BOOL_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF".split())
NULL_WORDS = frozenset(("null", "Null", "NULL"))


def plain_tag(value: str) -> str:
    """The tag PyYAML's safe resolver gives a plain (unquoted), non-empty scalar."""
    first = value[0]
    if first in LETTER_FIRST:  # only YAML 1.1 booleans and nulls start with a letter
        return BOOL if value in BOOL_WORDS else NULL if value in NULL_WORDS else STR
    if first not in TYPED_FIRST:
        return STR
    for tag, pattern in SafeLoader.yaml_implicit_resolvers[first]:
        if pattern.match(value):
            return tag
    return STR


_constructor = yaml.constructor.SafeConstructor()


def nfc(text: str) -> str:
    """Unicode NFC, cheaply for the ASCII majority, interned.

    A national catalogue repeats the same ids, names and agencies hundreds of
    thousands of times: one string each keeps the model small in memory and
    in the parse cache, which stores a repeated object once.
    """
    return sys.intern(text if text.isascii() else unicodedata.normalize("NFC", text))


def duplicate_key(key: str, where: Location) -> Diagnostic:
    return diag("E105", where, f"key '{key}' appears twice in the same mapping",
                f"khóa '{key}' xuất hiện hai lần trong cùng một ánh xạ")


UNSUPPORTED = object()


def typed(tag: str, value: str):
    """The value of a scalar the resolver tagged `tag`; UNSUPPORTED for a tag a catalogue has no use for."""
    if tag == STR:
        return nfc(value)
    if tag == NULL:
        return None
    if tag == BOOL:
        return value.lower() in ("yes", "true", "on", "y")
    if tag == INT or tag == FLOAT:
        try:
            return int(value) if tag == INT else float(value)
        except ValueError:
            pass
        if ":" in value:  # YAML 1.1 reads 1:30 as 90 (base 60): hours written so are text, which the builder refuses
            return nfc(value)
        node = yaml.ScalarNode(tag, value)
        try:  # the YAML 1.1 spellings: 0x1F, 1_000, .inf
            return _constructor.construct_yaml_int(node) if tag == INT else _constructor.construct_yaml_float(node)
        except ValueError:  # `!!int abc`, `0x_`, more digits than Python converts: the builder says what it wanted
            return value
    if tag == TIMESTAMP:
        return value  # dates stay as written: they are labels here, not arithmetic
    return UNSUPPORTED


