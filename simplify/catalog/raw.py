"""Raw records: plain mappings and lists that know where they were read.

Both readers (YAML and Excel) hand the builder the same shapes: a `RawMap`
is a dict whose keys and values can be located, a `RawList` is a list whose
items can be located. The YAML reader locates lazily through the parser's
nodes (nothing is paid for locations until a diagnostic needs one); the Excel
reader records the cell of every value.
"""

from __future__ import annotations

from ..model import Location


class RawMap(dict):
    """A mapping read from a file; subclasses say where its parts are."""

    __slots__ = ()
    lenient = False  # values are cell text: "có", "1,5" and "a; b" are accepted

    def loc(self) -> Location:
        raise NotImplementedError

    def key_loc(self, key: str) -> Location:
        return self.loc()

    def value_loc(self, key: str) -> Location:
        return self.key_loc(key)

    def named_loc(self, key: str) -> Location:
        """Where the record is, said at its key `key` (an id, a code) when that is not where it starts."""
        return self.loc()


class RawList(list):
    """A list read from a file."""

    __slots__ = ()

    def loc(self) -> Location:
        raise NotImplementedError

    def item_loc(self, index: int) -> Location:
        return self.loc()


class YamlMap(RawMap):
    __slots__ = ("node", "file")

    def loc(self) -> Location:
        m = self.node.start_mark
        return Location(self.file, m.line + 1, m.column + 1)

    def key_loc(self, key: str) -> Location:
        for k, _ in self.node.value:
            if k.value == key:
                return Location(self.file, k.start_mark.line + 1, k.start_mark.column + 1)
        return self.loc()

    def value_loc(self, key: str) -> Location:
        for k, v in self.node.value:
            if k.value == key:
                return Location(self.file, v.start_mark.line + 1, v.start_mark.column + 1)
        return self.loc()

    def named_loc(self, key: str) -> Location:
        items = self.node.value
        # A block mapping starts at its first key: most records are written with their id first.
        return self.loc() if not items or items[0][0].value == key else self.key_loc(key)


class YamlList(RawList):
    __slots__ = ("node", "file")

    def loc(self) -> Location:
        m = self.node.start_mark
        return Location(self.file, m.line + 1, m.column + 1)

    def item_loc(self, index: int) -> Location:
        items = self.node.value
        if 0 <= index < len(items):
            m = items[index].start_mark
            return Location(self.file, m.line + 1, m.column + 1)
        return self.loc()


class CellMap(RawMap):
    """A record assembled from one spreadsheet row (and, for a procedure, its child rows)."""

    __slots__ = ("where", "cells", "key_cells")
    lenient = True

    def loc(self) -> Location:
        return self.where

    def key_loc(self, key: str) -> Location:
        return (self.key_cells or self.cells).get(key, self.where)

    def value_loc(self, key: str) -> Location:
        return self.cells.get(key, self.where)


class CellList(RawList):
    __slots__ = ("where",)

    def loc(self) -> Location:
        return self.where

    def item_loc(self, index: int) -> Location:
        if 0 <= index < len(self) and isinstance(self[index], RawMap):
            return self[index].loc()
        return self.where


def cell_map(values: dict, where: Location, cells: dict[str, Location],
             key_cells: dict[str, Location] | None = None) -> CellMap:
    """A record of cells; each key is where its value is, unless `key_cells` (rows of key/value pairs) says."""
    m = CellMap(values)
    m.where = where
    m.cells = cells
    m.key_cells = key_cells
    return m


def cell_list(items: list, where: Location) -> CellList:
    lst = CellList(items)
    lst.where = where
    return lst
