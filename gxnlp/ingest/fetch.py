"""Download reports and their attachments from government sites, politely and resumably.

- :func:`crawl` follows a 年报 listing page (its report links and its pagination) and downloads
  every report page and the attachments (PDF, Word, Excel, WPS, OFD) the pages link to.
- :func:`fetch_urls` downloads given URLs, with the attachments of the HTML pages among them.
- :func:`resolve_inputs` turns the URLs among command-line inputs into local files in a cache.

Polite by default: robots.txt is honoured (and its Crawl-delay), requests to one host are spaced
``1 / rate`` seconds apart, retries back off exponentially and honour Retry-After, every
download has a timeout and a size limit. One output folder holds everything, and is the
resume state::

    OUT/<host>/<path>             the original bytes of each report and attachment
    OUT/<host>/<path>.json        its sidecar: url, final_url, status, headers, fetched_at, sha256, ...
    OUT/.listings/<host>/<path>   listing pages (hidden, so ``gxnlp parse OUT`` reads reports only)
    OUT/manifest.jsonl            one line per download or error, appended as it happens

A URL with a download in the manifest is not requested again (``refresh`` revalidates it with
If-None-Match / If-Modified-Since instead), so a killed crawl, run again, continues where it
stopped. One process at a time per output folder.
"""
from __future__ import annotations

import email.utils
import hashlib
import itertools
import json
import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .. import __version__

if TYPE_CHECKING:  # httpx is imported when something is downloaded, not with every command
    import httpx

#: How gxnlp introduces itself to servers; robots.txt rules for ``gxnlp`` apply to it.
USER_AGENT = f"gxnlp/{__version__} (text mining of government information disclosure annual reports)"
ROBOTS_AGENT = "gxnlp"
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".xls", ".xlsx", ".wps", ".ofd")
MB = 1024 * 1024

#: Link text (or title) of an annual report: 政府信息公开工作年度报告, 政务公开年度报告, 2023年年报, ...
REPORT_LINK = re.compile(r"(?:信息|政务)公开.{0,20}?(?:年度报|年报)|信息公开工作年|\d{4}年度?(?:年报|年度报告)")
_PAGER_TEXT = re.compile(r"(?:下一?页|后页|尾页|末页|最后一?页|上一?页|前页)")
_PAGE_NUMBER = re.compile(r"\[?\d{1,4}\]?")
_PAGE_FILE = re.compile(r"index_\d+\.s?html?", re.I)
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|pageno|pageindex|pagenum|curpage|p)=\d+", re.I)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_COLLAPSED_URL = re.compile(r"^(https?):/(?!/)", re.I)

_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TYPE_SUFFIX = {
    "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "application/pdf": ".pdf",
    "application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/wps-office.wps": ".wps",
    "application/kswps": ".wps", "application/ofd": ".ofd", "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
# A URL suffix kept as the file's extension; any other (.jsp, .do, none) is replaced by the content type's.
_KNOWN_SUFFIXES = set(ATTACHMENT_SUFFIXES) | {".html", ".htm", ".shtml", ".xhtml", ".txt", ".zip", ".rar", ".et"}
_PLAIN_DIR = re.compile(r"[a-z0-9_-]{1,80}")
_PLAIN_FILE = re.compile(r"[a-z0-9_-][a-z0-9_.-]{0,80}")
_UNSAFE_CHARS = re.compile(r"[^\w.-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class FetchError(Exception):
    """A URL that could not be downloaded; ``kind`` says why: http, timeout, too-large, robots, network, bad-url."""

    def __init__(self, kind: str, message: str, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.kind, self.status, self.retryable = kind, status, retryable


@dataclass
class FetchOptions:
    """How politely and how long to try. ``rate`` is requests per second per host."""

    rate: float = 1.0
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_bytes: int = 50 * MB
    max_retry_wait: float = 300.0
    max_seconds: float = 600.0
    robots: bool = True
    refresh: bool = False
    verify_tls: bool = True
    user_agent: str = USER_AGENT
    max_redirects: int = 10


@dataclass(frozen=True)
class Target:
    """A URL to download and why: ``kind`` is listing, report, attachment or document."""

    url: str
    kind: str = "document"
    depth: int = 0
    referrer: str | None = None
    link_text: str = ""


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass
class CrawlRules:
    """Which links a crawl follows and how far."""

    max_pages: int = 500
    max_depth: int = 2
    same_host: bool = True
    attachments: bool = True
    report_link: re.Pattern = REPORT_LINK


# --------------------------------------------------------------------------- URLs and file names

def canonical_url(url: str) -> str:
    """The URL as requested and as keyed in the manifest: no fragment, dot segments resolved, percent-encoded."""
    import httpx

    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as exc:
        raise FetchError("bad-url", f"invalid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError("bad-url", f"not an http(s) URL: {url}")
    return str(parsed.copy_with(fragment=None))


def resource_key(url: str) -> str:
    """``//host/path?query``: http and https addresses of one document are one resource."""
    return url.split(":", 1)[1]


def as_url(item: str | os.PathLike) -> str | None:
    """``item`` as an http(s) URL, or None when it is a local path."""
    # pathlib.Path("https://host/x") is "https:/host/x": restore the slash a Path argument lost.
    text = _COLLAPSED_URL.sub(r"\1://", os.fspath(item))
    return text if re.match(r"https?://[^/]", text, re.I) else None


def _short_hash(text: str, n: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def _sanitise(segment: str, limit: int = 60) -> str:
    return _UNSAFE_CHARS.sub("_", segment).strip("._")[:limit] or "_"


def suffix_for(content_type: str | None) -> str:
    """File extension of a content type (``.bin`` when unknown)."""
    import mimetypes

    mime = (content_type or "").split(";")[0].strip().lower()
    return _TYPE_SUFFIX.get(mime) or (mimetypes.guess_extension(mime) if mime else None) or ".bin"


def _dir_name(segment: str) -> str:
    if _PLAIN_DIR.fullmatch(segment):
        return segment
    return f"{_sanitise(segment)}-{_short_hash(segment, 8)}"


def _file_name(segment: str, query: str, key: str, content_type: str | None) -> str:
    suffix = PurePosixPath(segment).suffix.lower()
    if suffix not in _KNOWN_SUFFIXES:
        suffix = suffix_for(content_type)
    stem = segment[: -len(suffix)] if segment.lower().endswith(suffix) else segment
    plain = (not query and segment.endswith(suffix) and suffix != ".json" and _PLAIN_FILE.fullmatch(segment)
             and stem not in _WINDOWS_RESERVED)
    if plain:
        return segment
    return f"{_sanitise(stem or 'index')}-{_short_hash(key, 10)}{suffix}"


def local_name(url: str, content_type: str | None = None) -> PurePosixPath:
    """Where the document at ``url`` is stored, relative to OUT: ``<host>/<dirs>/<file>``.

    Deterministic and free of collisions: a lower-case name of letters, digits, ``._-`` with a
    known extension is kept as is; any other name (upper case, Chinese, query string, no or an
    unknown extension, which then comes from the content type) is sanitised and gets a hash of the
    URL, and so does any other directory name (a hash of that name), so no two URLs, and no
    names that differ only in case, share a file.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "_").lower() + (f"_{parts.port}" if parts.port else "")
    segments = [unquote(s) for s in parts.path.split("/")[1:]] or [""]
    dirs = [_dir_name(s) for s in segments[:-1]]
    name = _file_name(segments[-1], parts.query, resource_key(url), content_type)
    return PurePosixPath(_sanitise(host, 120), *dirs, name)


def is_attachment(url: str) -> bool:
    return PurePosixPath(urlsplit(url).path).suffix.lower() in ATTACHMENT_SUFFIXES


def _same_page_family(url: str, page_url: str) -> bool:
    """True when ``url`` is in the same folder as ``page_url`` (or is it with another query), as pagination is."""
    a, b = urlsplit(url), urlsplit(page_url)
    if a.netloc != b.netloc:
        return False
    return a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def is_pagination(link: Link, page_url: str) -> bool:
    """A link to another page of the same listing: 下一页/尾页/a page number, index_2.html, ?page=2."""
    if not _same_page_family(link.url, page_url):
        return False
    text = re.sub(r"[\s>»<«›‹]+", "", link.text)
    parts = urlsplit(link.url)
    return bool(_PAGER_TEXT.fullmatch(text) or _PAGE_NUMBER.fullmatch(text)
                or _PAGE_FILE.fullmatch(PurePosixPath(parts.path).name) or _PAGE_QUERY.search(parts.query))


def looks_like_report(text: str, pattern: re.Pattern = REPORT_LINK) -> bool:
    return bool(pattern.search(re.sub(r"\s+", "", text)))


# --------------------------------------------------------------------------- HTML

def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Text of an HTML page: its ``<meta charset>``, else the HTTP charset, else detected (GBK is common)."""
    from .read import decode_bytes

    meta = _META_CHARSET.search(data[:8192])
    # The page's own meta is preferred: servers often send a default charset that is wrong for the page.
    declared = meta.group(1).decode("ascii") if meta else _header_charset(content_type)
    return decode_bytes(data, declared)[0]


def _header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def _element_text(element) -> str:
    words = " ".join((element.text_content() or "").split())
    title = (element.get("title") or "").strip()
    return f"{words} {title}".strip() if title and title not in words else words


def page_links(html: str, page_url: str) -> list[Link]:
    """Absolute http(s) links of a page (``<a>``, ``<area>``, embedded ``<iframe>``/``<embed>``/``<object>``), in page order."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    except (ParserError, ValueError):
        return []
    base = doc.find(".//base[@href]")
    base_url = urljoin(page_url, base.get("href").strip()) if base is not None else page_url
    links = []
    for element in doc.iter("a", "area", "iframe", "embed", "object"):
        ref = element.get("href") or element.get("src") or element.get("data")
        if not ref or ref.strip().lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urljoin(base_url, ref.strip().replace("\\", "/"))  # IIS sites write Windows paths
        if url.lower().startswith(("http://", "https://")):
            links.append(Link(url.split("#", 1)[0], _element_text(element)))
    return links


def js_pagination(html: str, page_url: str) -> list[str]:
    """Pages of a listing paged by the ``createPageHTML(count, current, "index", "html")`` script of TRS sites.

    Those pages have no ``<a>`` to the next page: the script writes the links in the browser.
    """
    urls = []
    for match in _CREATE_PAGE.finditer(html):
        args = [a.strip().strip("'\"") for a in match.group(1).split(",")]
        counts = [_js_int(a, html) for a in args]
        counts = [c for c in counts if c is not None]
        words = [a for a in args if re.fullmatch(r"[A-Za-z][\w-]*", a) and _js_int(a, html) is None]
        if not counts or len(words) < 2:
            continue
        prefix, suffix = words[-2], words[-1]
        urls += [urljoin(page_url, f"{prefix}.{suffix}" if i == 0 else f"{prefix}_{i}.{suffix}")
                 for i in range(min(counts[0], 1000))]
    return urls


def _js_int(arg: str, html: str) -> int | None:
    if arg.isdigit():
        return int(arg)
    if re.fullmatch(r"[A-Za-z_]\w*", arg):  # a variable: var countPage = 5
        match = re.search(rf"\b{arg}\s*=\s*(\d+)", html)
        return int(match.group(1)) if match else None
    return None


# --------------------------------------------------------------------------- politeness

class HostThrottle:
    """One request at a time per host, the next starting ``interval`` seconds after the previous one ended.

    Counting from the end (not the start) keeps the spacing at the server at least ``interval``
    whatever the connection set-up and response times.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval, self._clock, self._sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._host_interval: dict[str, float] = {}

    def set_interval(self, host: str, seconds: float) -> None:
        """A longer spacing for one host (its robots.txt Crawl-delay)."""
        self._host_interval[host] = max(self.interval, seconds)

    def wait(self, host: str) -> None:
        """Sleep until ``host`` may be asked again."""
        delay = self._next.get(host, 0.0) - self._clock()
        if delay > 0:
            self._sleep(delay)

    def done(self, host: str) -> None:
        """A request to ``host`` has ended: the next one waits a full interval from now."""
        after = self._clock() + self._host_interval.get(host, self.interval)
        self._next[host] = max(self._next.get(host, 0.0), after)

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` for ``seconds`` from now (backoff, Retry-After)."""
        self._next[host] = max(self._next.get(host, 0.0), self._clock() + seconds)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- the output folder

class Store:
    """The output folder: files, sidecars, listing pages, and the manifest that makes runs resumable."""

    MANIFEST = "manifest.jsonl"
    LISTINGS = ".listings"
    PARTIAL = ".partial"

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.partial_dir = self.root / self.PARTIAL
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.partial_dir.glob("*.part"):  # from a killed run
            leftover.unlink()
        self._done: dict[str, dict] = {}
        self._load()
        self._manifest = open(self.root / self.MANIFEST, "a", encoding="utf-8")

    def _load(self) -> None:
        path = self.root / self.MANIFEST
        if not path.exists():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # the last line of a killed run may be cut short
                continue
            self._index(record)

    def _index(self, record: dict) -> None:
        if "error" not in record:
            for url in (record["url"], record["final_url"]):
                self._done[resource_key(url)] = record

    def lookup(self, url: str) -> dict | None:
        """The download of ``url`` (or of a URL redirected to it), if its file is still there."""
        record = self._done.get(resource_key(url))
        return record if record and (self.root / record["file"]).is_file() else None

    def add(self, record: dict) -> None:
        """Append ``record`` to the manifest, durably: a kill after this never loses it."""
        slim = {k: v for k, v in record.items() if k not in ("headers", "redirects")}
        self._manifest.write(json.dumps(slim, ensure_ascii=False) + "\n")
        self._manifest.flush()
        os.fsync(self._manifest.fileno())
        self._index(record)

    def partial_path(self, url: str) -> Path:
        return self.partial_dir / f"{_short_hash(url, 20)}.part"

    def place(self, partial: Path, record: dict) -> None:
        """Move a finished download to ``record["file"]`` and write its sidecar next to it."""
        path = self.root / record["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, path)
        sidecar = path.with_name(path.name + ".json")
        tmp = sidecar.with_name(sidecar.name + ".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, sidecar)

    def read(self, record: dict) -> bytes:
        return (self.root / record["file"]).read_bytes()

    def relative_file(self, kind: str, final_url: str, content_type: str | None) -> str:
        name = local_name(final_url, content_type)
        return str(PurePosixPath(self.LISTINGS) / name if kind == "listing" else name)

    def close(self) -> None:
        self._manifest.close()


# --------------------------------------------------------------------------- downloading

@dataclass
class _Reply:
    url: str
    status: int
    reason: str
    headers: Any
    partial: Path | None = None
    sha256: str = ""
    size: int = 0


class Fetcher:
    """Downloads one URL at a time into a :class:`Store`, with robots.txt, throttling, retries and limits.

    :meth:`get` never raises for a URL's own failure: it returns a record with ``error``.
    """

    def __init__(self, store: Store, options: FetchOptions | None = None, client: httpx.Client | None = None):
        import httpx

        self.store = store
        self.options = options or FetchOptions()
        self.throttle = HostThrottle(1.0 / self.options.rate)
        self._client = client or httpx.Client(
            headers={"User-Agent": self.options.user_agent}, follow_redirects=False,
            timeout=httpx.Timeout(self.options.timeout), verify=self.options.verify_tls,
        )
        self._robots: dict[str, tuple[RobotFileParser, str | None]] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, target: Target) -> dict:
        """Download ``target`` (or find it already downloaded); the record also has an ``outcome``."""
        url = target.url
        try:
            url = canonical_url(target.url)
            known = self.store.lookup(url)
            if known and not self.options.refresh:
                return {**known, "outcome": "cached"}
            return self._download(target, url, known)
        except FetchError as exc:
            record = {"url": url, "error": str(exc), "error_kind": exc.kind, "status": exc.status,
                      "fetched_at": _utc_now(), "kind": target.kind, "referrer": target.referrer,
                      "link_text": target.link_text}
            self.store.add(record)
            return {**record, "outcome": "failed"}

    def _download(self, target: Target, requested: str, known: dict | None) -> dict:
        headers = _conditional_headers(known) if known else {}
        hops: list[dict] = []
        url = requested
        for _ in range(self.options.max_redirects + 1):
            self._check_robots(url)
            reply = self._request(url, headers)
            if reply.status in _REDIRECT_STATUSES and "location" in reply.headers:
                hops.append({"url": url, "status": reply.status})
                url = canonical_url(urljoin(url, reply.headers["location"]))
                alias = self.store.lookup(url)
                if alias and not self.options.refresh:  # another URL already led here
                    return self._record_alias(target, requested, alias, hops)
                continue
            if reply.status == 304 and known:
                return {**known, "outcome": "not-modified"}
            if not 200 <= reply.status < 300:
                raise FetchError("http", f"HTTP {reply.status} {reply.reason}".strip(), reply.status)
            return self._keep(target, requested, reply, hops)
        raise FetchError("http", f"more than {self.options.max_redirects} redirects")

    def _keep(self, target: Target, requested: str, reply: _Reply, hops: list[dict]) -> dict:
        content_type = reply.headers.get("content-type")
        record = {
            "url": requested, "final_url": reply.url, "status": reply.status, "fetched_at": _utc_now(),
            "sha256": reply.sha256, "bytes": reply.size, "content_type": content_type,
            "etag": reply.headers.get("etag"), "last_modified": reply.headers.get("last-modified"),
            "kind": target.kind, "referrer": target.referrer, "link_text": target.link_text,
            "file": self.store.relative_file(target.kind, reply.url, content_type),
            "redirects": hops, "headers": dict(reply.headers),
        }
        mismatch = _type_mismatch(record["file"], content_type)
        if mismatch:
            record["warning"] = mismatch
        try:
            self.store.place(reply.partial, record)
        except OSError as exc:
            raise FetchError("write", f"could not write {record['file']}: {exc}") from None
        self.store.add(record)
        return {**record, "outcome": "fetched"}

    def _record_alias(self, target: Target, requested: str, alias: dict, hops: list[dict]) -> dict:
        record = {**alias, "url": requested, "redirects": hops, "referrer": target.referrer,
                  "link_text": target.link_text}
        self.store.add(record)
        return {**record, "outcome": "cached"}

    # ------------------------------------------------------------------ robots.txt

    def _check_robots(self, url: str) -> None:
        if not self.options.robots:
            return
        parser, problem = self._robots_for(url)
        if problem:
            raise FetchError("robots", problem)
        if not parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("robots", "disallowed by robots.txt")

    def _robots_for(self, url: str) -> tuple[RobotFileParser, str | None]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
            delay = self._robots[origin][0].crawl_delay(ROBOTS_AGENT)
            if delay:
                self.throttle.set_interval(parts.netloc, float(delay))
        return self._robots[origin]

    def _load_robots(self, origin: str) -> tuple[RobotFileParser, str | None]:
        """robots.txt by RFC 9309: a 4xx means no rules; a 5xx or no answer means stay away."""
        parser = RobotFileParser(origin + "/robots.txt")
        url = origin + "/robots.txt"
        try:
            for _ in range(5):
                reply = self._request(url, {})
                if reply.status in _REDIRECT_STATUSES and "location" in reply.headers:
                    url = canonical_url(urljoin(url, reply.headers["location"]))
                    continue
                break
        except FetchError as exc:
            parser.disallow_all = True
            return parser, f"robots.txt unreachable ({exc}); not fetching from this host"
        if 200 <= reply.status < 300:
            text = reply.partial.read_bytes()[: 512 * 1024].decode("utf-8", errors="replace")
            reply.partial.unlink()
            parser.parse(text.splitlines())
        elif reply.status >= 500:
            parser.disallow_all = True
            return parser, f"robots.txt answered HTTP {reply.status}; not fetching from this host"
        else:
            parser.allow_all = True
        return parser, None

    # ------------------------------------------------------------------ HTTP

    def _request(self, url: str, headers: dict[str, str]) -> _Reply:
        """One GET with retries on timeouts, connection errors, 429 and 5xx (exponential backoff, Retry-After)."""
        host = urlsplit(url).netloc
        options = self.options
        for attempt in itertools.count():
            wait = options.backoff * 2 ** attempt
            try:
                reply = self._request_once(url, headers)
            except FetchError as exc:
                if not exc.retryable or attempt >= options.retries:
                    raise
            else:
                if reply.status not in _RETRY_STATUSES or attempt >= options.retries:
                    return reply
                wait = max(wait, retry_after_seconds(reply.headers.get("retry-after")) or 0.0)
            if wait > options.max_retry_wait:
                raise FetchError("http", f"server asks to wait {wait:.0f} s before retrying (limit "
                                 f"{options.max_retry_wait:.0f} s)", retryable=False)
            self.throttle.hold(host, wait)

    def _request_once(self, url: str, headers: dict[str, str]) -> _Reply:
        import httpx

        host = urlsplit(url).netloc
        self.throttle.wait(host)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                reply = _Reply(url, response.status_code, response.reason_phrase, response.headers)
                if 200 <= response.status_code < 300:
                    self._stream_body(response, reply)
                return reply
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"timed out after {self.options.timeout:g} s ({type(exc).__name__})",
                             retryable=True) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FetchError("bad-url", str(exc)) from None
        except httpx.HTTPError as exc:
            raise FetchError("network", f"{type(exc).__name__}: {exc}", retryable=True) from None
        finally:
            self.throttle.done(host)

    def _stream_body(self, response: httpx.Response, reply: _Reply) -> None:
        """Body to a partial file, hashed on the way; aborted over the size or time limit."""
        limit = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError("too-large", f"{int(declared)} bytes announced, over the limit of {limit} bytes")
        partial = self.store.partial_path(reply.url)
        digest, size, started = hashlib.sha256(), 0, time.monotonic()
        try:
            with open(partial, "wb") as fh:
                for chunk in response.iter_bytes(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError("too-large", f"more than {limit} bytes (download aborted)")
                    if time.monotonic() - started > self.options.max_seconds:
                        raise FetchError("timeout", f"download took over {self.options.max_seconds:g} s",
                                         retryable=True)
                    digest.update(chunk)
                    fh.write(chunk)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        reply.partial, reply.sha256, reply.size = partial, digest.hexdigest(), size


def _conditional_headers(known: dict) -> dict[str, str]:
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    return headers


def _type_mismatch(file: str, content_type: str | None) -> str | None:
    """A warning when a document link returns a web page (a 'file not found' page with status 200)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if PurePosixPath(file).suffix in ATTACHMENT_SUFFIXES and mime in _HTML_TYPES:
        return f"expected a {PurePosixPath(file).suffix} file, the server sent {mime}"
    return None


def is_html(record: dict) -> bool:
    mime = (record.get("content_type") or "").split(";")[0].strip().lower()
    if mime:
        return mime in _HTML_TYPES
    return PurePosixPath(record["file"]).suffix in (".html", ".htm", ".shtml", ".xhtml")


# --------------------------------------------------------------------------- crawling

class Crawler:
    """Downloads ``seeds`` and what they link to, breadth first, under :class:`CrawlRules`.

    From a listing page: its pagination (same depth), its report links (one deeper) and the
    attachments whose text looks like a report. From a report page: all its attachments and
    its report links (one deeper). Attachments count neither as a page nor as a level.
    Pages already in OUT are read from disk, not requested, so a rerun walks the same way.
    """

    def __init__(self, out: str | os.PathLike, seeds: Iterable[Target], options: FetchOptions | None = None,
                 rules: CrawlRules | None = None, client: httpx.Client | None = None):
        self.store = Store(out)
        self.fetcher = Fetcher(self.store, options, client)
        self.rules = rules or CrawlRules()
        self._queue: deque[Target] = deque()
        self._seen: set[str] = set()
        self._hosts: set[str] = set()
        self._pages = 0
        self.outcomes: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.not_fetched = 0
        for seed in seeds:
            self._hosts.add(urlsplit(seed.url).hostname or "")
            self._enqueue(seed)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def _enqueue(self, target: Target) -> None:
        try:
            key = resource_key(canonical_url(target.url))
        except FetchError:
            key = target.url  # fetched anyway, so that the bad URL is reported
        if key not in self._seen:
            self._seen.add(key)
            self._queue.append(target)

    def run(self) -> Iterator[dict]:
        """Yield one record per URL as it is downloaded, found in OUT, or fails."""
        try:
            while self._queue:
                target = self._queue.popleft()
                if target.kind != "attachment":
                    if self._pages >= self.rules.max_pages:
                        self.not_fetched += 1
                        continue
                    self._pages += 1
                record = self.fetcher.get(target)
                self.outcomes[record["outcome"]] += 1
                if "error" in record:
                    self.errors[record["error_kind"]] += 1
                elif record["final_url"] != record["url"] and target.depth == 0 and target.kind != "attachment":
                    self._hosts.add(urlsplit(record["final_url"]).hostname or "")
                yield record
                if "error" not in record and target.kind != "attachment" and is_html(record):
                    for follow in self._links_of(target, record):
                        self._enqueue(follow)
        finally:
            self.close()

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    def _in_scope(self, url: str) -> bool:
        return not self.rules.same_host or (urlsplit(url).hostname or "") in self._hosts

    def _links_of(self, page: Target, record: dict) -> Iterator[Target]:
        from ..model import IngestError

        try:
            html = decode_html(self.store.read(record), record.get("content_type"))
        except IngestError:  # served as HTML but binary: nothing to follow
            return
        page_url = record["final_url"]
        listing = page.kind == "listing"
        for link in page_links(html, page_url):
            if not self._in_scope(link.url):
                continue
            reportish = looks_like_report(link.text, self.rules.report_link)
            if is_attachment(link.url):
                named_like_report = reportish or looks_like_report(unquote(link.url), self.rules.report_link)
                if self.rules.attachments and (not listing or named_like_report):
                    yield Target(link.url, "attachment", page.depth, page_url, link.text)
            elif listing and is_pagination(link, page_url):
                yield Target(link.url, "listing", page.depth, page_url, link.text)
            elif reportish and page.depth < self.rules.max_depth:
                yield Target(link.url, "report", page.depth + 1, page_url, link.text)
        if listing:
            for url in js_pagination(html, page_url):
                if self._in_scope(url):
                    yield Target(url, "listing", page.depth, page_url, "")


def crawl(listing_url: str, out: str | os.PathLike, options: FetchOptions | None = None,
          rules: CrawlRules | None = None) -> Crawler:
    """A :class:`Crawler` from a 年报 listing page; iterate ``.run()`` to download."""
    return Crawler(out, [Target(listing_url, "listing")], options, rules)


def fetch_urls(urls: Iterable[str], out: str | os.PathLike, options: FetchOptions | None = None,
               attachments: bool = True, same_host: bool = True) -> Crawler:
    """A :class:`Crawler` for the given URLs and the attachments their pages link to; iterate ``.run()``."""
    rules = CrawlRules(max_pages=sys.maxsize, max_depth=0, same_host=same_host, attachments=attachments)
    return Crawler(out, [Target(u, "document") for u in urls], options, rules)


# --------------------------------------------------------------------------- URLs as inputs

def default_cache_dir() -> Path:
    """``$GXNLP_CACHE``, else a ``gxnlp`` folder in the user's cache directory."""
    if os.environ.get("GXNLP_CACHE"):
        return Path(os.environ["GXNLP_CACHE"]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gxnlp"


def resolve_inputs(items: Iterable[str | os.PathLike], cache_dir: str | os.PathLike | None = None, *,
                   options: FetchOptions | None = None,
                   on_error: Callable[[dict], None] | None = None) -> list[Path]:
    """Local paths for ``items``: paths pass through, http(s) URLs are downloaded (once) into the cache.

    A URL that cannot be downloaded raises :class:`FetchError`, or, with ``on_error``, is
    passed to it as an error record and left out.
    """
    items = list(items)
    if not any(as_url(item) for item in items):
        return [Path(item) for item in items]
    store = Store(Path(cache_dir or default_cache_dir()) / "fetch")
    paths: list[Path] = []
    try:
        with Fetcher(store, options) as fetcher:
            for item in items:
                url = as_url(item)
                record = fetcher.get(Target(url, "document")) if url else None
                if record is None:
                    paths.append(Path(item))
                elif "error" not in record:
                    paths.append(store.root / record["file"])
                elif on_error is not None:
                    on_error(record)
                else:
                    raise FetchError(record["error_kind"], f"{url}: {record['error']}", record["status"])
    finally:
        store.close()
    return paths
