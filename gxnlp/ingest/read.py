"""Read a report file (txt, md, HTML, PDF, docx; any common Chinese encoding) into a clean Document.

>>> from gxnlp.ingest.read import read_document
>>> doc = read_document("corpora/demo/some_report.html")  # doctest: +SKIP
>>> doc.encoding, doc.text[:20]  # doctest: +SKIP
"""
from __future__ import annotations

import codecs
import hashlib
import io
import re
import threading
from functools import lru_cache
from pathlib import Path

from dataclasses import replace

from . import bounds, chrome
from . import normalize
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Document, Grid, IngestError

#: Files larger than this are refused (a report is tens of KB; a 50 MB "report" is a mistake).
DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes

_TEXT_SUFFIXES = {".txt", ".md", ".text", ""}
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses characters.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc-cn", "x-gbk"}


def report_id_of(data: bytes) -> str:
    """Content hash identifying a report: the same bytes give the same id anywhere."""
    return hashlib.sha1(data).hexdigest()[:16]


def _canonical_encoding(name: str) -> str:
    name = name.lower().replace("_", "-")
    if name in _GB_FAMILY or name.replace("-", "") in {"gb2312", "gbk", "gb18030"}:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 50)


_BAD_BYTES = threading.local()


def _count_bad_bytes(exc: UnicodeDecodeError) -> tuple[str, int]:
    positions = getattr(_BAD_BYTES, "positions", None)
    if positions is not None:
        positions.append(exc.start + _BAD_BYTES.offset)
    return "\ufffd", exc.end


codecs.register_error("gxnlp-count", _count_bad_bytes)


def _decode_counting(data: bytes, encoding: str, positions: list[int], offset: int = 0) -> str:
    """``data`` decoded with each undecodable byte run replaced by U+FFFD; its offset (+ ``offset``) noted."""
    _BAD_BYTES.positions, _BAD_BYTES.offset = positions, offset
    try:
        return data.decode(encoding, errors="gxnlp-count")
    finally:
        _BAD_BYTES.positions = None


_DOCUMENT_SYMBOLS = frozenset("“”‘’—…·•°±×÷§©®™€£¥")


def _plausible(text: str) -> float:
    """Share of the non-ASCII characters that Chinese report text is made of: common simplified or
    traditional characters (GB2312 or Big5), CJK/full-width punctuation and common symbols. Text
    decoded with the wrong codec (mojibake) is mostly rare characters, Latin letters and symbols."""
    total = good = 0
    for ch in text:
        if ch < "\x80":
            continue
        total += 1
        if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in _DOCUMENT_SYMBOLS:
            good += 1
        elif "\u4e00" <= ch <= "\u9fff" and _common_hanzi(ch):
            good += 1
    return good / total if total else 1.0


def _common_hanzi(ch: str) -> bool:
    """GB2312 level 1 (the 3,755 most used simplified characters) or Big5 level 1 (frequent
    traditional ones). Mojibake of UTF-8 read as GBK falls mostly in GB2312 level 2."""
    try:
        return ch.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        pass
    try:
        return ch.encode("big5") <= b"\xc6\x7e"
    except UnicodeEncodeError:
        return False


def _lines_with_offsets(data: bytes):
    pos = 0
    for line in data.split(b"\n"):
        yield pos, line
        pos += len(line) + 1


def _utf8_report_line(line: bytes) -> bool:
    """A line that is UTF-8 Chinese text (not a GB line that happens to be valid UTF-8: those read
    as Latin, Greek or Cyrillic letters, and short ones can be valid by chance)."""
    if line.isascii():
        return False
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 4 and _plausible(text) >= 0.8


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode_by_line(data: bytes, primary: str, warnings: list[str]) -> tuple[str, str]:
    """Decode a file in mixed encodings line by line: each line in the codec that reads it as
    Chinese text (ties go to ``primary``, the file's main codec); what no codec reads is decoded
    with ``primary``, the bad bytes replaced and counted."""
    out: list[str] = []
    positions: list[int] = []
    lines_by_codec: dict[str, list[int]] = {}
    candidates = list(dict.fromkeys([primary, "utf-8", "gb18030"]))
    for number, (offset, line) in enumerate(_lines_with_offsets(data), 1):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        # Another codec takes a line only if it reads it as common Chinese text and better than
        # the main codec does (a UTF-8 line cut mid-character read as GB18030 is mojibake).
        chosen, best = None, 0.8
        for enc in candidates:
            try:
                text = line.decode(enc)
            except (UnicodeDecodeError, LookupError):
                continue
            score = _plausible(text)
            if enc == primary and chosen is None:
                chosen, best = (enc, text), max(score, 0.8)
            elif score > best + 1e-9:
                chosen, best = (enc, text), score
        if chosen is None:
            chosen = (primary, _decode_counting(line, primary, positions, offset))
        out.append(chosen[1])
        lines_by_codec.setdefault(chosen[0], []).append(number)
    codecs_used = sorted(lines_by_codec, key=lambda c: (c != primary, -len(lines_by_codec[c])))
    if len(codecs_used) > 1:
        minor = "; ".join(f"{_ranges(lines_by_codec[c])} as {c}" for c in codecs_used[1:])
        warnings.append(f"mixed encodings: lines decoded by segment, mostly {codecs_used[0]}; lines {minor}")
    _warn_replaced(positions, warnings)
    return "\n".join(out), "+".join(codecs_used) or primary


def _ranges(numbers: list[int], limit: int = 6) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:limit])
    return text + (", ..." if len(spans) > limit else "")


def _warn_replaced(positions: list[int], warnings: list[str]) -> None:
    if positions:
        shown = ", ".join(str(p) for p in positions[:10]) + (", ..." if len(positions) > 10 else "")
        warnings.append(f"{len(positions)} invalid byte sequence(s) replaced by U+FFFD at byte offsets {shown}")


def _check_sensible(text: str, n_bad: int) -> None:
    """``unreadable`` when replacement characters are most of what is left."""
    if not n_bad:
        return
    meaningful = sum(1 for ch in text if ch > "\x80" and ch != "\ufffd") + sum(ch.isalnum() for ch in text if ch < "\x80")
    if n_bad > meaningful:
        raise IngestError("unreadable", f"nothing sensible left after decoding: {n_bad} undecodable byte sequences, "
                          f"{meaningful} readable characters")


def decode_bytes(data: bytes, declared: str | None = None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode ``data``; return (text, encoding used). Never guesses silently, never raises on bad bytes.

    Order: BOM, the declared charset (``<meta charset>``), strict UTF-8, then, for a file that is
    UTF-8 in parts, line by line (mixed encodings, a few bad bytes), else charset-normalizer's
    detection, which adds a warning naming the guess. Bytes no codec reads are replaced by U+FFFD
    and counted in a warning with their offsets; only when nothing sensible is left is the file
    ``unreadable``.
    """
    warnings = [] if warnings is None else warnings
    for bom, enc in _BOMS:
        if data.startswith(bom):
            positions: list[int] = []
            text = _decode_counting(data, enc, positions)
            _warn_replaced(positions, warnings)
            _check_sensible(text, len(positions))
            return text, enc.replace("-sig", "") + " (BOM)"
    if _looks_binary(data):
        raise IngestError("binary", "binary content (NUL or control bytes), not a text report")
    if declared:
        enc = _canonical_encoding(declared)
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"declared charset {declared!r} does not decode the file; detecting instead")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = [line for _o, line in _lines_with_offsets(data) if not line.isascii()]
    utf8_lines = sum(map(_utf8_report_line, lines))
    not_utf8 = sum(1 for line in lines if not _decodes(line, "utf-8"))
    if utf8_lines >= not_utf8:  # a UTF-8 report with bad bytes, or a tail in another codec
        text, enc = _decode_by_line(data, "utf-8", warnings)
        _check_sensible(text, text.count("\ufffd"))
        return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    enc = _canonical_encoding(best.encoding) if best is not None else "gb18030"
    if utf8_lines:  # mostly another codec, with UTF-8 lines in it
        text, enc = _decode_by_line(data, enc, warnings)
        _check_sensible(text, text.count("\ufffd"))
        warnings.append(f"encoding not declared; detected {enc.split('+')[0]} (charset-normalizer)")
        return text, enc
    positions = []
    try:
        text = _decode_counting(data, enc, positions)
    except LookupError:
        enc = "gb18030"
        text = _decode_counting(data, enc, positions)
    _warn_replaced(positions, warnings)
    _check_sensible(text, len(positions))
    if best is None:
        warnings.append("encoding not declared and not detected; decoded as gb18030")
    else:
        warnings.append(f"encoding not declared; detected {enc} (charset-normalizer)")
    return text, enc


def _sniff_format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if suffix in {".docx", ""} or b"word/" in data[:4096] else "zip"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
        return "md" if suffix == ".md" else "txt"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix == ".doc":
        raise IngestError("unsupported", "legacy Word .doc is not supported; convert it to .docx or PDF")
    raise IngestError("unsupported", f"unsupported file type {suffix!r} (txt, md, html, pdf, docx)")


# --------------------------------------------------------------------------- HTML

_DROP_TAGS = ("script", "style", "noscript", "iframe", "svg", "nav", "header", "footer", "form", "button",
              "select", "input", "template", "object", "embed")
_CHROME_ATTR = re.compile(r"(?:^|[\s_-])(?:nav|menu|breadcrumb|crumb|footer|header|share|sidebar|topbar|toolbar"
                          r"|position|location|bdsharebuttonbox|fontsize|print|close)(?:$|[\s_-])", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "blockquote", "pre", "dd", "dt", "dl", "hr", "center", "main", "aside", "caption", "tbody",
               "thead", "tfoot", "figure", "address"}


_DROP = frozenset(_DROP_TAGS)
_CHROME_EXEMPT = frozenset({"html", "body", "table", "tr", "td", "th"})
# Tags whose strings are not page text (a parser's string containers), and tags that keep
# whitespace-only strings as they are; every other whitespace-only string counts as one
# space, or one newline if it has one.
_STRING_CONTAINERS = frozenset({"rt", "rp", "style", "script", "template"})
_PRESERVE_WS = frozenset({"pre", "textarea"})
_ASCII_SPACES = " \n\t\x0c\r"
_NONSPACE = re.compile(r"\S+")
_WS_RUN = re.compile(r"\s+")


def _collapse(s: str | None, preserve: bool) -> str | None:
    if not s or preserve or s.strip(_ASCII_SPACES):
        return s
    return "\n" if "\n" in s else " "


def _parse_html(html: str):
    """The page's element tree (libxml2's HTML parser, fed as a push parser), or None if empty."""
    from lxml import etree

    if html.startswith("\ufeff"):
        html = html[1:]
    for markup, encoding in ((html, None), (html.encode("utf-8"), "utf-8")):
        parser = etree.HTMLParser(recover=True, encoding=encoding)
        try:
            parser.feed(markup)
            return parser.close()
        except etree.XMLSyntaxError:  # nothing parseable (an empty or whitespace-only page)
            return None
        except (UnicodeDecodeError, LookupError, etree.ParserError, ValueError):
            continue  # lxml refuses some str input (an XML encoding declaration): parse UTF-8 bytes
    raise IngestError("unreadable", "the HTML parser rejected this page")


class _Page:
    """An HTML page's element tree with the edits ``html_to_text`` makes, kept aside (elements
    dropped, tables replaced by their rendering) so text nodes are never merged."""

    def __init__(self, root):
        self.root = root
        self.dead: set = set()
        self.replaced: dict = {}
        self._context: dict = {}
        self.cell_texts: dict = {}

    def context(self, el) -> tuple[str | None, bool]:
        """(innermost string container, whitespace preserved) for ``el``'s own text."""
        memo = self._context
        chain = []
        node = el
        while node is not None and node not in memo:
            chain.append(node)
            node = node.getparent()
        container, preserve = memo[node] if node is not None else (None, False)
        for node in reversed(chain):
            tag = node.tag
            if tag in _STRING_CONTAINERS:
                container = tag
            preserve = preserve or tag in _PRESERVE_WS
            memo[node] = (container, preserve)
        return container, preserve

    def strings(self, top, final: bool = False) -> list[str]:
        """The strings ``top.get_text()`` joins: those of ``top``'s own kind (page text, or the
        container's kind when ``top`` is one), in document order. ``final`` adds the newline
        around block elements and for ``<br>``."""
        want = top.tag if top.tag in _STRING_CONTAINERS else None
        container, preserve = self.context(top)
        if not len(top) and not final:  # a leaf (most table cells)
            return [_collapse(top.text, preserve)] if top.text and container == want and top not in self.dead else []
        out: list[str] = []
        dead, replaced = self.dead, self.replaced
        stack: list = [(top, container, preserve)]
        while stack:
            item = stack.pop()
            if item.__class__ is str:
                out.append(item)
                continue
            el, c, p = item
            tag = el.tag
            if tag.__class__ is not str or el in dead:
                continue
            if el in replaced:
                if want is None:
                    out.append(replaced[el])
                continue
            if final and tag == "br":
                if want is None:
                    out.append("\n")
                continue
            if tag in _STRING_CONTAINERS:
                c = tag
            p = p or tag in _PRESERVE_WS
            block = final and tag in _BLOCK_TAGS and want is None
            todo: list = []
            if block:
                todo.append("\n")
            if el.text and c == want:
                todo.append(_collapse(el.text, p))
            for child in el:
                todo.append((child, c, p))
                if child.tail and c == want:
                    todo.append(_collapse(child.tail, p))
            if block:
                todo.append("\n")
            stack.extend(reversed(todo))
        return out

    def text(self, el, sep: str = "", strip: bool = False) -> str:
        parts = self.strings(el)
        if strip:
            parts = [s for s in (x.strip() for x in parts) if s]
        return sep.join(parts)


def _string_of(el) -> str | None:
    """An element's only string, as a page title is read (None when it has several children)."""
    children: list = []
    if el.text:
        children.append(_collapse(el.text, False))
    for child in el:
        children.append(child)
        if child.tail:
            children.append(_collapse(child.tail, False))
    if len(children) != 1:
        return None
    only = children[0]
    if isinstance(only, str):
        return only
    if not isinstance(only.tag, str):  # a comment or processing instruction is a string too
        text = only.text or ""
        if only.tag.__name__ == "ProcessingInstruction":
            text = f"{only.target} {text}"
        return _collapse(text, False)
    return _string_of(only)


def table_grid(page: _Page, table) -> list[list[str]]:
    """Resolve an HTML ``<table>`` into a rectangular grid, filling rowspan/colspan cells."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(_table_rows(page, table)):
        row: list[str] = []
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th") or cell in page.dead:
                continue
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = _cell_text(page, cell)
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


def _cell_text(page: _Page, cell) -> str:
    text = page.cell_texts.get(cell)
    if text is None:
        text = page.cell_texts[cell] = _WS_RUN.sub(" ", page.text(cell, " ", strip=True)).strip()
    return text


def _table_rows(page: _Page, table) -> list:
    """The table's live ``<tr>`` elements (not those of a nested table, nor dropped ones)."""
    rows = []
    for tr in table.iter("tr"):
        node, live = tr, True
        while node is not table:
            if node in page.dead or node in page.replaced or (node is not tr and node.tag == "table"):
                live = False
                break
            node = node.getparent()
        if live:
            rows.append(tr)
    return rows


def _render_rows(page: _Page, table) -> str:
    """The table as the page prints it, one ``a | b | c |`` line per row, each cell once."""
    lines = []
    for tr in _table_rows(page, table):
        cells = [_cell_text(page, c) for c in tr if c.tag in ("td", "th") and c not in page.dead]
        lines.append(" | ".join(cells) + " |")
    return "\n".join(lines)


def html_to_text(html: str, warnings: list[str]) -> tuple[str, list[list[list[str]]], dict[str, str]]:
    """Page text with chrome elements removed and tables rendered as ``a | b | c`` rows."""
    root = _parse_html(html)
    meta: dict[str, str] = {}
    if root is None:
        text = ""
    else:
        elements = [el for el in root.iter() if el.tag.__class__ is str]
        page = _Page(root)
        title = next((el for el in elements if el.tag == "title"), None)
        title_text = _string_of(title) if title is not None else None
        if title_text:
            meta["page_title"] = title_text.strip()
        for m in elements:
            if m.tag != "meta":
                continue
            name = (m.get("name") or "").lower()
            content = m.get("content")
            if name in {"articletitle", "title"} and content:
                meta.setdefault("title", content.strip())
            elif name in {"contentsource", "source"} and content:
                meta.setdefault("source_org", content.strip())
            elif name in {"pubdate", "publishdate", "firstpublishedtime"} and content:
                meta.setdefault("published", content.strip())
        dead = page.dead
        for el in elements:
            if el.tag in _DROP:
                dead.add(el)
        for el in elements:
            # parents come before their children: a dropped parent drops the child
            if el in dead or el.getparent() in dead:
                dead.add(el)
                continue
            if el.tag in _CHROME_EXEMPT:
                continue
            cls, ident = el.get("class"), el.get("id")
            if cls is None and ident is None:
                continue
            attrs = " ".join(_NONSPACE.findall(cls or "")) + " " + (ident or "")
            if attrs.strip() and _CHROME_ATTR.search(attrs) and len(page.text(el, strip=True)) < 300:
                dead.add(el)
        grids: list[list[list[str]]] = []
        # Innermost tables first: a table's cells then hold its inner tables' rendering.
        for table in reversed([el for el in elements if el.tag == "table" and el not in dead]):
            grid = table_grid(page, table)
            if not grid:
                dead.add(table)
                continue
            grids.append(grid)
            page.replaced[table] = "\n" + _render_rows(page, table) + "\n"
        grids.reverse()
        body = next((el for el in elements if el.tag == "body"), root)
        text = "".join(page.strings(body, final=True))
    if not re.search(r"</html\s*>|</body\s*>", html[-4096:], re.I):
        warnings.append("HTML looks truncated (no closing </body> or </html>); text may be incomplete")
    return text, (grids if root is not None else []), meta


# --------------------------------------------------------------------------- PDF and docx

def pdf_to_text(data: bytes, warnings: list[str], grids: list[Grid] | None = None) -> str:
    """The PDF's text, page by page; ``grids`` (when given) receives its tables as grids
    (ruled tables and word-position rows, :mod:`gxnlp.ingest.pdf_grids`)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    from .pdf_grids import pdf_grids

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [(page.extract_text() or "") for page in pdf.pages]
            if grids is not None and any(p.strip() for p in pages):
                try:
                    grids.extend(pdf_grids(pdf))
                except Exception as exc:  # a damaged page must not lose the text route
                    warnings.append(f"PDF tables could not be read as grids ({type(exc).__name__}: {exc}); "
                                    "text only")
    except PDFSyntaxError as exc:
        raise IngestError("unreadable", f"not a readable PDF ({exc})") from exc
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        raise IngestError("unreadable", f"PDF could not be read: {type(exc).__name__}: {exc}") from exc
    if not pages:
        raise IngestError("empty", "PDF has no pages")
    chars = sum(len(re.sub(r"\s", "", p)) for p in pages)
    if chars < 20 * len(pages) and chars < 200:
        raise IngestError("no_text_layer", f"no text layer (scanned, {len(pages)} pages); OCR needed")
    empty = [i + 1 for i, p in enumerate(pages) if not p.strip()]
    if empty:
        warnings.append(f"PDF pages without a text layer (scanned?): {empty}")
    return "\n".join(pages)


def docx_to_text(data: bytes, warnings: list[str]) -> tuple[str, list[list[list[str]]]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise IngestError("unreadable", f"not a readable .docx: {type(exc).__name__}: {exc}") from exc
    parts: list[str] = []
    grids: list[list[list[str]]] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            # python-docx repeats a merged cell in every grid position it spans: spans come resolved.
            grid = []
            for row in table.rows:
                cells = row.cells
                grid.append([re.sub(r"\s+", " ", cell.text).strip() for cell in cells])
                once = [c for i, c in enumerate(cells) if i == 0 or c._tc is not cells[i - 1]._tc]
                parts.append(" | ".join(re.sub(r"\s+", " ", c.text).strip() for c in once) + " |")
            grids.append(grid)
    return "\n".join(parts), grids


# --------------------------------------------------------------------------- entry point

@lru_cache(maxsize=1 << 16)
def _normalise_cell(cell: str) -> str:
    """Table cells repeat (labels, 0): each distinct one is normalised once per process."""
    return normalize.normalise(cell)


def read_document(path: str | Path, *, max_bytes: int | None = None, limits: Limits | None = None) -> Document:
    """Read one report file into a normalised :class:`Document`.

    Raises :class:`IngestError` with a specific ``code`` for files that cannot be a report
    (empty, binary junk, over a limit of ``limits``, scanned PDF, unsupported type).
    ``max_bytes`` overrides ``limits.max_mb``.
    """
    limits = limits or DEFAULT_LIMITS
    if max_bytes is not None:
        limits = replace(limits, max_mb=max_bytes / 2**20)
    max_bytes = limits.max_bytes
    path = Path(path)
    if not path.exists():
        raise IngestError("not_found", f"no such file: {path}")
    if not path.is_file():
        raise IngestError("unsupported", f"not a regular file: {path}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError("unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    if size == 0:
        raise IngestError("empty", "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(
            "too_large",
            f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB limit for one report "
            "(raise --max-mb if this really is one report)",
        )
    try:
        data = path.read_bytes()
    except PermissionError:
        raise IngestError("unreadable", "permission denied: this process may not read the file") from None
    except OSError as exc:
        raise IngestError("unreadable", f"cannot read the file: {exc.strerror or exc}") from None
    warnings: list[str] = []
    fmt = _sniff_format(path, data)
    grids: list[list[list[str]]] = []
    meta: dict[str, str] = {}
    encoding: str | None = None
    if fmt == "zip":
        raise IngestError("unsupported", "a ZIP archive, not a .docx report")
    pdf_tables: list[Grid] = []
    if fmt == "pdf":
        bounds.check_pdf(data, limits)
        raw = pdf_to_text(data, warnings, pdf_tables)
    elif fmt == "docx":
        bounds.check_zip(data, limits)
        raw, grids = docx_to_text(data, warnings)
    else:
        declared = None
        if fmt == "html":
            m = _META_CHARSET.search(data[:4096])
            declared = m.group(1).decode("ascii") if m else None
        raw, encoding = decode_bytes(data, declared, warnings)
        if fmt == "html":
            bounds.check_html(raw, limits)
            raw, grids, meta = html_to_text(raw, warnings)
    if "\ufffd" in raw[:5000] and raw.count("\ufffd") > 20:
        warnings.append(f"{raw.count(chr(0xFFFD))} undecodable characters (U+FFFD) in the text")
    text = normalize.normalise(raw, warnings)
    if fmt == "pdf":
        text = normalize.close_pdf_number_gaps(text)
    if fmt == "html":
        grids = [[[_normalise_cell(c) for c in row] for row in grid] for grid in grids]
    all_grids = [Grid(fmt, g) for g in grids] + [
        Grid(g.kind, [[None if c is None else normalize.normalise(c) for c in row] for row in g.rows], g.page)
        for g in pdf_tables]
    text, page_meta = chrome.strip_chrome(text, warnings)
    for k, v in page_meta.items():
        meta.setdefault(k, v)
    for k in ("title", "agency", "source_org"):
        if k in meta:
            meta[k] = normalize.normalise(meta[k])
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise IngestError("no_chinese_text", "no Chinese text found: not a report (or the wrong encoding)")
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    if cjk < 50:
        warnings.append(f"very short document ({cjk} Chinese characters)")
    return Document(
        source=str(path),
        report_id=report_id_of(data),
        text=text,
        format=fmt,
        encoding=encoding,
        html_tables=grids,
        grids=all_grids,
        meta=meta,
        warnings=warnings,
    )
