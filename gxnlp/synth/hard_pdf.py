"""Hard PDFs: the tables laid out the way government offices typeset them (reportlab).

A ruled grid whose long labels wrap over two or three lines inside their cell with the numbers
vertically centred (or level with the label's first or last line); merged vertical group labels (三、本年度办理结果, （三）不予公开 …); a typo in
some labels (a character dropped or replaced); s3 crossing a page break with its header repeated;
and unruled variants (no lines at all, or only the outer frame and header rule). Each agency gets
a series of consecutive years whose 二、上年结转 continues last year's 四、结转下年度, with planted
continuity breaks and planted identity violations, written to ``truth/``:
``cells.csv`` (file, table, row, column, value), ``errors.jsonl`` (identity violations),
``continuity.jsonl`` (the planted breaks: file, column, expected, found) and ``documents.jsonl``.

    gxnlp synth --hard-pdf --n 40 --seed 7 out/
"""
from __future__ import annotations

import io
import random
from pathlib import Path

from ..genre import table_keys as K
from ..genre.sections import SECTION_TITLES
from .numbers import draw_tables, format_value, iter_cells, plant_error, violations
from .truth import write_truth

_COUNTIES = ["临川", "安平", "清河", "永宁", "东阳", "南丰", "西岭", "北川", "龙泉", "石门", "青山", "白水"]
_DEPTS = ["人民政府", "人民政府办公室", "发展和改革局", "自然资源局", "住房和城乡建设局", "市场监督管理局", "卫生健康委员会",
          "教育局", "公安局", "民政局", "司法局", "财政局"]


def _typo(rng: random.Random, label: str) -> str:
    """Drop or replace one character of the label's words (never the enumerator)."""
    start = next((i for i, ch in enumerate(label) if "\u4e00" <= ch <= "\u9fff" and i > 2), None)
    if start is None or len(label) - start < 4:
        return label
    i = rng.randrange(start + 1, len(label) - 1)
    if rng.random() < 0.5:
        return label[:i] + label[i + 1:]
    return label[:i] + rng.choice("止正之公开办理文件") + label[i + 1:]


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    from .layouts import _pdf_font

    font = _pdf_font()
    return {
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, wordWrap="CJK"),
        "num": ParagraphStyle("num", fontName=font, fontSize=9, leading=11, alignment=1),
        "body": ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24),
        "head": ParagraphStyle("head", fontName=font, fontSize=13, leading=22, wordWrap="CJK"),
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=26, alignment=1, wordWrap="CJK"),
    }


def _table_style(ruled: str, spans: list, header_rows: int, n_rows: int, n_cols: int):
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    ruled, _, valign = ruled.partition(":")
    cmds = [("VALIGN", (0, 0), (-1, -1), valign or "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("FONTSIZE", (0, 0), (-1, -1), 9)]
    if ruled == "grid":
        cmds.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
    elif ruled == "frame":
        cmds += [("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                 ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.black)]
    cmds += [("SPAN", a, b) for a, b in spans]
    return TableStyle(cmds)


def _num(v) -> str:
    return format_value(v)


def _s2_flowables(t: dict, rng: random.Random, st: dict, ruled: str, typo_rows: set[str]):
    from reportlab.platypus import Paragraph, Spacer, Table

    out = []
    tpl = t["template"]
    heads = [(item, (K.S2_CONTENT_LABEL, *columns), rows) for item, columns, rows in K.S2_ITEMS[tpl]]
    labels = K.S2_LABELS_2019 if tpl == "2019" else K.S2_LABELS
    cols = dict(K.S2_ROWS[tpl])
    for title, header, rows in heads:
        n = len(header)
        data = [[Paragraph(title, st["cell"])] + [""] * (n - 1), [Paragraph(h, st["cell"]) for h in header]]
        for r in rows:
            label = labels[r]
            label = _typo(rng, label) if r in typo_rows else label
            vals = [t["s2"][r][c] for c in cols[r]]
            data.append([Paragraph(label, st["cell"])] + [Paragraph(_num(v) if c != "change" or not v or v < 0
                                                                     else f"+{v}", st["num"])
                                                          for v, c in zip(vals, cols[r])])
        table = Table(data, colWidths=[150] + [300 / (n - 1)] * (n - 1))
        table.setStyle(_table_style(ruled, [((0, 0), (n - 1, 0))], 2, len(data), n))
        out += [table, Spacer(1, 6)]
    return out


def _s3_flowables(t: dict, rng: random.Random, st: dict, ruled: str, typo_rows: set[str], page_break: bool):
    from reportlab.platypus import Paragraph, Table

    tpl = t["template"]
    rows = K.s3_rows(tpl)
    group_of = {row: label for label, rows in K.S3_GROUPS + ((K.S3_GROUP_2021_OTHER,) if tpl == "2021" else ())
                for row in rows}
    P = lambda s, k="cell": Paragraph(s, st[k])  # noqa: E731
    col = K.S3_COLUMN_LABELS
    head = [[P(K.S3_NOTE), "", "", P(K.S3_APPLICANTS_LABEL), "", "", "", "", "", ""],
            ["", "", "", P(col["natural_person"]), P(K.S3_ORGANISATIONS_LABEL), "", "", "", "", P(col["total"])],
            ["", "", "", ""] + [P(col[c]) for c in K.S3_COLUMNS[1:6]] + [""]]
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
    data = list(head)
    first_result = None
    groups: dict[str, list[int]] = {}
    for key in rows:
        label = K.S3_LABELS[key]
        label = _typo(rng, label) if key in typo_rows else label
        vals = [P(_num(t["s3"][key][c]), "num") for c in K.S3_COLUMNS]
        r = len(data)
        if key in ("new_requests", "carried_over", "carried_forward"):
            data.append([P(label), "", ""] + vals)
            spans.append(((0, r), (2, r)))
            continue
        first_result = r if first_result is None else first_result
        grp = group_of.get(key)
        if grp is None:
            data.append(["", P(label), ""] + vals)
            spans.append(((1, r), (2, r)))
        else:
            data.append(["", "", P(label)] + vals)
            groups.setdefault(grp, []).append(r)
    last_result = len(data) - 2
    data[first_result][0] = P(K.S3_RESULTS_LABEL)
    spans.append(((0, first_result), (0, last_result)))
    for grp, rs in groups.items():
        data[rs[0]][1] = P(grp)
        spans.append(((1, rs[0]), (1, rs[-1])))
    widths = [26, 44, 120] + [42] * 6 + [40]
    if not page_break:
        table = Table(data, colWidths=widths, repeatRows=3)
        table.setStyle(_table_style(ruled, spans, 3, len(data), 10))
        return [table]
    # the table crosses a page: rows before ``cut`` on this page, the header printed again on the
    # next, merged group cells cut in two (their label only on the first part, as Word prints them)
    from reportlab.platypus import PageBreak

    cut = rng.randrange(first_result + 3, last_result - 2)
    parts = []
    for lo, hi in ((0, cut), (cut, len(data))):
        rows = data[lo:hi] if lo == 0 else [list(r) for r in data[:3]] + data[lo:hi]
        shift = 0 if lo == 0 else 3 - lo
        part_spans = []
        for (c0, r0), (c1, r1) in spans:
            if r0 < 3 and lo > 0:
                part_spans.append(((c0, r0), (c1, r1)))  # header spans
                continue
            a, b = max(r0, lo), min(r1, hi - 1)
            if a <= b and r0 >= 3:
                part_spans.append(((c0, a + shift), (c1, b + shift)))
        table = Table(rows, colWidths=widths)
        table.setStyle(_table_style(ruled, part_spans, 3, len(rows), 10))
        parts.append(table)
    return [parts[0], PageBreak(), parts[1]]


def _s4_flowable(t: dict, st: dict, ruled: str):
    from reportlab.platypus import Paragraph, Table

    P = lambda s: Paragraph(s, st["num"])  # noqa: E731
    five = list(K.S4_COLUMN_LABELS.values())
    data = [[P(K.S4_REVIEW_LABEL)] + [""] * 4 + [P(K.S4_LITIGATION_LABEL)] + [""] * 9,
            [P(x) for x in five] + [P(K.S4_ROW_LABELS["litigation_direct"])] + [""] * 4
            + [P(K.S4_ROW_LABELS["litigation_after_review"])] + [""] * 4,
            [""] * 5 + [P(x) for x in five] * 2,
            [P(_num(t["s4"][g][c])) for g in K.S4_ROWS for c in K.S4_COLUMNS]]
    spans = [((0, 0), (4, 0)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))] + [
        ((i, 1), (i, 2)) for i in range(5)]
    table = Table(data, colWidths=[30] * 15)
    table.setStyle(_table_style(ruled, spans, 3, len(data), 15))
    return table


def render(page: dict, t: dict, rng: random.Random) -> bytes:
    """One report as a PDF: title, narrative, the three tables in the chosen ruling style."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    st = _styles()
    ruled = page["ruling"] + ":" + page.get("valign", "MIDDLE")
    typo_rows = set(page["typos"])
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60,
                            title=page["title"], author=page["agency"], invariant=1)
    story = [Paragraph(page["title"], st["title"]), Spacer(1, 10)]
    head = dict(zip(SECTION_TITLES, ("一、", "二、", "三、", "四、", "五、", "六、")))
    title = {k: head[k] + v for k, v in SECTION_TITLES.items()}
    story.append(Paragraph(title["overview"], st["head"]))
    for para in page["paras"]:
        story.append(Paragraph(para, st["body"]))
    story.append(Paragraph(title["active_disclosure"], st["head"]))
    story += _s2_flowables(t, rng, st, ruled, typo_rows)
    story.append(Paragraph(title["requests"], st["head"]))
    story += _s3_flowables(t, rng, st, ruled, typo_rows, page["page_break"])
    story.append(Paragraph(title["review_litigation"], st["head"]))
    story.append(_s4_flowable(t, st, ruled))
    story.append(Paragraph(title["problems"], st["head"]))
    story.append(Paragraph("一是公开内容的深度和广度还需拓展；二是政策解读形式较为单一。下一步，将进一步加强培训，"
                           "完善工作机制，提升公开质量。", st["body"]))
    story.append(Paragraph(title["other"], st["head"]))
    story.append(Paragraph("本年度未收取信息处理费。", st["body"]))

    def footer(canvas, d):
        canvas.setFont(st["body"].fontName, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {d.page} -")

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def generate(out_dir: str | Path, n: int = 40, seed: int = 0, progress=None) -> dict:
    """``n`` hard PDFs in series of 2-5 consecutive years per agency, with their truth."""
    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"hard_pdf:{seed}")
    cells_rows, errors, breaks, docs = [], [], [], []
    i = 0
    used: set[str] = set()
    while i < n:
        agency = rng.choice(_COUNTIES) + "县" + rng.choice(_DEPTS)
        while agency in used and len(used) < len(_COUNTIES) * len(_DEPTS):
            agency = rng.choice(_COUNTIES) + "县" + rng.choice(_DEPTS)
        used.add(agency)
        length = min(n - i, rng.randint(2, 5))
        start = rng.randint(2021, 2025 - length + 1) if length <= 5 else 2021
        carried = None
        for year in range(start, start + length):
            prng = random.Random(f"hard_pdf:{seed}:{i}")
            t = draw_tables(prng, "2021", "部门", "county",
                            new_total=prng.choice([0, 3, 12, 40, 180, 1200]) + prng.randint(0, 9))
            if carried is not None:
                # continue last year's series: what was carried forward is this year's carried over,
                # and handled (or carried again) like the new requests
                for c in K.S3_COLUMNS[:-1]:
                    d = carried[c] - t["s3"]["carried_over"][c]
                    t["s3"]["carried_over"][c] += d
                    if d >= 0:
                        t["s3"]["granted"][c] += d
                        t["s3"]["total_handled"][c] += d
                    else:  # fewer carried over than drawn: the difference came in as new requests
                        t["s3"]["new_requests"][c] -= d
                for r in ("new_requests", "carried_over", "granted", "total_handled"):
                    t["s3"][r]["total"] = sum(t["s3"][r][c] for c in K.S3_COLUMNS[:-1])
            rel = f"{year}/{i:05d}.pdf"
            planted = None
            previous = carried
            if carried is not None and prng.random() < 0.25:
                col = prng.choice(["natural_person", "commercial"])
                # the break: this year's carried-over differs from last year's carried-forward, with
                # this year's own identities kept (the error is between the two reports)
                t["s3"]["carried_over"][col] += 1
                t["s3"]["carried_over"]["total"] += 1
                t["s3"]["granted"][col] += 1
                t["s3"]["granted"]["total"] += 1
                t["s3"]["total_handled"][col] += 1
                t["s3"]["total_handled"]["total"] += 1
            elif prng.random() < 0.2:
                rule = prng.choice(["s3_row_total", "s3_total_handled", "s4_group_total", "s3_column_balance"])
                planted = plant_error(prng, t, rule)
            if previous is not None:  # what breaks the series, planted here or by an identity error
                breaks += [{"file": rel, "column": c, "expected": previous[c], "found": t["s3"]["carried_over"][c]}
                           for c in K.S3_COLUMNS if previous[c] != t["s3"]["carried_over"][c]]
            carried = dict(t["s3"]["carried_forward"])
            for v in violations(t):
                errors.append({"file": rel, **v, "detail": f"planted: {planted}; {v['detail']}" if planted else v["detail"]})
            typos = prng.sample([k for k in K.s3_rows("2021") if len(K.S3_LABELS[k]) > 6], k=2) \
                if prng.random() < 0.6 else []
            page = {"title": f"{agency}{year}年政府信息公开工作年度报告", "agency": agency, "year": year,
                    "ruling": prng.choice(["grid", "grid", "grid", "frame", "none"]), "typos": typos,
                    "page_break": prng.random() < 0.5,
                    # numbers centred between a wrapped label's lines, or level with its first or last line
                    "valign": prng.choice(["MIDDLE", "MIDDLE", "TOP", "BOTTOM"]),
                    "paras": [f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，持续深化政务公开。"
                              f"全年主动公开政府信息{prng.randint(20, 900)}条。" * prng.randint(2, 6)]}
            data = render(page, t, prng)
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
            for table, row, col, v in iter_cells(t):
                if table == "template":
                    continue
                cells_rows.append({"file": rel, "table": table, "row": row, "column": col, "value": format_value(v)})
            docs.append({"file": rel, "agency": agency, "year": year, "ruling": page["ruling"], "typos": typos,
                         "s3_crosses_page": page["page_break"], "valign": page["valign"]})
            i += 1
            if progress:
                progress(1)
    write_truth(out, cells_rows, errors=errors, continuity=breaks, documents=docs)
    return {"reports": n, "layout": "hard_pdf", "planted_errors": len(errors), "continuity_breaks": len(breaks)}
