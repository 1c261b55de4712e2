"""Spreadsheet-safe exports: every CSV and Excel file gxnlp writes goes through here.

Report text comes from thousands of web servers; a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets (CSV
injection). Such text cells get a leading apostrophe (the OWASP recommendation), so the sheet
shows the text and evaluates nothing; numbers stay numbers. Excel files are written with every
text cell typed as a string, so the workbook contains no formula at all.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: Excel's limit on the characters of one cell.
EXCEL_CELL_LIMIT = 32767


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, bom: bool = False) -> Path:
    """``frame`` as CSV (UTF-8; with a BOM for Excel when ``bom``), formula triggers neutralised."""
    path = Path(path)
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
    return path


class CsvRowWriter:
    """Rows of dicts streamed to a CSV file object (``csv.DictWriter``), each cell neutralised."""

    def __init__(self, stream, fieldnames: list[str]):
        self.writer = csv.DictWriter(stream, fieldnames=fieldnames)

    def writeheader(self) -> None:
        self.writer.writeheader()

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)


def write_excel(frames: Mapping[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """One workbook, a sheet per frame; text cells neutralised, typed as strings (never formulas) and
    cut to Excel's cell limit."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame = safe_frame(frame).map(lambda v: v[:EXCEL_CELL_LIMIT] if isinstance(v, str) else v)
            sheet = str(safe_cell(name))[:31]
            frame.to_excel(writer, sheet_name=sheet, index=False)
            for row in writer.sheets[sheet].iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # openpyxl reads any text starting with "=" as a formula
                        cell.data_type = "s"
    return path


__all__ = ["FORMULA_TRIGGERS", "safe_cell", "safe_frame", "write_csv", "write_excel", "CsvRowWriter"]
