"""Decoding keeps what can be read: bad bytes replaced and counted, mixed encodings by line, and
GB18030 files whose short lines happen to be valid UTF-8 still decoded as GB18030."""
from __future__ import annotations

import pytest

from hostile import DEMO, good_text

from gxnlp.ingest.read import decode_bytes
from gxnlp.model import IngestError


def test_gb_lines_that_are_valid_utf8_by_chance_stay_gb():
    # 一 is D2 BB and 为 CE AA in GB2312: both valid two-byte UTF-8 sequences.
    text = "一\n为\n" + "本机关全年共收到政府信息公开申请十件，均已按时答复。\n" * 5 + "一为\n"
    decoded, encoding = decode_bytes(text.encode("gb18030"), None, [])
    assert (decoded, encoding) == (text, "gb18030")


def test_every_non_utf8_demo_file_decodes_as_gb18030():
    n = 0
    for path in sorted(DEMO.rglob("*.txt")):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            continue
        except UnicodeDecodeError:
            n += 1
        warnings: list[str] = []
        _text, encoding = decode_bytes(data, None, warnings)
        assert encoding == "gb18030" and not any("replaced" in w or "mixed" in w for w in warnings), path
    assert n >= 5


def test_bad_bytes_are_counted_with_their_offsets():
    data = good_text().encode("utf-8")
    bad = data[:90] + b"\xff" + data[90:200] + b"\xc3" + data[200:]
    warnings: list[str] = []
    text, encoding = decode_bytes(bad, None, warnings)
    assert encoding == "utf-8" and text.count("\ufffd") >= 2
    assert any("invalid byte sequence(s) replaced by U+FFFD at byte offsets" in w and "90" in w for w in warnings)


def test_utf8_report_with_gb18030_tail_is_read_whole():
    report = good_text()
    lines = report.split("\n")
    data = "\n".join(lines[:40]).encode("utf-8") + b"\n" + "\n".join(lines[40:]).encode("gb18030")
    warnings: list[str] = []
    text, encoding = decode_bytes(data, None, warnings)
    assert text == report and set(encoding.split("+")) == {"utf-8", "gb18030"}
    assert any(w.startswith("mixed encodings") for w in warnings)


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf\x88", b"\xff\xfe0", b"\xfe\xff\xd8"])
def test_bom_with_garbage_is_unreadable_not_a_crash(data):
    with pytest.raises(IngestError) as err:
        decode_bytes(data, None, [])
    assert err.value.code == "unreadable"
