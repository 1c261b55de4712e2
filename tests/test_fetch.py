"""fetch and crawl against a generated government site served on 127.0.0.1 (nothing leaves the machine)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app
from gxnlp.ingest.fetch import (
    CrawlRules, FetchOptions, HostThrottle, Link, as_url, canonical_url, crawl, fetch_urls, is_pagination,
    js_pagination, local_name, looks_like_report, page_links, resolve_inputs, retry_after_seconds,
)

ROOT = Path(__file__).resolve().parents[1]
FAST = dict(rate=20.0, timeout=5.0, retries=1, backoff=0.05)

# --------------------------------------------------------------------------- the generated site

REPORT_BODY = """<h1>{title}</h1>
<p>一、总体情况</p><p>{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息{n}条。</p>
<p>二、主动公开政府信息情况</p><p>规章 | 0 | 0 | 0 |</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年新收政府信息公开申请{m}件。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>无。</p>
<p>五、存在的主要问题及改进情况</p><p>一是政策解读形式单一；二是工作人员业务能力有待提高。</p>
<p>六、其他需要报告的事项</p><p>无。</p>"""


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    fail_first: int = 0  # answer fail_status this many times first
    fail_status: int = 503
    no_length: bool = False


def html_page(title: str, body: str, charset: str = "utf-8") -> bytes:
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head><body>'
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zcwj/">政策文件</a></div>{body}</body></html>')
    return page.encode("gbk" if charset == "gbk" else "utf-8")


def report_page(title: str, year: int, extra: str = "", charset: str = "utf-8") -> bytes:
    body = REPORT_BODY.format(title=title, year=year, agency="某某县人民政府办公室", n=100 + year % 100, m=year % 17)
    return html_page(title, body + extra, charset)


def listing_page(items: list[tuple[str, str]], page: int, pages: int, charset: str = "utf-8") -> bytes:
    links = "".join(f'<li><a href="{href}" target="_blank">{text}</a><span>2024-01-{i + 10}</span></li>'
                    for i, (href, text) in enumerate(items))
    def name(i: int) -> str:
        return "index.html" if i == 0 else f"index_{i}.html"
    pager = " ".join(f'<a href="{name(i)}">{i + 1}</a>' for i in range(pages))
    if page + 1 < pages:
        pager += f' <a href="{name(page + 1)}">下一页</a>'
    pager += f' <a href="{name(pages - 1)}">尾页</a>'
    return html_page("年度报告", f'<ul class="list">{links}</ul><div class="page">{pager}</div>', charset)


def make_pdf(text: str) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 12)
    for i, line in enumerate(text.splitlines()):
        pdf.drawString(60, 780 - 18 * i, line)
    pdf.save()
    return buf.getvalue()


def make_docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


DOCX_PATH = "/files/" + quote("2023年报附件.docx")
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_site() -> dict[str, Route]:
    """A 年报 column of three listing pages, six reports, four attachments, and the usual trouble."""
    title = "某某县人民政府办公室{}年政府信息公开工作年度报告"
    pdf_text = "某某县2023年政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息123条。"
    site = {
        "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/ndbg/index.html": Route(listing_page([
            ("report1.html", title.format(2023)), ("report2.html", title.format(2022)),
            ("detail?id=3", title.format(2021)), ("/private/report.html", title.format(2020)),
            ("/zcwj/notice.html", "关于印发某某方案的通知"),
        ], 0, 3)),
        "/ndbg/index_1.html": Route(listing_page([
            ("report4.html", title.format(2019)), ("/old/report5.html", title.format(2018)),
            ("missing.html", title.format(2017)),
        ], 1, 3, charset="gbk"), "text/html"),
        "/ndbg/index_2.html": Route(listing_page([
            ("report6.html", title.format(2016)), ("/files/2015nb.pdf", "2015年年报（PDF）"),
            ("http://localhost:{port}/ndbg/offsite.html", title.format(2014)),
        ], 2, 3)),
        "/ndbg/report1.html": Route(report_page(title.format(2023), 2023, (
            '<p>附件：<a href="/files/P020240115.pdf">2023年年报.pdf</a> '
            f'<a href="{DOCX_PATH}">附件下载</a> <a href="/zcwj/notice.html">相关文件</a></p>'
            '<p>下一篇：<a href="report2.html">' + title.format(2022) + "</a></p>")), headers={"ETag": '"r1-v1"'}),
        "/ndbg/report2.html": Route(report_page(title.format(2022), 2022,
                                                '<p>上一篇：<a href="report1.html">' + title.format(2023) + "</a></p>")),
        "/ndbg/detail?id=3": Route(report_page(title.format(2021), 2021, '<p><a href="/files/tables.xls">附表</a></p>')),
        "/ndbg/report4.html": Route(report_page(title.format(2019), 2019, charset="gbk"), "text/html; charset=gbk"),
        "/old/report5.html": Route(b"", status=301, headers={"Location": "/ndbg/report5.html"}),
        "/ndbg/report5.html": Route(report_page(title.format(2018), 2018)),
        "/ndbg/report6.html": Route(report_page(title.format(2016), 2016), delay=0.3),
        "/files/P020240115.pdf": Route(make_pdf(pdf_text), PDF),
        DOCX_PATH: Route(make_docx(pdf_text), DOCX),
        "/files/tables.xls": Route(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "application/vnd.ms-excel"),
        "/files/2015nb.pdf": Route(make_pdf("2015年政府信息公开工作年度报告"), PDF),
        "/private/report.html": Route(report_page(title.format(2020), 2020)),
        "/zcwj/notice.html": Route(html_page("通知", "<p>通知</p>")),
        "/": Route(html_page("首页", "<p>首页</p>")),
        # used by single tests, not linked from the site
        "/flaky.pdf": Route(make_pdf("flaky"), PDF, fail_first=1, fail_status=503),
        "/busy.pdf": Route(make_pdf("busy"), PDF, fail_first=1, fail_status=429, headers={"Retry-After": "1"}),
        "/hang.html": Route(report_page("hang", 2020), delay=1.0),
        "/big.pdf": Route(b"%PDF-1.4\n" + b"0" * 200_000, PDF),
        "/big-stream.pdf": Route(b"%PDF-1.4\n" + b"0" * 200_000, PDF, no_length=True),
    }
    return site


#: Everything a crawl of /ndbg/index.html must download (by server path), and must not request.
SITE_DOCUMENTS = {"/ndbg/report1.html", "/ndbg/report2.html", "/ndbg/detail?id=3", "/ndbg/report4.html",
                  "/ndbg/report5.html", "/ndbg/report6.html", "/files/P020240115.pdf", DOCX_PATH,
                  "/files/tables.xls", "/files/2015nb.pdf"}
SITE_LISTINGS = {"/ndbg/index.html", "/ndbg/index_1.html", "/ndbg/index_2.html"}
NEVER_REQUESTED = {"/private/report.html", "/zcwj/notice.html", "/", "/ndbg/offsite.html"}


class _QuietServer(ThreadingHTTPServer):
    """The test site's server: a client hanging up mid-response (timeouts, aborted downloads) is expected here,
    and the server thread's traceback would otherwise land in the captured output of the command under test."""

    def handle_error(self, request, client_address):
        pass


class Site:
    """The generated site on a local port, with a log of (path, host header, time, headers) per request."""

    def __init__(self):
        self.routes = build_site()
        self.hits: list[tuple[str, str, float, dict]] = []
        self.lock = threading.Lock()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        for route in self.routes.values():
            route.body = route.body.replace(b"{port}", str(self.port).encode())
        self._fails: dict[str, int] = {}
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            self._fails.clear()

    def paths(self) -> list[str]:
        with self.lock:
            return [h[0] for h in self.hits]

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                with site.lock:
                    site.hits.append((self.path, self.headers.get("Host", ""), time.monotonic(), dict(self.headers)))
                    route = site.routes.get(self.path) if self.headers.get("Host", "").startswith("127.") else None
                    failing = route is not None and site._fails.get(self.path, 0) < route.fail_first
                    if failing:
                        site._fails[self.path] = site._fails.get(self.path, 0) + 1
                if route is None:
                    return self._send(404, b"not found", "text/plain", {})
                time.sleep(route.delay)
                if failing:
                    return self._send(route.fail_status, b"busy", "text/plain", route.headers)
                if route.headers.get("ETag") and self.headers.get("If-None-Match") == route.headers["ETag"]:
                    return self._send(304, b"", None, route.headers)
                self._send(route.status, route.body, route.content_type, route.headers, route.no_length)

            def _send(self, status, body, content_type, headers, no_length=False):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                if no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body) if status != 304 else 0))
                self.end_headers()
                if status != 304:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        return Handler


@pytest.fixture(scope="module")
def site():
    server = Site()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def fresh_site(site):
    site.reset()
    return site


def server_path(url: str, base: str) -> str:
    return url[len(base):]


def manifest(out: Path) -> list[dict]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


def downloaded(out: Path, base: str) -> dict[str, dict]:
    """Server path -> sidecar of every successful download in ``out``."""
    found = {}
    for rec in manifest(out):
        if "error" not in rec:
            sidecar = json.loads((out / (rec["file"] + ".json")).read_text(encoding="utf-8"))
            found[server_path(sidecar["final_url"], base)] = sidecar
    return found


def min_spacing(site: Site, host: str) -> float:
    times = sorted(t for _, h, t, _ in site.hits if h == host)
    return min(b - a for a, b in zip(times, times[1:]))


# --------------------------------------------------------------------------- pure functions

def test_local_names_are_deterministic_readable_and_distinct():
    urls = ["http://www.x.gov.cn/zwgk/ndbg/t20230130_123.html", "http://www.x.gov.cn/zwgk/ndbg/T20230130_123.html",
            "http://www.x.gov.cn/zwgk/NDBG/p.pdf", "http://www.x.gov.cn/zwgk/ndbg/p.pdf",
            "http://www.x.gov.cn/view?id=1", "http://www.x.gov.cn/view?id=2", "http://www.x.gov.cn/view",
            "http://www.x.gov.cn/a/", "http://www.x.gov.cn/a", "http://www.x.gov.cn/a.html",
            "http://www.x.gov.cn/files/年报 2023.pdf", "http://www.x.gov.cn/files/年报_2023.pdf",
            "http://www.x.gov.cn:8080/a.html", "https://www.x.gov.cn/a//b.pdf", "https://www.x.gov.cn/a/b.pdf",
            "http://www.x.gov.cn/con.pdf", "http://www.x.gov.cn/a.pdf.json"]
    names = [str(local_name(canonical_url(u), "text/html")) for u in urls]
    assert names == [str(local_name(canonical_url(u), "text/html")) for u in urls]
    assert len({n.lower() for n in names}) == len(urls)  # distinct even on a case-insensitive disk
    assert names[0] == "www.x.gov.cn/zwgk/ndbg/t20230130_123.html"
    assert names[7].startswith("www.x.gov.cn/a/index-") and names[7].endswith(".html")
    assert names[10].startswith("www.x.gov.cn/files/年报_2023-") and names[10].endswith(".pdf")
    assert names[12].startswith("www.x.gov.cn_8080/")
    assert not any(n.endswith(".json") for n in names)
    assert str(local_name("http://h/download.jsp?id=7", "application/pdf")).endswith(".pdf")
    assert str(local_name("http://h/x", None)).endswith(".bin")
    assert as_url(Path("https://www.x.gov.cn/a/b.html")) == "https://www.x.gov.cn/a/b.html"  # a Path lost a slash
    assert as_url("reports/a.html") is None


def test_report_links_and_pagination_are_recognised():
    assert looks_like_report("某某区人民政府2023年政府信息公开工作年度报告")
    assert looks_like_report("2022年年报") and looks_like_report("2021年政务公开年度报告")
    assert looks_like_report("某某县2023年政府信息公开工作年...")  # a title cut short by the listing
    assert not looks_like_report("政府信息公开指南（2023年版）") and not looks_like_report("企业年报公示")
    page = "http://h/ndbg/index.html"
    assert is_pagination(Link("http://h/ndbg/index_1.html", "下一页"), page)
    assert is_pagination(Link("http://h/ndbg/index_2.html", "3"), page)
    assert is_pagination(Link("http://h/ndbg/list?page=4", "尾页 >>"), page)
    assert not is_pagination(Link("http://h/other/index_1.html", "下一页"), page)
    assert not is_pagination(Link("http://h/ndbg/t2023.html", "某县年报"), page)
    script = '<script>var countPage = 3; createPageHTML(countPage, 0, "index", "shtml");</script>'
    assert js_pagination(script, page) == ["http://h/ndbg/index.shtml", "http://h/ndbg/index_1.shtml",
                                           "http://h/ndbg/index_2.shtml"]
    links = page_links('<base href="http://h/x/"><a href="a.html" title="某县2023年政府信息公开工作年度报告">某县2023…</a>'
                       '<a href="javascript:void(0)">打印</a><iframe src="f.pdf#page=2"></iframe>', "http://h/")
    assert [link.url for link in links] == ["http://h/x/a.html", "http://h/x/f.pdf"]
    assert looks_like_report(links[0].text)


def test_throttle_and_retry_after():
    clock = [0.0]
    slept = []
    throttle = HostThrottle(0.5, clock=lambda: clock[0], sleep=lambda s: (slept.append(s), clock.__setitem__(0, clock[0] + s)))
    for _ in range(3):
        throttle.wait("a")
        clock[0] += 0.1  # the request takes 0.1 s
        throttle.done("a")
    throttle.wait("b")  # another host does not wait
    throttle.hold("a", 2.0)
    throttle.wait("a")
    assert slept == pytest.approx([0.5, 0.5, 2.0])
    assert retry_after_seconds("7") == 7.0 and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# --------------------------------------------------------------------------- crawling the site

@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    """One full crawl of the site at 20 requests/s: (out, records, requests seen by the server)."""
    site.reset()
    out = tmp_path_factory.mktemp("crawl")
    records = list(crawl(site.url("/ndbg/index.html"), out, FetchOptions(**FAST)).run())
    return out, records, list(site.hits)


def test_crawl_downloads_every_report_and_attachment_with_sidecars(site, crawled):
    out, records, hits = crawled
    got = downloaded(out, site.base)
    assert set(got) == SITE_DOCUMENTS | SITE_LISTINGS
    for path, sidecar in got.items():
        data = (out / sidecar["file"]).read_bytes()
        assert data == site.routes[path].body, path  # the original bytes
        assert sidecar["sha256"] == hashlib.sha256(data).hexdigest()
        assert sidecar["status"] == 200 and sidecar["fetched_at"].endswith("Z")
        assert sidecar["headers"]["content-type"] == site.routes[path].content_type
        assert sidecar["referrer"] or sidecar["url"] == site.url("/ndbg/index.html")
        assert sidecar["file"].startswith(".listings/") == (path in SITE_LISTINGS)
    assert got["/ndbg/report5.html"]["url"] == site.url("/old/report5.html")
    assert got["/ndbg/report5.html"]["redirects"] == [{"url": site.url("/old/report5.html"), "status": 301}]
    assert got["/ndbg/report4.html"]["link_text"] == "某某县人民政府办公室2019年政府信息公开工作年度报告"  # from a GBK page
    assert got[DOCX_PATH]["referrer"] == site.url("/ndbg/report1.html")
    assert got["/ndbg/detail?id=3"]["file"].endswith(".html")
    assert (out / got[DOCX_PATH]["file"]).suffix == ".docx"

    paths = [h[0] for h in hits]
    assert not NEVER_REQUESTED & set(paths)  # robots.txt, other host, non-report links
    assert len(paths) == len(set(paths)), "a URL was requested twice"
    assert all(h[3]["User-Agent"].startswith("gxnlp/") for h in hits)
    assert min_spacing(site, f"127.0.0.1:{site.port}") >= 1 / FAST["rate"] - 0.002

    failed = {server_path(r["url"], site.base): r for r in records if r["outcome"] == "failed"}
    assert set(failed) == {"/ndbg/missing.html", "/private/report.html"}
    assert failed["/ndbg/missing.html"]["error_kind"] == "http" and failed["/ndbg/missing.html"]["status"] == 404
    assert failed["/private/report.html"]["error_kind"] == "robots"


def test_rerun_skips_what_it_has(fresh_site, crawled):
    out, _, _ = crawled
    records = list(crawl(fresh_site.url("/ndbg/index.html"), out, FetchOptions(**FAST)).run())
    # only robots.txt and the earlier failure are asked again
    assert sorted(fresh_site.paths()) == ["/ndbg/missing.html", "/robots.txt"]
    assert sum(r["outcome"] == "cached" for r in records) == len(SITE_DOCUMENTS | SITE_LISTINGS)


def test_max_pages_max_depth_and_any_host(fresh_site, tmp_path):
    site = fresh_site
    start = site.url("/ndbg/index.html")
    two_pages = crawl(start, tmp_path / "a", FetchOptions(**FAST), CrawlRules(max_pages=2))
    records = list(two_pages.run())
    assert [r["kind"] for r in records if r["kind"] != "attachment"] == ["listing", "report"]
    assert two_pages.not_fetched > 0
    listings_only = list(crawl(start, tmp_path / "b", FetchOptions(**FAST), CrawlRules(max_depth=0)).run())
    assert {server_path(r["final_url"], site.base) for r in listings_only} == SITE_LISTINGS | {"/files/2015nb.pdf"}
    site.reset()
    list(crawl(start, tmp_path / "c", FetchOptions(**FAST), CrawlRules(same_host=False)).run())
    assert ("/ndbg/offsite.html", f"localhost:{site.port}") in {(p, h) for p, h, _, _ in site.hits}


def test_killed_crawl_resumes_without_refetching(fresh_site, tmp_path):
    site = fresh_site
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "gxnlp.cli", "crawl", site.url("/ndbg/index.html"), "--out", str(out), "--rate", "8"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (out / "manifest.jsonl").exists() and sum("error" not in r for r in manifest(out)) >= 6:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = manifest(out)
    have = {server_path(r["final_url"], site.base) for r in before if "error" not in r}
    assert 6 <= len(have) < len(SITE_DOCUMENTS | SITE_LISTINGS), "the crawl was not killed half-way"
    hits_before = len(site.paths())

    result = CliRunner().invoke(app, ["crawl", site.url("/ndbg/index.html"), "--out", str(out), "--rate", "20"])
    assert result.exit_code == 1  # the 404 and the robots-disallowed page
    assert set(downloaded(out, site.base)) == SITE_DOCUMENTS | SITE_LISTINGS
    asked_again = set(site.paths()[hits_before:])
    assert not asked_again & have, f"re-requested after resume: {asked_again & have}"
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert {x["outcome"] for x in lines} == {"cached", "fetched", "failed"}


def test_rate_limit_spacing_at_a_slower_rate(fresh_site, tmp_path):
    site = fresh_site
    urls = [site.url(p) for p in ("/ndbg/report1.html", "/ndbg/report2.html", "/files/tables.xls")]
    records = list(fetch_urls(urls, tmp_path, FetchOptions(rate=4.0, timeout=5.0), attachments=False).run())
    assert [r["outcome"] for r in records] == ["fetched"] * 3
    assert len(site.hits) == 4  # with robots.txt
    spacing = min_spacing(site, f"127.0.0.1:{site.port}")
    assert 0.25 - 0.002 <= spacing < 0.5


def test_retries_back_off_and_honour_retry_after(fresh_site, tmp_path):
    site = fresh_site
    urls = [site.url("/flaky.pdf"), site.url("/busy.pdf")]
    records = list(fetch_urls(urls, tmp_path, FetchOptions(**FAST)).run())
    assert [r["outcome"] for r in records] == ["fetched", "fetched"]
    times = {p: [t for q, _, t, _ in site.hits if q == p] for p in ("/flaky.pdf", "/busy.pdf")}
    assert len(times["/flaky.pdf"]) == 2 and len(times["/busy.pdf"]) == 2
    assert times["/busy.pdf"][1] - times["/busy.pdf"][0] >= 1.0 - 0.01  # Retry-After: 1


def test_timeouts_and_size_limit_are_error_records(fresh_site, tmp_path):
    site = fresh_site
    options = FetchOptions(rate=20.0, timeout=0.3, retries=1, backoff=0.05, max_bytes=100_000)
    urls = [site.url(p) for p in ("/hang.html", "/big.pdf", "/big-stream.pdf", "/ndbg/missing.html")]
    records = {server_path(r["url"], site.base): r for r in fetch_urls(urls, tmp_path, options).run()}
    assert {p: r["error_kind"] for p, r in records.items()} == {
        "/hang.html": "timeout", "/big.pdf": "too-large", "/big-stream.pdf": "too-large", "/ndbg/missing.html": "http"}
    assert site.paths().count("/hang.html") == 2  # retried once
    assert site.paths().count("/big-stream.pdf") == 1  # too large is not retried
    assert not list((tmp_path / ".partial").iterdir())  # aborted downloads leave nothing behind
    assert not (tmp_path / f"127.0.0.1_{site.port}").exists()


def test_refresh_revalidates_with_etag(fresh_site, tmp_path):
    site = fresh_site
    url = site.url("/ndbg/report1.html")
    first = list(fetch_urls([url], tmp_path, FetchOptions(**FAST), attachments=False).run())
    again = list(fetch_urls([url], tmp_path, FetchOptions(**FAST, refresh=True), attachments=False).run())
    assert first[0]["outcome"] == "fetched" and again[0]["outcome"] == "not-modified"
    conditional = [h[3] for h in site.hits if h[0] == "/ndbg/report1.html"][1]
    assert conditional.get("If-None-Match") == '"r1-v1"'


# --------------------------------------------------------------------------- the commands

def test_fetch_command_exit_status_and_json_lines(fresh_site, tmp_path):
    site = fresh_site
    runner = CliRunner()
    ok = runner.invoke(app, ["fetch", site.url("/ndbg/report1.html"), "--out", str(tmp_path), "--rate", "20"])
    assert ok.exit_code == 0, ok.output
    lines = [json.loads(x) for x in ok.stdout.splitlines()]
    assert [x["kind"] for x in lines] == ["document", "attachment", "attachment"]
    assert all(Path(x["file"]).is_file() for x in lines)
    bad = runner.invoke(app, ["fetch", site.url("/ndbg/missing.html"), "--out", str(tmp_path), "--rate", "20"])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["error"] == "HTTP 404 Not Found"
    assert "Traceback" not in bad.output
    usage = runner.invoke(app, ["fetch", "ftp://example.org/x.pdf", "--out", str(tmp_path)])
    assert usage.exit_code == 2


def test_parse_accepts_a_url(fresh_site, tmp_path, monkeypatch):
    site = fresh_site
    monkeypatch.setenv("GXNLP_CACHE", str(tmp_path))
    url = site.url("/ndbg/report1.html")
    result = CliRunner().invoke(app, ["parse", url])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["year"] == 2023 and record["sections"]["problems"]
    assert resolve_inputs([url]) == [Path(record["source"])]  # cached: not downloaded twice
    assert site.paths().count("/ndbg/report1.html") == 1
    missing = CliRunner().invoke(app, ["parse", site.url("/ndbg/missing.html")])
    assert missing.exit_code == 2 and "could not download" in missing.output
