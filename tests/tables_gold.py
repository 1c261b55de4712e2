"""Gold cells for the table extractor, and the comparison used by tests and the benchmark.

Two independent sources of truth:
- ``shared/corpora/pingtan/<id>/tables.json``: the page's HTML tables transcribed (row labels as
  printed). ``pingtan_gold`` maps its printed labels to canonical keys by the template's
  printed labels (``gxnlp.genre.table_keys``; not the extractor's patterns).
- ``tests/gold/tables/*.json``: cells read by hand from the seeds and the Huai'an PDF.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from gxnlp.genre import table_keys as K

GOLD_DIR = Path(__file__).parent / "gold" / "tables"

S3_COLS = list(K.S3_COLUMNS)
S4_ROWS = list(K.S4_ROWS)
S4_COLS = list(K.S4_COLUMNS)
S2_COLS = {template: dict(rows) for template, rows in K.S2_ROWS.items()}

#: printed label (as in tables.json) -> canonical row key: the template's printed labels (exact strings;
#: a label the page prints otherwise fails the lookup).
LABELS = {label: key for labels in (K.S2_LABELS, K.S2_LABELS_2019, K.S3_LABELS) for key, label in labels.items()}


def gold_value(text: str):
    t = text.strip().rstrip("元")
    if t in ("", "—", "/", "无"):
        return None
    return float(t) if "." in t else int(t)


def pingtan_gold(tables_json: dict) -> dict[tuple[str, str, str], object]:
    tpl = tables_json["template"]
    gold = {}
    for label, *vals in tables_json["s2"]:
        row = LABELS[label]
        for col, v in zip(S2_COLS[tpl][row], vals, strict=True):
            gold[("s2", row, col)] = float(gold_value(v)) if col == "amount_wan" else gold_value(v)
    for label, *vals in tables_json["s3"]:
        row = LABELS[label]
        for col, v in zip(S3_COLS, vals, strict=True):
            gold[("s3", row, col)] = gold_value(v)
    for i, v in enumerate(tables_json["s4"]):
        gold[("s4", S4_ROWS[i // 5], S4_COLS[i % 5])] = gold_value(v)
    return gold


def file_gold(name: str) -> tuple[str, dict[tuple[str, str, str], object]]:
    d = json.loads((GOLD_DIR / name).read_text(encoding="utf-8"))
    gold = {}
    for row, vals in d["s2"].items():
        for col, v in zip(S2_COLS[d["template"]][row], vals, strict=True):
            gold[("s2", row, col)] = v
    for row, vals in d["s3"].items():
        for col, v in zip(S3_COLS, vals, strict=True):
            gold[("s3", row, col)] = v
    for row, vals in d["s4"].items():
        for col, v in zip(S4_COLS, vals, strict=True):
            gold[("s4", row, col)] = v
    return d["path"], gold


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6 and (isinstance(a, float) == isinstance(b, float) or float(a).is_integer())


def compare(df, gold: dict) -> tuple[int, int, list[str]]:
    """(cells right, gold cells, descriptions of wrong/missing/extra cells)."""
    got = {(r.table, r.row, r.column): r.value for r in df.itertuples()}
    bad = []
    ok = 0
    for key, want in gold.items():
        if key not in got:
            bad.append(f"missing {key} (gold {want})")
        elif _same(got[key], want):
            ok += 1
        else:
            bad.append(f"{key}: got {got[key]!r}, gold {want!r}")
    bad += [f"extra {k}" for k in got if k not in gold]
    return ok, len(gold), bad


# ------------------------------------------------------------------ renditions of tables.json

def pingtan_grids(tables_json: dict, pad: bool = True) -> list[list[list[str]]]:
    """The three tables as resolved HTML grids (header rows, rowspan/colspan filled), the way
    the original page lays them out. ``pad=False``: s2 rows keep their own length (text layouts)."""
    tpl = tables_json["template"]
    s2 = {LABELS[r[0]]: r for r in tables_json["s2"]}
    heads = {
        "2021": [("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["regulations", "normative_documents"]),
                 ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], ["licensing"]),
                 ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], ["penalty", "coercion"]),
                 ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], ["fees"])],
        "2019": [("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["regulations", "normative_documents"]),
                 ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["licensing", "other_services"]),
                 ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["penalty", "coercion"]),
                 ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], ["fees"]),
                 ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], ["procurement"])],
    }[tpl]
    g2 = []
    for title, header, rows in heads:
        g2.append([title] * 4)
        g2.append(header + [header[-1]] * (4 - len(header)))
        for r in rows:
            cells = list(s2[r])
            g2.append(cells + [cells[-1]] * (4 - len(cells)) if pad else cells)
    g3 = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3 + ["申请人情况"] * 7,
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3
        + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"] * 3
        + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
    ]
    group = {"denied": "（三）不予公开", "unable": "（四）无法提供", "not_processed": "（五）不予处理", "other_": "（六）其他处理"}
    for label, *vals in tables_json["s3"]:
        key = LABELS[label]
        if key in ("new_requests", "carried_over", "carried_forward"):
            g3.append([label] * 3 + vals)
        elif key in ("granted", "partially_granted", "other_handling", "total_handled"):
            g3.append(["三、本年度办理结果"] + [label] * 2 + vals)
        else:
            grp = next(name for prefix, name in group.items() if key.startswith(prefix))
            g3.append(["三、本年度办理结果", grp, label] + vals)
    g4 = [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
        list(tables_json["s4"]),
    ]
    # header cells of the first two rows span the data rows in the page: keep the fill
    g4[0][:5] = ["行政复议"] * 5
    g4[1][:5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [g2, g3, g4]


def grids_to_html(grids: list[list[list[str]]]) -> str:
    """Plain <table> markup for resolved grids (every cell escaped)."""
    out = []
    for g in grids:
        out.append("<table>" + "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in g) + "</table>")
    return "\n".join(out)


# ------------------------------------------------------------------ documents without ingest

_GLOSS = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]*\)")


def text_document(path: Path, text: str | None = None):
    """A Document built straight from a file's text (what ingest will do, minus web chrome):
    pinyin glosses removed and traditional -> simplified for the garbled seed."""
    from gxnlp.model import Document

    raw = path.read_bytes()
    if text is None:
        text = raw.decode("utf-8")
        if _GLOSS.search(text):
            import opencc

            text = opencc.OpenCC("t2s").convert(_GLOSS.sub("", text))
    return Document(source=str(path), report_id=hashlib.sha1(raw).hexdigest()[:16], text=text, format=path.suffix[1:])


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join((p.extract_text() or "") for p in pdf.pages)


# ------------------------------------------------------------------ text renditions of the same tables

_HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
_TAIL = "五、存在的主要问题及改进情况\n一是公开内容不够全面。"


def _dedupe(row: list[str]) -> list[str]:
    """A label repeated by rowspan/colspan filling is printed once (numbers are all kept)."""
    out: list[str] = []
    for c in row:
        if not out or c != out[-1] or re.fullmatch(r"[-+\d.元]+", c):
            out.append(c)
    return out


def _wrap(blocks: list[str]) -> str:
    return "一、总体情况\n今年共主动公开信息若干条。\n" + "\n".join(
        f"{h}\n{b}" for h, b in zip(_HEADINGS, blocks)) + "\n" + _TAIL


def render_markdown(grids) -> str:
    """``| a | b | c |`` rows."""
    return _wrap(["\n".join("| " + " | ".join(_dedupe(r)) + " |" for r in g) for g in grids])


def render_cell_lines(grids) -> str:
    """One cell per line ending `` |``, a ``||||`` line after every row (seed 001's layout)."""
    return _wrap(["\n".join("\n".join(c + " |" for c in _dedupe(r)) + "\n||||" for r in g) for g in grids])


def render_paragraphs(grids) -> str:
    """One cell per paragraph, blank lines and nbsp-only lines between (seed 002's layout)."""
    return _wrap(["\n\n".join("\n\n\u00a0\n\n".join(_dedupe(r)) for r in g) for g in grids])


def render_pdf(grids) -> str:
    """PDF text: ``label n n n`` rows, long labels broken around the numbers, the vertical group
    labels one character per line between rows, page numbers ``- 4 -`` inside the table."""
    g2, g3, g4 = grids
    s2 = "\n".join(" ".join(_dedupe(r)) for r in g2)
    lines = [" ".join(_dedupe(r)) for r in g3[:3]]
    vertical = list("三、本年度办理结果")
    for i, row in enumerate(g3[3:]):
        label, vals = row[2], row[3:]
        nums = " ".join(vals)
        if row[0] == "三、本年度办理结果" and vertical:
            lines.append(vertical.pop(0))
        if row[1].startswith("（") and row[1] != label and i % 3 == 0:
            lines.append(row[1][:3])
        if len(label) > 14:
            lines += [label[:12], nums, label[12:]]
        else:
            lines.append(f"{label} {nums}")
        if i == 10:
            lines.append("- 4 -")
    s4 = "\n".join(" ".join(_dedupe(r)) for r in g4)
    return _wrap([s2, "\n".join(lines), s4])


RENDERERS = {"markdown": render_markdown, "cell_lines": render_cell_lines, "paragraphs": render_paragraphs,
             "pdf": render_pdf}


def render(tables_json: dict, layout: str) -> str:
    """The tables of ``tables_json`` flattened into report text with the named layout."""
    return RENDERERS[layout](pingtan_grids(tables_json, pad=False))
