"""Renderers: one :class:`~gxnlp.synth.document.Page` -> the bytes of a file, in the ways
real annual reports reach a corpus (see domain.md, "What real files look like").

Each renderer returns ``(data: bytes, suffix, format, encoding)``.

>>> sorted(LAYOUTS)[:3]
['blank_separated', 'cell_lines_bare', 'cell_lines_pipe']
"""
from __future__ import annotations

import html
import io
import random
import zipfile
from collections.abc import Callable
from functools import lru_cache

from ..genre.table_keys import S4_LITIGATION_LABEL, S4_REVIEW_LABEL, S4_ROW_LABELS
from .document import Block, Page, grid_positions

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ----------------------------------------------------------------------------- shared text pieces

def _crumb(rng: random.Random) -> str:
    return rng.choice([
        "当前位置：首页 > 政务公开 > 政府信息公开年报",
        "当前位置:首页 > 政府信息公开 > 政府信息公开年报 > 信息公开工作年度报告",
        "- 首页 > 政务公开 > 政府信息公开年度报告",
        "您所在的位置：首页 > 信息公开 > 法定主动公开内容 > 政府信息公开年报",
    ])


def _head_lines(page: Page, rng: random.Random, style: str) -> list[str]:
    lines: list[str] = []
    ch = page.chrome
    if ch.get("crumb"):
        lines.append(_crumb(rng))
    if ch.get("meta"):
        if style == "pipe":
            lines += ["索引号 | 公开方式 | 发布机构 |", f"{page.index_no} | 主动公开 | {page.agency} |"]
        else:
            lines += [f"索引号：{page.index_no}", f"发布机构：{page.agency}", f"发文日期：{page.published}"]
    if ch.get("split_title") and page.title.startswith(page.agency):
        lines += [page.agency, page.title[len(page.agency):]]
    else:
        lines.append(page.title)
    if ch.get("source_line"):
        lines.append(f"发布时间：{page.published}     来源：{page.agency}     阅读次数：")
    return lines


def _tail_lines(page: Page, rng: random.Random) -> list[str]:
    ch = page.chrome
    out = []
    if ch.get("download"):
        out.append("点击下载此文件")
    if ch.get("qr"):
        out.append("扫一扫在手机上查看当前页面")
    if ch.get("prevnext"):
        out += ["上一篇：" + ch.get("prev_title", ""), "下一篇：" + ch.get("next_title", "")]
    return out


def _body_blocks(page: Page) -> list[Block]:
    return [b for b in page.blocks if b.kind != "title"]


# ----------------------------------------------------------------------------- table flatteners

def _rows_texts(block: Block) -> list[list[str]]:
    return [[c.text for c in row] for row in block.grid]


def _row_missing(block: Block) -> list[int]:
    """How many columns each <tr> leaves to cells spanning from above or to nothing."""
    return [max(0, block.ncols - len(row)) for row in block.grid]


def table_pipe_rows(block: Block, rng: random.Random) -> list[str]:
    out = []
    for texts, miss in zip(_rows_texts(block), _row_missing(block)):
        out.append(" | ".join(texts) + " |" + "|" * miss)
    return out


def table_cell_lines_pipe(block: Block, rng: random.Random, variant: str) -> list[str]:
    out = []
    for texts, miss in zip(_rows_texts(block), _row_missing(block)):
        if variant == "open":  # seed 000 style: each <tr> opens with "|" and closes with pipes
            out.append("|")
            out += [f"{t} |" for t in texts]
            out.append("|" * (miss + 1))
        else:  # seed 001 style: pipes only where a row is short
            out += [f"{t} |" for t in texts]
            if miss:
                out.append("|" * miss)
    return out


def table_cell_lines_bare(block: Block, rng: random.Random) -> list[str]:
    return [t for texts in _rows_texts(block) for t in texts]


def table_blank_separated(block: Block, rng: random.Random, nbsp: str) -> list[str]:
    out: list[str] = []
    for texts in _rows_texts(block):
        for t in texts:
            out += [t, ""]
        if rng.random() < 0.25:
            out += [nbsp, ""]
    return out


def table_glued(block: Block, rng: random.Random) -> str:
    parts = []
    for texts in _rows_texts(block):
        row = "".join(texts)
        if rng.random() < 0.08:
            row += " "
        parts.append(row)
    return "".join(parts)


# ----------------------------------------------------------------------------- text layouts

def _assemble(page: Page, rng: random.Random, table_fn: Callable[[Block], list[str]], head_style: str,
              para_sep: str = "\n", fullwidth: bool = False) -> str:
    lines = _head_lines(page, rng, head_style)
    for b in _body_blocks(page):
        if b.kind == "table":
            tl = table_fn(b)
            if fullwidth:
                tl = [t.translate(FULLWIDTH) for t in tl]
            lines += tl
        elif b.kind == "sign":
            lines += b.text.split("\n")
        else:
            lines.append(b.text.translate(FULLWIDTH) if fullwidth == "all" else b.text)
    lines += _tail_lines(page, rng)
    return para_sep.join(lines) + "\n"


def _encode(text: str, encoding: str) -> tuple[bytes, str]:
    if encoding == "gbk":
        try:
            return text.encode("gbk"), "gbk"
        except UnicodeEncodeError:
            pass
    return text.encode("utf-8"), "utf-8"


def render_pipe_rows(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    text = _assemble(page, rng, lambda b: table_pipe_rows(b, rng), "pipe", fullwidth=opts.get("fullwidth", False))
    data, enc = _encode(text, opts.get("encoding", "utf-8"))
    return data, ".txt", "txt", enc


def render_cell_lines_pipe(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    variant = rng.choice(["open", "short"])
    text = _assemble(page, rng, lambda b: table_cell_lines_pipe(b, rng, variant), "pipe",
                     fullwidth=opts.get("fullwidth", False))
    data, enc = _encode(text, opts.get("encoding", "utf-8"))
    return data, ".txt", "txt", enc


def render_cell_lines_bare(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    text = _assemble(page, rng, lambda b: table_cell_lines_bare(b, rng), "plain", fullwidth=opts.get("fullwidth", False))
    data, enc = _encode(text, opts.get("encoding", "utf-8"))
    return data, ".txt", "txt", enc


def render_blank_separated(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    nbsp = rng.choice(["\u00a0", "&nbsp;", " ", "\u3000"])
    lines = _head_lines(page, rng, "plain")
    for b in _body_blocks(page):
        if b.kind == "table":
            tl = table_blank_separated(b, rng, nbsp)
            if opts.get("fullwidth"):
                tl = [t.translate(FULLWIDTH) for t in tl]
            lines += tl
        else:
            text = b.text.translate(FULLWIDTH) if opts.get("fullwidth") == "all" and b.kind != "sign" else b.text
            lines += text.split("\n") + [""]
            if b.kind == "sign":
                lines = lines[:-1]
        if rng.random() < 0.15:
            lines += [nbsp, ""]
    lines += _tail_lines(page, rng)
    return ("\n".join(lines) + "\n").encode("utf-8"), ".txt", "txt", "utf-8"


def render_glued(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    """Pingtan style: an archive header block, then the whole page on one line, digits glued."""
    url_no = page.index_no.rsplit("-", 1)[-1]
    d = page.published.replace("-", "")
    header = [
        f"标题: {page.title}",
        f"发布时间: {page.published} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
        "文号: ",
        "发布机构: ",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/{d[:6]}/t{d}_{url_no}.htm",
        f"本地目录: zwgk/zfxxgk/zfxxgknb/{d[:6]}/{url_no}_{page.title}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
    ]
    parts = []
    if page.chrome.get("crumb"):
        parts.append(f"当前位置： 首页政务公开政府信息公开政府信息公开年报 {page.title} 来源：{page.agency} "
                     f"时间：{page.published} 微信 微博 QQ空间 文字版 文件下载 ")
    else:
        parts.append(page.title + " ")
    for b in _body_blocks(page):
        if b.kind == "table":
            parts.append(table_glued(b, rng))
        elif b.kind == "sign":
            parts.append(" " + b.text.replace("\n", " "))
        elif b.kind == "heading" and rng.random() < 0.3:
            parts.append(" " + b.text)
        else:
            parts.append(b.text)
    if page.chrome.get("download"):
        parts.append(" 附件下载")
    return ("\n".join(header) + "\n" + "".join(parts) + "\n").encode("utf-8"), ".txt", "txt", "utf-8"


# ----------------------------------------------------------------------------- PDF-like text

def _width(s: str) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in s)


_NO_LINE_START = set("，。；：、）》”！？,.;:)")


def _wrap(s: str, width: float) -> list[str]:
    out, cur, w = [], "", 0.0
    for ch in s:
        cw = 0.5 if ord(ch) < 128 else 1.0
        if w + cw > width and cur and ch not in _NO_LINE_START:
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    return out


def _pdf_table_lines(block: Block, rng: random.Random) -> list[str]:
    grid = block.grid
    if block.table == "s3":
        return _pdf_s3_lines(block, rng)
    if block.table == "s4":
        return _pdf_s4_lines(block, rng)
    out = []
    for row in grid:
        texts = [c.text for c in row]
        if len(texts) == 1:
            out.append(texts[0].replace("第二十条第", "第二十条 第"))
        else:
            out.append(" ".join(texts).rstrip())
    return out


def _split_half(s: str) -> tuple[str, str]:
    k = (len(s) + 1) // 2
    return s[:k], s[k:]


def _pdf_s3_lines(block: Block, rng: random.Random) -> list[str]:
    grid = block.grid
    heads = [c.text for c in grid[2]]
    a = [_split_half(h) if len(h) > 3 else (h, "") for h in heads]
    note1, note2 = _split_half(grid[0][0].text)
    out = ["申请人情况", f"{note1} 法人或其他组织", note2, "自然人 总计",
           " ".join(x for x, _ in a), " ".join(y for _, y in a if y)]
    pos = grid_positions(grid[3:])
    vertical: dict[int, list[str]] = {}
    rows_lines: list[list[str]] = [[] for _ in grid[3:]]
    labels: dict[int, list[str]] = {}
    values: dict[int, list[str]] = {}
    for r, c, cell in pos:
        if cell.key:
            values.setdefault(r, []).append(cell.text or "")
        elif cell.rs > 1:  # a vertical group label: spread over the rows it spans
            toks = [cell.text[:2]] + list(cell.text[2:]) if cell.text.startswith("三、") else _split_half(cell.text)
            toks = [t for t in toks if t]
            span = cell.rs
            for i, t in enumerate(toks):
                vertical.setdefault(r + min(span - 1, (i * span) // max(1, len(toks))), []).append(t)
        else:
            labels.setdefault(r, []).append(cell.text)
    for r in range(len(grid) - 3):
        label = "".join(labels.get(r, []))
        vals = " ".join(v if v else "" for v in values.get(r, []))
        pre = " ".join(vertical.get(r, []))
        lines: list[str] = []
        if pre and rng.random() < 0.5:
            lines.append(pre)
            pre = ""
        if _width(label) > 19:
            l1, l2 = label[:17], label[17:]
            lines += [(pre + " " + l1).strip(), vals, l2]
        else:
            lines.append(" ".join(x for x in (pre, label, vals) if x))
        rows_lines[r] = lines
    for ls in rows_lines:
        out += ls
    return out


def _pdf_s4_lines(block: Block, rng: random.Random) -> list[str]:
    grid = block.grid
    vals = " ".join(c.text for c in grid[3])
    return [f"{S4_REVIEW_LABEL} {S4_LITIGATION_LABEL}",
            f"{S4_ROW_LABELS['litigation_direct']} {S4_ROW_LABELS['litigation_after_review']}",
            "结果 结果 其他结 尚未", "总计", "结 果 结果 其他 尚未 结果 结果 其他 尚未审",
            "维持 纠正 果 审结", "总计 总计", "维持 纠正 结果 审结 维持 纠正 结果 结", vals]


def pdf_pages(page: Page, rng: random.Random, width: float = 31, per_page: int = 36) -> list[list[str]]:
    """The report as PDF text lines, split into pages (no page numbers yet)."""
    lines: list[str] = []
    title = page.title
    if title.startswith(page.agency):
        lines += [page.agency, title[len(page.agency):]]
    else:
        lines += _wrap(title, width)
    spaced = rng.random() < 0.6
    for b in _body_blocks(page):
        if b.kind == "table":
            lines += _pdf_table_lines(b, rng)
        elif b.kind == "sign":
            lines += b.text.split("\n")
        else:
            t = b.text
            if spaced:
                import re

                t = re.sub(r"(?<=[^\x00-\x7f])(\d+)", r" \1", t)
                t = re.sub(r"(\d+)(?=[^\x00-\x7f])", r"\1 ", t)
            lines += _wrap(t, width)
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)]


def render_pdf_text(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    pages = pdf_pages(page, rng)
    out = []
    for i, p in enumerate(pages):
        out += p
        out.append(f"- {i + 1} -")
    return ("\n".join(out) + "\n").encode("utf-8"), ".txt", "txt", "utf-8"


# ----------------------------------------------------------------------------- traditional + pinyin

@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2tw")


@lru_cache(maxsize=4096)
def _gloss(trad: str, simp: str) -> str:
    from pypinyin import Style, pinyin

    return pinyin(simp, style=Style.TONE, heteronym=False)[0][0]


_HALF = str.maketrans({"，": ",", "（": "(", "）": ")", "：": ":", "；": ";"})


def to_trad_pinyin(text: str) -> str:
    """s2t, then a pinyin gloss after some converted characters (the ``區(qū)`` garble)."""
    trad = _s2t().convert(text)
    out = []
    for s, t in zip(text, trad) if len(text) == len(trad) else ():
        out.append(t)
        if s != t and (ord(t) * 7 + 3) % 5 < 3:
            out.append(f"({_gloss(t, s)})")
    if len(text) != len(trad):  # conversion changed the length: no glosses, still traditional
        out = [trad]
    return "".join(out).translate(_HALF)


def render_trad_pinyin(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    text = _assemble(page, rng, lambda b: table_cell_lines_pipe(b, rng, "open"), "pipe")
    site = page.chrome.get("site", "")
    if site:
        text = site + "\n" + text
    return to_trad_pinyin(text).encode("utf-8"), ".txt", "txt", "utf-8"


# ----------------------------------------------------------------------------- HTML

def _html_table(block: Block, cls: str = "") -> str:
    rows = []
    for row in block.grid:
        cells = []
        for c in row:
            attrs = (f' rowspan="{c.rs}"' if c.rs > 1 else "") + (f' colspan="{c.cs}"' if c.cs > 1 else "")
            cells.append(f"<td{attrs}><p>{html.escape(c.text)}</p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table border="1" cellspacing="0" cellpadding="0"{cls}><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def render_html(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    e = html.escape
    ch = page.chrome
    gbk = opts.get("encoding") == "gbk"  # old sites: GBK bytes under a gb2312 declaration
    charset = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if gbk
               else '<meta charset="utf-8">')
    parts = ["<!DOCTYPE html>", f'<html lang="zh-CN"><head>{charset}',
             f"<title>{e(page.title)}</title></head><body>"]
    parts.append('<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hdjl/">互动交流</a></div>')
    parts.append('<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
                 '<a href="/zwgk/nb/">政府信息公开年报</a></div>')
    parts.append('<table class="xxgk-meta"><tbody>'
                 f"<tr><td>索引号：</td><td>{e(page.index_no)}</td><td>发布机构：</td><td>{e(page.agency)}</td></tr>"
                 f"<tr><td>发文日期：</td><td>{e(page.published)}</td><td>文号：</td><td>无</td></tr>"
                 f"<tr><td>标题：</td><td colspan=\"3\">{e(page.title)}</td></tr></tbody></table>")
    parts.append(f'<h1 class="title">{e(page.title)}</h1>')
    parts.append(f'<div class="info">发布时间：{e(page.published)} 来源：{e(page.agency)} 字号：[大 中 小]</div>')
    parts.append('<div class="content" id="zoom">')
    for b in _body_blocks(page):
        if b.kind == "table":
            parts.append(_html_table(b))
        elif b.kind == "sign":
            for ln in b.text.split("\n"):
                parts.append(f'<p style="text-align: right;">{e(ln)}</p>')
        elif b.kind in ("heading",):
            parts.append(f"<p><strong>{e(b.text)}</strong></p>")
        else:
            parts.append(f'<p style="text-indent: 2em;">{e(b.text)}</p>')
    parts.append("</div>")
    parts.append(f'<div class="attach"><a href="/files/{e(page.index_no)}.pdf">点击下载此文件</a></div>')
    parts.append('<div class="qrcode"><img src="/qr.png" alt=""><span>扫一扫在手机上查看当前页面</span></div>')
    parts.append(f'<div class="prevnext"><p>上一篇：<a href="#">{e(ch.get("prev_title", ""))}</a></p>'
                 f'<p>下一篇：<a href="#">{e(ch.get("next_title", ""))}</a></p></div>')
    parts.append('<div class="footer">主办单位：' + e(page.agency) + " 网站标识码：0000000000</div>")
    parts.append("</body></html>")
    data, enc = _encode("\n".join(parts) + "\n", "gbk" if gbk else "utf-8")
    return data, ".html", "html", enc


# ----------------------------------------------------------------------------- docx

_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order, so output is byte-identical run to run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return buf.getvalue()


def _docx_fill_table(table, block: Block, pos) -> None:
    """Replace the rows of a python-docx table by real Word rows with gridSpan/vMerge merges.

    Written as XML in one pass: python-docx's ``cell.merge`` rescans the table on every call.
    """
    from xml.sax.saxutils import escape

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tbl = table._tbl
    for tr in list(tbl.tr_lst):
        tbl.remove(tr)
    origin = {(r, c): cell for r, c, cell in pos}
    below: dict[tuple[int, int], int] = {}  # (row, col) covered by a vertical merge -> its colspan
    for r, c, cell in pos:
        for dr in range(1, cell.rs):
            below[(r + dr, c)] = cell.cs
    rows = []
    for r in range(len(block.grid)):
        tcs = []
        c = 0
        while c < block.ncols:
            cell = origin.get((r, c))
            if cell is not None:
                span, merge, text = cell.cs, ("restart" if cell.rs > 1 else None), cell.text
            elif (r, c) in below:
                span, merge, text = below[(r, c)], "continue", ""
            else:
                span, merge, text = 1, None, ""
            pr = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + \
                 ({"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(merge, ""))
            run = f"<w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r>" if text else ""
            tcs.append(f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p>{run}</w:p></w:tc>")
            c += span
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    frag = parse_xml(f"<w:tbl {nsdecls('w')}>" + "".join(rows) + "</w:tbl>")
    for tr in list(frag):
        tbl.append(tr)


def render_docx(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    import datetime as dt

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    cp = d.core_properties
    y, m, dd = (int(x) for x in page.published.split("-"))
    cp.created = cp.modified = dt.datetime(y, m, dd, 9, 0, 0)
    cp.author = page.agency
    cp.title = page.title
    cp.last_modified_by = page.agency
    cp.revision = 1
    h = d.add_paragraph(page.title)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in _body_blocks(page):
        if b.kind == "table":
            pos = grid_positions(b.grid)
            t = d.add_table(rows=0, cols=b.ncols)
            t.style = "Table Grid"
            _docx_fill_table(t, b, pos)
        elif b.kind == "sign":
            for ln in b.text.split("\n"):
                p = d.add_paragraph(ln)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            d.add_paragraph(b.text)
    buf = io.BytesIO()
    d.save(buf)
    return _normalise_zip(buf.getvalue()), ".docx", "docx", None


# ----------------------------------------------------------------------------- PDF

@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def render_pdf(page: Page, rng: random.Random, opts: dict) -> tuple[bytes, str, str, str]:
    """A real PDF (reportlab, built-in CID font STSong-Light, not embedded) with page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _pdf_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(page.title)
    c.setAuthor(page.agency)
    width, height = A4
    for i, lines in enumerate(pdf_pages(page, rng)):
        c.setFont(font, 12)
        y = height - 72
        for ln in lines:
            c.drawString(72, y, ln)
            y -= 20
        c.setFont(font, 10)
        c.drawCentredString(width / 2, 40, f"- {i + 1} -")
        c.showPage()
    c.save()
    return buf.getvalue(), ".pdf", "pdf", None


LAYOUTS: dict[str, Callable[[Page, random.Random, dict], tuple[bytes, str, str, str | None]]] = {
    "pipe_rows": render_pipe_rows,
    "cell_lines_pipe": render_cell_lines_pipe,
    "cell_lines_bare": render_cell_lines_bare,
    "blank_separated": render_blank_separated,
    "glued": render_glued,
    "pdf_text": render_pdf_text,
    "html": render_html,
    "trad_pinyin": render_trad_pinyin,
    "docx": render_docx,
    "pdf": render_pdf,
}

__all__ = ["LAYOUTS", "to_trad_pinyin", "pdf_pages"]
