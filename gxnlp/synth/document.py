"""One report as layout-neutral blocks: headings, paragraphs and table grids.

A table is a list of rows (the ``<tr>`` of the HTML it would be); each :class:`Cell` has
its text, rowspan/colspan and, for a number, the ``(table, row, column)`` key it shows.
Layouts (``layouts.py``) flatten these blocks in the ways real files do.

>>> from gxnlp.synth.document import Cell, grid_positions
>>> grid_positions([[Cell("a", rs=2), Cell("b")], [Cell("c")]])
[(0, 0, Cell(text='a', rs=2, cs=1, key=None)), (0, 1, Cell(text='b', rs=1, cs=1, key=None)), (1, 1, Cell(text='c', rs=1, cs=1, key=None))]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..genre.table_keys import (S2_CONTENT_LABEL, S2_ITEMS, S2_LABELS, S2_LABELS_2019, S3_APPLICANTS_LABEL,
                                S3_COLUMN_LABELS, S3_GROUP_2021_OTHER, S3_GROUPS, S3_LABELS, S3_NOTE,
                                S3_ORGANISATIONS_LABEL, S3_RESULTS_LABEL, S4_COLUMN_LABELS, S4_LITIGATION_LABEL,
                                S4_REVIEW_LABEL, S4_ROW_LABELS)

@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    key: tuple[str, str, str] | None = None


Grid = list[list[Cell]]


@dataclass
class Block:
    kind: str  # title | heading | subheading | para | table | sign
    text: str = ""
    grid: Grid | None = None
    table: str | None = None  # s2 | s3 | s4 for tables
    ncols: int = 0


@dataclass
class Page:
    """Everything a layout needs to write one report."""

    title: str
    agency: str
    published: str  # YYYY-MM-DD
    year: int
    template: str
    blocks: list[Block]
    index_no: str
    chrome: dict[str, Any] = field(default_factory=dict)


def grid_positions(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, resolving rowspans/colspans like a browser."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, c + dc))
            c += cell.cs
    return out


def _vals(texts: dict, table: str, row: str, cols) -> list[Cell]:
    return [Cell(texts[(table, row, c)], key=(table, row, c)) for c in cols]


def s2_grid(template: str, texts: dict, labels: dict[str, str], heads: dict[str, str]) -> Grid:
    from .numbers import S2_LAYOUT

    cols = dict(S2_LAYOUT[template])
    grid: Grid = []
    for item, head, rows in S2_ITEMS[template]:
        grid.append([Cell(item, cs=4)])
        span = 4 - len(head)
        grid.append([Cell(S2_CONTENT_LABEL, cs=span)] + [Cell(heads.get(h, h)) for h in head])
        for r in rows:
            printed = (S2_LABELS if template == "2021" else S2_LABELS_2019)[r]
            grid.append([Cell(labels.get(printed, printed), cs=span)] + _vals(texts, "s2", r, cols[r]))
    return grid


def s3_grid(template: str, texts: dict, labels: dict[str, str]) -> Grid:
    from .numbers import S3_COLUMNS, result_rows

    def lab(key: str) -> str:
        t = S3_LABELS[key]
        return labels.get(t, t)

    def vals(r: str) -> list[Cell]:
        return _vals(texts, "s3", r, S3_COLUMNS)

    grid: Grid = [
        [Cell(S3_NOTE, rs=3, cs=3), Cell(S3_APPLICANTS_LABEL, cs=7)],
        [Cell(S3_COLUMN_LABELS["natural_person"], rs=2), Cell(S3_ORGANISATIONS_LABEL, cs=5),
         Cell(S3_COLUMN_LABELS["total"], rs=2)],
        [Cell(labels.get(h, h)) for h in list(S3_COLUMN_LABELS.values())[1:6]],
        [Cell(lab("new_requests"), cs=3)] + vals("new_requests"),
        [Cell(lab("carried_over"), cs=3)] + vals("carried_over"),
    ]
    res = result_rows(template)
    first = True
    group_of = {r: (g, members) for g, members in S3_GROUPS for r in members}
    if template == "2021":
        other_label, other_rows = S3_GROUP_2021_OTHER
        group_of.update({r: (other_label, other_rows) for r in other_rows})
    for r in res + ("total_handled",):
        row: list[Cell] = []
        if first:
            row.append(Cell(labels.get(S3_RESULTS_LABEL, S3_RESULTS_LABEL), rs=len(res) + 1))
            first = False
        if r in group_of:
            g, members = group_of[r]
            if r == members[0]:
                row.append(Cell(labels.get(g, g), rs=len(members)))
            row.append(Cell(lab(r)))
        else:
            row.append(Cell(lab(r), cs=2))
        grid.append(row + vals(r))
    grid.append([Cell(lab("carried_forward"), cs=3)] + vals("carried_forward"))
    return grid


def s4_grid(texts: dict, labels: dict[str, str]) -> Grid:
    from .numbers import S4_COLUMNS, S4_ROWS

    head = [labels.get(h, h) for h in S4_COLUMN_LABELS.values()]
    grid: Grid = [
        [Cell(S4_REVIEW_LABEL, cs=5), Cell(S4_LITIGATION_LABEL, cs=10)],
        [Cell(h, rs=2) for h in head] + [Cell(S4_ROW_LABELS["litigation_direct"], cs=5),
                                         Cell(S4_ROW_LABELS["litigation_after_review"], cs=5)],
        [Cell(h) for h in head] + [Cell(h) for h in head],
        [c for g in S4_ROWS for c in _vals(texts, "s4", g, S4_COLUMNS)],
    ]
    return grid


__all__ = ["Cell", "Block", "Page", "Grid", "grid_positions", "s2_grid", "s3_grid", "s4_grid"]
