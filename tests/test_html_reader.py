"""The HTML reader walks lxml's tree directly; its output must be what the earlier
BeautifulSoup implementation gave (kept below as the reference), on random pages with the
constructs real sites use: nested layout tables, spans, chrome widgets, comments, <br>,
<pre>, ruby text, scripts, whitespace-only strings, malformed markup."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gxnlp.ingest.read import _BLOCK_TAGS, _CHROME_ATTR, _DROP_TAGS, html_to_text

pytest.importorskip("bs4")


# ----------------------------------------------------------------- reference (BeautifulSoup)

def _bs4_table_grid(table) -> list[list[str]]:
    """Resolve an HTML ``<table>`` into a rectangular grid, filling rowspan/colspan cells."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        row: list[str] = []
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = re.sub(r"\s+", " ", cell.get_text(" ", strip=True)).strip()
            try:
                rowspan = max(1, min(int(cell.get("rowspan", 1) or 1), 500))
                colspan = max(1, min(int(cell.get("colspan", 1) or 1), 100))
            except ValueError:
                rowspan, colspan = 1, 1
            for dc in range(colspan):
                row.append(text)
                for dr in range(1, rowspan):
                    pending[(r + dr, c + dc)] = text
            c += colspan
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _bs4_render_rows(table) -> str:
    """The table as the page prints it, one ``a | b | c |`` line per row, each cell once."""
    lines = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [re.sub(r"\s+", " ", c.get_text(" ", strip=True)).strip() for c in tr.find_all(["td", "th"], recursive=False)]
        lines.append(" | ".join(cells) + " |")
    return "\n".join(lines)


def bs4_html_to_text(html: str, warnings: list[str]) -> tuple[str, list[list[list[str]]], dict[str, str]]:
    """Page text with chrome elements removed and tables rendered as ``a | b | c`` rows."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    if soup.title and soup.title.string:
        meta["page_title"] = soup.title.string.strip()
    for m in soup.find_all("meta"):
        name = (m.get("name") or "").lower()
        if name in {"articletitle", "title"} and m.get("content"):
            meta.setdefault("title", m["content"].strip())
        elif name in {"contentsource", "source"} and m.get("content"):
            meta.setdefault("source_org", m["content"].strip())
        elif name in {"pubdate", "publishdate", "firstpublishedtime"} and m.get("content"):
            meta.setdefault("published", m["content"].strip())
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "table", "tr", "td", "th"):
            continue
        attrs = " ".join([" ".join(tag.get("class") or []), tag.get("id") or ""])
        if attrs.strip() and _CHROME_ATTR.search(attrs) and len(tag.get_text(strip=True)) < 300:
            tag.decompose()
    grids: list[list[list[str]]] = []
    # Innermost tables first so a layout table wrapping the report is not flattened whole.
    tables = soup.find_all("table")
    for table in reversed(tables):
        if table.decomposed:
            continue
        if table.find("table"):
            continue  # a layout table: its inner tables are handled; keep its other text
        grid = _bs4_table_grid(table)
        if not grid:
            table.decompose()
            continue
        grids.append(grid)
        table.replace_with(NavigableString("\n" + _bs4_render_rows(table) + "\n"))
    grids.reverse()
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))
    body = soup.body or soup
    text = body.get_text()
    if not re.search(r"</html\s*>|</body\s*>", html[-4096:], re.I):
        warnings.append("HTML looks truncated (no closing </body> or </html>); text may be incomplete")
    return text, grids, meta


# ----------------------------------------------------------------- random pages

_WORDS = ["政府信息公开", "本年新收", " ", "\n", "  \n\t ", "12", "&nbsp;", "&amp;", "—", "a b", "\u3000", "0", "\r\n"]
_TAGS = ["div", "p", "span", "td", "tr", "table", "br", "li", "pre", "rt", "ruby", "script", "style", "nav", "b",
         "section", "h2", "tbody", "th", "font", "o:p", "textarea", "center", "title", "meta"]
_ATTRS = ["", ' class="menu"', ' class="content"', ' id="footer"', ' class="  share  x"', ' rowspan="2"',
          ' colspan="3"', ' rowspan="x"', ' colspan=""', ' class="position"', ' id="main"']


@st.composite
def fragments(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 9))
        if kind < 4 or depth > 4:
            parts.append(draw(st.sampled_from(_WORDS)))
        elif kind == 4:
            parts.append("<!--" + draw(st.sampled_from(["c", " ", "正文"])) + "-->")
        elif kind == 5:
            parts.append(draw(st.sampled_from(["<br>", "<br/>", "</p>", "<td>", "</table>", "<tr>", "<hr>"])))
        else:
            tag = draw(st.sampled_from(_TAGS))
            attr = draw(st.sampled_from(_ATTRS))
            inner = draw(fragments(depth + 1))
            close = draw(st.booleans()) or depth == 0
            parts.append(f"<{tag}{attr}>{inner}" + (f"</{tag}>" if close else ""))
    return "".join(parts)


@st.composite
def pages(draw):
    head = draw(st.sampled_from(["", "<head><title>年度报告</title></head>", "<head><title> </title>"
                                 "<meta name=\"ArticleTitle\" content=\" 标题 \"><meta name=pubdate content=2022-01-05></head>",
                                 "<title><!--x--></title>"]))
    body = draw(fragments())
    tail = draw(st.sampled_from(["</body></html>", "", "</html>"]))
    return draw(st.sampled_from(["<!DOCTYPE html>", "", "\ufeff"])) + f"<html>{head}<body>{body}{tail}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_lxml_reader_matches_beautifulsoup(html):
    w_old: list[str] = []
    w_new: list[str] = []
    assert html_to_text(html, w_new) == bs4_html_to_text(html, w_old)
    assert w_new == w_old


def test_nested_layout_table_and_chrome():
    html = ("<html><head><title>T</title></head><body><div class='breadcrumb'>首页 &gt; 公开</div>"
            "<table><tr><td>正文<table><tr><td rowspan=2>一</td><td>1</td></tr><tr><td>2</td></tr></table></td></tr>"
            "</table><pre>  a\n  </pre><ruby>汉<rt>han</rt></ruby><script>x()</script></body></html>")
    new = html_to_text(html, [])
    assert new == bs4_html_to_text(html, [])
    text, grids, meta = new
    assert "首页" not in text and "han" not in text and "x()" not in text
    assert grids[1] == [["一", "1"], ["一", "2"]]
    assert meta == {"page_title": "T"}
