"""Tables of a PDF page as grids: ruled tables from pdfplumber's table finder, and rows rebuilt
from word positions for tables without (complete) ruling lines.

The word route groups the numbers of a page into value lines by their vertical centre and
gives each label fragment to the value line nearest to it vertically, so a label printed on two
lines with its numbers centred between them (or on either line) stays one row. Blank cells that
an unruled table leaves out are put back by aligning a short line's numbers with the columns of
a fuller line near it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Grid

_NUMBER = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?")
_MARKER = re.compile(r"[—–―/／\-－]+|无")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|\d+\s*[.、])")
#: Page numbers printed alone (``- 4 -``, ``4``) are not table values.
_PAGE_NO = re.compile(r"^[-—–－]?\s*\d{1,3}\s*[-—–－]?$")


def ruled_grids(page, page_no: int) -> list[Grid]:
    """Ruled tables of one page (at least two columns): ``None`` marks a merged position."""
    out = []
    for table in page.find_tables():
        rows = table.extract()
        if not rows or max(len(r) for r in rows) < 2:
            continue  # a framed paragraph, not a table
        out.append(Grid("pdf_ruled", [[None if c is None else re.sub(r"\s+", "", c) for c in r] for r in rows],
                        page_no))
    return out


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2


def _is_value(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text) or _MARKER.fullmatch(text))


def _label_cells(words: list[_Word]) -> list[str]:
    """Label fragments as cells: words overlapping horizontally form one cell, read top to bottom."""
    cells: list[list[_Word]] = []
    for w in sorted(words, key=lambda w: w.x0):
        for cell in cells:
            if w.x0 < max(c.x1 for c in cell) - 1 and w.x1 > min(c.x0 for c in cell) + 1:
                cell.append(w)
                break
        else:
            cells.append([w])
    cells.sort(key=lambda c: min(w.x0 for w in c))
    return ["".join(w.text for w in sorted(c, key=lambda w: (round(w.top), w.x0))) for c in cells]


def word_grid(page, page_no: int) -> Grid | None:
    """Rows rebuilt from word positions: ``[label cells..., values...]`` per value line, and
    label-only lines (headers, prose) as rows without values."""
    words = [_Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w.get("size") or 0))
             for w in page.extract_words(keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2, extra_attrs=["size"])]
    if not words:
        return None
    values = [w for w in words if _is_value(w.text)]
    labels = [w for w in words if not _is_value(w.text)]
    # value lines: numbers whose vertical centres are within half a line of each other
    lines: list[list[_Word]] = []
    for w in sorted(values, key=lambda w: w.y):
        if lines and abs(lines[-1][0].y - w.y) <= max(2.0, 0.4 * (w.bottom - w.top)):
            lines[-1].append(w)
        else:
            lines.append([w])
    lines = [sorted(ln, key=lambda w: w.x0) for ln in lines]
    # a lone small number at the page's bottom or top margin is a page number
    lines = [ln for ln in lines if not (len(ln) == 1 and _PAGE_NO.fullmatch(ln[0].text)
                                        and (ln[0].y > page.height * 0.9 or ln[0].y < page.height * 0.08))]
    owned: dict[int, list[_Word]] = {i: [] for i in range(len(lines))}
    free: list[_Word] = []
    # the label column near each value line: the span of the labels printed on value lines
    # themselves (a fragment from another line outside it is a header or prose, not a label)
    same_line = {i: [w for w in labels if abs(w.y - ln[0].y) <= 0.4 * (w.bottom - w.top) and w.x1 <= ln[0].x0 + 1]
                 for i, ln in enumerate(lines)}

    def label_zone(i: int) -> tuple[float, float, float] | None:
        """(left, right) of the label column near line i, and the labels' font size."""
        near = [w for j in range(max(0, i - 4), min(len(lines), i + 5)) for w in same_line[j]]
        if not near:
            return None
        sizes = sorted(w.size for w in (same_line[i] or near))
        return min(w.x0 for w in near), max(w.x1 for w in near), sizes[len(sizes) // 2]

    zones = {i: label_zone(i) for i in range(len(lines))}
    for w in labels:
        best = None
        for i, ln in enumerate(lines):
            if w.x1 > ln[0].x0 + 1:
                continue  # label text is left of the row's numbers
            height = max(w.bottom - w.top, 6.0)
            d = abs(ln[0].y - w.y)
            if d > 2.5 * height:
                continue
            if _ENUM_START.match(w.text) and ln[0].y < w.y - 0.4 * height:
                continue  # a label's first line (1. … / （一）…) is never below the label's numbers
            zone = zones[i]
            if d > 0.4 * height and zone is not None:
                # a fragment from another line: in the labels' font size and column only
                if w.size and zone[2] and abs(w.size - zone[2]) > 0.2 * zone[2]:
                    continue  # a heading or body text
                if w.x0 > zone[1] - 2 or w.x1 > zone[1] + 0.5 * (zone[1] - zone[0]):
                    continue  # a column header
            # a fragment starting with an enumerator begins a row: prefer the line below it on a tie
            tie_break = (-0.01 if ln[0].y > w.y else 0.01) if _ENUM_START.match(w.text) else \
                        (0.01 if ln[0].y > w.y else -0.01)
            key = d + tie_break
            if best is None or key < best[0]:
                best = (key, i)
        if best is None:
            free.append(w)
        else:
            owned[best[1]].append(w)
    # label-only lines (headers, prose, group labels) keep their place, one row per line
    free_lines: list[list[_Word]] = []
    for w in sorted(free, key=lambda w: (w.y, w.x0)):
        if free_lines and abs(free_lines[-1][0].y - w.y) <= 2.0:
            free_lines[-1].append(w)
        else:
            free_lines.append([w])
    rows: list[tuple[float, list[str]]] = []
    for i, (ln, cells) in enumerate(zip(lines, _fill_blanks(lines, [fl[0].y for fl in free_lines]))):
        rows.append((ln[0].y, _label_cells(owned[i]) + [w.text if w else "" for w in cells]))
    for ln in free_lines:
        rows.append((ln[0].y, [w.text for w in sorted(ln, key=lambda w: w.x0)]))
    rows.sort(key=lambda r: r[0])
    if not lines:
        return None
    return Grid("pdf_words", [r for _y, r in rows], page_no)


def _fill_blanks(lines: list[list], breaks: list[float]) -> list[list]:
    """Each line's numbers with ``None`` where a short line has no number under a fuller
    nearby line's column (an unruled table prints a blank cell as nothing). Lines separated
    by a label-only line (a header: another table) are not compared."""
    out = []

    def same_table(i: int, j: int) -> bool:
        lo, hi = sorted((lines[i][0].y, lines[j][0].y))
        return not any(lo < b < hi for b in breaks)

    for i, ln in enumerate(lines):
        filled = list(ln)
        near = sorted((j for j, other in enumerate(lines)
                       if len(other) > len(ln) and abs(j - i) <= 3 and same_table(i, j)),
                      key=lambda j: (abs(j - i), -len(lines[j])))
        for j in near:
            cols = [(w.x0 + w.x1) / 2 for w in lines[j]]
            slots: list = [None] * len(cols)
            for w in ln:
                c = min(range(len(cols)), key=lambda k: abs(cols[k] - (w.x0 + w.x1) / 2))
                if abs(cols[c] - (w.x0 + w.x1) / 2) > 12 or slots[c] is not None:
                    break
                slots[c] = w
            else:
                filled = slots
                break
        out.append(filled)
    return out


def pdf_grids(pdf) -> list[Grid]:
    """Every page's ruled tables and word rows, in page order."""
    out: list[Grid] = []
    for n, page in enumerate(pdf.pages, start=1):
        out.extend(ruled_grids(page, n))
        g = word_grid(page, n)
        if g is not None:
            out.append(g)
    return out
