"""Raw records: plain mappings and lists that know where they were read.

Both readers (YAML and Excel) hand the builder the same shapes: a `RawMap`
is a dict whose keys and values can be located, a `RawList` is a list whose
items can be located. The YAML readers record the line and column of every key,
value and item; the Excel reader records the cell of every value.
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
    """A mapping read from YAML: `marks` holds, for each key, (key line, key column, value line, value column)."""

    __slots__ = ("file", "line", "col", "marks")

    def loc(self) -> Location:
        return Location(self.file, self.line, self.col)

    def key_loc(self, key: str) -> Location:
        mark = self.marks.get(key)
        return self.loc() if mark is None else Location(self.file, mark[0], mark[1])

    def value_loc(self, key: str) -> Location:
        mark = self.marks.get(key)
        return self.loc() if mark is None else Location(self.file, mark[2], mark[3])

    def named_loc(self, key: str) -> Location:
        # A block mapping starts at its first key: most records are written with their id first.
        return self.loc() if next(iter(self.marks), key) == key else self.key_loc(key)


class YamlList(RawList):
    """A list read from YAML: `marks` holds (line, column) of each item."""

    __slots__ = ("file", "line", "col", "marks")

    def loc(self) -> Location:
        return Location(self.file, self.line, self.col)

    def item_loc(self, index: int) -> Location:
        marks = self.marks
        if 0 <= index < len(marks):
            return Location(self.file, *marks[index])
        return self.loc()


def located(out: YamlMap | YamlList, file: str, line: int, col: int) -> YamlMap | YamlList:
    """`out` (empty) as read from `line` and `col` of `file`, ready for the marks of its parts."""
    out.marks = {} if isinstance(out, dict) else []
    out.file, out.line, out.col = file, line, col
    return out


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


class RowMap(RawMap):
    """A record from one spreadsheet row: each value is in its key's column of the row.

    Its cells are worked out from the sheet's `layout` (which has `letters`,
    the column of each key, `where(row)` and `cell(key, row)`) only when asked:
    a national workbook has millions of cells and nearly all are never named.
    """

    __slots__ = ("layout", "row")
    lenient = True

    def loc(self) -> Location:
        return self.layout.where(self.row)

    def key_loc(self, key: str) -> Location:
        return self.layout.cell(key, self.row) if key in self.layout.letters else self.loc()


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


def row_map(values: dict, layout, row: int) -> RowMap:
    m = RowMap(values)
    m.layout = layout
    m.row = row
    return m


def cell_list(items: list, where: Location) -> CellList:
    lst = CellList(items)
    lst.where = where
    return lst
