"""2008-regulation reports whose statistics annex (统计表) is a grid: HTML, Word and PDF.

Each report is a short pre-2019 annual report (report years 2009–2018) ending with its annex:
指标名称 · 计量单位 · 本年度 (or ``2015年度``) · 历年累计, in either column order; a varying choice and
order of the rows of ``gxnlp/genre/table_keys_pre2019.md`` in one of their printed spellings; the
breakdowns (网站/公报, the forms of request, the kinds of reply) under a ``其中`` printed in the label
or as a merged cell; totals that are the sums of their parts; 历年累计 >= 本年度, sometimes blank;
some labels misprinted (a character dropped or replaced). PDFs are typeset with reportlab as
offices do (ruled, frame only, or unruled; labels wrapping inside narrow cells with the numbers
centred or level with the label's first or last line). Truth in ``truth/``: ``cells.csv`` (file,
table, row, column, value; value empty for a blank cell) and ``documents.jsonl``.

    gxnlp synth --pre2019-annex --n 60 --seed 13 out/
"""
from __future__ import annotations

import io
import random
from pathlib import Path

from ..genre import table_keys as K
from .document import Block, Cell, Page
from .hard_pdf import _COUNTIES, _DEPTS, _styles, _table_style, _typo
from .layouts import LAYOUTS
from .truth import write_truth

#: the annex's groups: a total and its breakdown (printed under 其中), in their usual order
_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("proactive_total", ("proactive_website", "proactive_gazette")),
    ("requests_total", ("requests_in_person", "requests_letter_fax", "requests_email", "requests_online",
                        "requests_other_form")),
    ("replies_total", ("replies_granted", "replies_partial", "replies_denied", "replies_other")),
)
_SINGLES = ("fees_yuan", "fee_waiver_yuan", "complaints", "review", "litigation")
_UNIT = {"fees_yuan": "元", "fee_waiver_yuan": "元"}
FORMATS = ("html", "docx", "pdf", "pdf", "pdf")


def draw_annex(rng: random.Random) -> list[tuple[str, str, int | float, int | float | None]]:
    """(key, printed label, this year, running total or None) of each printed row, totals the sums of
    their printed parts, running totals >= this year."""
    rows = []
    scale = rng.choice((5, 40, 300, 3000))
    for total, parts in _GROUPS:
        shown = [p for p in parts if rng.random() < 0.75] or [parts[0]]
        years = {p: (0 if rng.random() < 0.3 else max(0, int(rng.lognormvariate(0, 1.0) * scale / len(shown))))
                 for p in shown}
        if total == "replies_total":  # the replies are to this year's requests
            years = {p: v // 3 for p, v in years.items()}
        blank_cumulative = rng.random() < 0.25
        cums = {p: (None if blank_cumulative else v * rng.randint(1, 8) + rng.randint(0, 20)) for p, v in years.items()}
        rows.append((total, sum(years.values()), None if blank_cumulative else sum(cums.values())))
        rows += [(p, years[p], cums[p]) for p in shown]
    for key in _SINGLES:
        if rng.random() < 0.6:
            y = 0 if rng.random() < 0.7 else rng.randint(1, 9)
            if key.endswith("_yuan") and y and rng.random() < 0.5:
                y = round(y * 12.5, 2)
            rows.append((key, y, None if rng.random() < 0.3 else y + rng.randint(0, 30)))
    out = []
    for key, y, c in rows:
        label = rng.choice(K.PRE2019_ROWS[key])
        out.append((key, label, y, c))
    return out


def _text(v) -> str:
    if v is None:
        return ""
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def _is_part(key: str) -> bool:
    return any(key in parts for _t, parts in _GROUPS)


def annex_grid(rows, year: int, style: dict) -> list[list[Cell]]:
    """The annex as a grid of cells (rowspan/colspan) for the HTML and Word layouts."""
    year_head = f"{year}年度" if style["year_head"] == "year" else "本年度"
    heads = [year_head, "历年累计"] if not style["cumulative_first"] else ["历年累计", year_head]
    merged = style["whereof"] == "merged"
    label_cols = 2 if merged else 1
    grid = [[Cell("指标名称", cs=label_cols), Cell("计量单位")] + [Cell(h) for h in heads]]
    i = 0
    while i < len(rows):
        key, label, y, c = rows[i]
        vals = [_text(y), _text(c)] if not style["cumulative_first"] else [_text(c), _text(y)]
        unit = Cell(_UNIT.get(key, "件" if key.startswith(("requests", "replies", "review", "litig", "compl")) else "条"))
        if merged and _is_part(key):
            run = 1
            while i + run < len(rows) and _is_part(rows[i + run][0]) and \
                    any(rows[i][0] in p and rows[i + run][0] in p for _t, p in _GROUPS):
                run += 1
            grid.append([Cell("其中", rs=run), Cell(label), unit] + [Cell(v) for v in vals])
            for k in range(1, run):
                key2, label2, y2, c2 = rows[i + k]
                v2 = [_text(y2), _text(c2)] if not style["cumulative_first"] else [_text(c2), _text(y2)]
                grid.append([Cell(label2), Cell(unit.text)] + [Cell(v) for v in v2])
            i += run
            continue
        shown = f"其中：{label}" if _is_part(key) and style["whereof"] == "inline" and \
            (i == 0 or not _is_part(rows[i - 1][0])) else label
        grid.append([Cell(shown, cs=label_cols), unit] + [Cell(v) for v in vals])
        i += 1
    return grid


def _pdf(page: dict, grid: list[list[Cell]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    from .document import grid_positions

    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60,
                            title=page["title"], author=page["agency"], invariant=1)
    story = [Paragraph(page["title"], st["title"]), Spacer(1, 10)]
    for head, para in page["sections"]:
        story += [Paragraph(head, st["head"]), Paragraph(para, st["body"])]
    story += [Spacer(1, 8), Paragraph(page["annex_title"], st["head"])]
    ncols = sum(c.cs for c in grid[0])
    data = [[""] * ncols for _ in grid]
    spans = []
    for r, c, cell in grid_positions(grid):
        data[r][c] = Paragraph(cell.text, st["cell" if c < ncols - 2 else "num"]) if cell.text else ""
        if cell.rs > 1 or cell.cs > 1:
            spans.append(((c, r), (c + cell.cs - 1, r + cell.rs - 1)))
    label_width = page["label_width"]
    widths = ([30] if ncols == 5 else []) + [label_width, 50, 80, 80]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(page["ruling"] + ":" + page["valign"], spans, 1, len(data), ncols))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def generate(out_dir: str | Path, n: int = 60, seed: int = 0, progress=None) -> dict:
    """``n`` pre-2019 reports with their annex as a grid (HTML, Word, PDF) and the annex truth."""
    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    cells_rows, docs = [], []
    for i in range(n):
        rng = random.Random(f"pre2019_annex:{seed}:{i}")
        agency = rng.choice(_COUNTIES) + "县" + rng.choice(_DEPTS)
        year = rng.randint(2009, 2018)
        fmt = rng.choice(FORMATS)
        rows = draw_annex(rng)
        typos = [k for k, _l, _y, _c in rows if len(_l) >= 6 and rng.random() < 0.15]
        rows = [(k, _typo(rng, label) if k in typos else label, y, c) for k, label, y, c in rows]
        style = {"year_head": rng.choice(("year", "year", "plain")), "cumulative_first": rng.random() < 0.2,
                 "whereof": rng.choice(("inline", "inline", "merged", "none"))}
        grid = annex_grid(rows, year, style)
        title = f"{agency}{year}年政府信息公开工作年度报告"
        annex_title = rng.choice(("附：政府信息公开情况统计表", f"附件：{agency}{year}年政府信息公开情况统计表",
                                  "附表：政府信息公开工作情况统计表"))
        sections = [("一、概述", f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。"),
                    ("二、主动公开政府信息情况", f"全年主动公开政府信息{rows[0][2]}条，其中通过政府网站公开信息若干条。"),
                    ("三、依申请公开政府信息情况", "严格按照规定的程序和时限办理政府信息公开申请。"),
                    ("四、存在的主要问题及改进措施", "一是公开内容不够全面；二是公开形式较为单一。下一步将加强培训，完善制度。")]
        rel = f"{year}/{i:05d}.{fmt}"
        page_info = {"title": title, "agency": agency, "year": year, "format": fmt, "typos": typos, **style}
        if fmt == "pdf":
            page = {"title": title, "agency": agency, "sections": sections, "annex_title": annex_title,
                    "ruling": rng.choice(("grid", "grid", "frame", "none")),
                    "valign": rng.choice(("MIDDLE", "MIDDLE", "TOP", "BOTTOM")),
                    "label_width": rng.choice((70, 90, 150))}
            data = _pdf(page, grid)
            page_info.update(ruling=page["ruling"], valign=page["valign"], label_width=page["label_width"])
        else:
            blocks = [Block("title", title)]
            for head, para in sections:
                blocks += [Block("heading", head), Block("para", para)]
            blocks += [Block("heading", annex_title),
                       Block("table", grid=grid, table="pre2019_stats", ncols=sum(c.cs for c in grid[0]))]
            pg = Page(title, agency, f"{year + 1}-02-15", year, "pre2019", blocks, f"annex-{seed}-{i}", {})
            data = LAYOUTS[fmt](pg, rng, {"encoding": "utf-8"})[0]
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
        for key, _label, y, c in rows:
            for col, v in (("year", y), ("cumulative", c)):
                cells_rows.append({"file": rel, "table": K.PRE2019_TABLE, "row": key, "column": col, "value": _text(v)})
        docs.append({"file": rel, **page_info})
        if progress:
            progress(1)
    write_truth(out, cells_rows, documents=docs)
    return {"reports": n, "layout": "pre2019_annex", "cells": len(cells_rows)}
