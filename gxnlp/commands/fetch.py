"""``gxnlp fetch`` and ``gxnlp crawl``: download reports and their attachments from government sites."""
from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..ingest.fetch import MB, Crawler, CrawlRules, FetchError, FetchOptions, canonical_url, crawl as start_crawl, fetch_urls
from ._common import echo_json, stderr

# Options shared by both commands.
OUT = typer.Option(..., "--out", "-o", help="Output folder; it is also the resume state (rerun to continue).")
RATE = typer.Option(1.0, "--rate", min=0.001, help="Requests per second to one host.")
TIMEOUT = typer.Option(30.0, "--timeout", min=0.01, help="Seconds to wait for a connection or for data.")
RETRIES = typer.Option(3, "--retries", min=0, help="Retries on timeouts, 429 and 5xx (exponential backoff, Retry-After).")
MAX_SIZE = typer.Option(50.0, "--max-size", min=0.001, help="Largest download in MB; bigger ones are aborted.")
SAME_HOST = typer.Option(True, "--same-host/--any-host", help="Follow links on the starting host only (default) or anywhere.")
IGNORE_ROBOTS = typer.Option(False, "--ignore-robots", help="Do not read robots.txt (only with the site's permission).")
REFRESH = typer.Option(False, "--refresh", help="Revalidate what OUT already has (If-None-Match / If-Modified-Since).")
USER_AGENT = typer.Option(None, "--user-agent", help="User-Agent header (default names gxnlp and its version).")
INSECURE = typer.Option(False, "--insecure", help="Do not verify TLS certificates (some government sites serve broken chains).")


def _options(rate: float, timeout: float, retries: int, max_size: float, ignore_robots: bool, refresh: bool,
             user_agent: str | None, insecure: bool) -> FetchOptions:
    options = FetchOptions(rate=rate, timeout=timeout, retries=retries, max_bytes=int(max_size * MB),
                           robots=not ignore_robots, refresh=refresh, verify_tls=not insecure)
    if user_agent:
        options.user_agent = user_agent
    return options


def _check_urls(urls: Iterable[str]) -> None:
    for url in urls:
        try:
            canonical_url(url)
        except FetchError as exc:
            stderr.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from None


def _line(record: dict, out: Path) -> dict:
    """The JSON line printed for one URL."""
    if "error" in record:
        keys = ("url", "outcome", "error_kind", "error", "status", "referrer")
        return {k: record.get(k) for k in keys}
    line = {k: record.get(k) for k in ("url", "outcome", "kind", "status", "bytes", "sha256")}
    line["file"] = str(out / record["file"])
    if record.get("final_url") != record["url"]:
        line["final_url"] = record["final_url"]
    if record.get("warning"):
        line["warning"] = record["warning"]
    return line


def _run(make_crawler: Callable[[], Crawler], out: Path, description: str) -> None:
    """Run a crawler: a JSON line per URL on stdout, a progress bar and a summary on stderr."""
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=stderr, transient=True, disable=not sys.stderr.isatty())
    try:
        crawler = make_crawler()
        with progress:
            task = progress.add_task(description, total=crawler.pending)
            for done, record in enumerate(crawler.run(), 1):
                echo_json(_line(record, out))
                progress.update(task, completed=done, total=done + crawler.pending)
    except KeyboardInterrupt:
        stderr.print("[yellow]interrupted[/yellow]: run the same command again to continue")
        raise typer.Exit(130) from None
    except OSError as exc:
        stderr.print(f"[red]cannot write to {out}:[/red] {exc}")
        raise typer.Exit(1) from None
    _summary(crawler, out)


def _summary(crawler: Crawler, out: Path) -> None:
    outcomes = crawler.outcomes
    had = outcomes["cached"] + outcomes["not-modified"]
    failed = outcomes["failed"]
    why = ", ".join(f"{n} {kind}" for kind, n in crawler.errors.most_common())
    stderr.print(f"{outcomes['fetched']} downloaded, {had} already in {out}, {failed} failed" + (f" ({why})" if why else ""))
    if crawler.not_fetched:
        stderr.print(f"[yellow]stopped at --max-pages: {crawler.not_fetched} more pages not fetched[/yellow]")
    if failed:
        raise typer.Exit(1)


def fetch(
    urls: list[str] = typer.Argument(..., help="URLs of reports (web pages or files)."),
    out: Path = OUT,
    attachments: bool = typer.Option(True, "--attachments/--no-attachments", help="Also download the attachments (PDF, Word, Excel, WPS) a page links to."),
    same_host: bool = SAME_HOST,
    rate: float = RATE,
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
    max_size: float = MAX_SIZE,
    ignore_robots: bool = IGNORE_ROBOTS,
    refresh: bool = REFRESH,
    user_agent: str = USER_AGENT,
    insecure: bool = INSECURE,
) -> None:
    """Download reports and their attachments into OUT, each with a JSON sidecar (url, headers, sha256, ...).

    Prints a JSON line per URL; the exit status is 1 if any failed. Already downloaded URLs are
    skipped, so a rerun completes an interrupted run.
    """
    _check_urls(urls)
    options = _options(rate, timeout, retries, max_size, ignore_robots, refresh, user_agent, insecure)
    _run(lambda: fetch_urls(urls, out, options, attachments=attachments, same_host=same_host), out, "downloading")


def crawl(
    listing_url: str = typer.Argument(..., help="A listing page of annual reports (年报 column)."),
    out: Path = OUT,
    max_pages: int = typer.Option(500, "--max-pages", min=1, help="Most web pages to download (attachments not counted)."),
    max_depth: int = typer.Option(2, "--max-depth", min=0, help="Link levels below the listing (its pagination is level 0)."),
    match: str = typer.Option(None, "--match", help="Regular expression for report link texts (default: 政府信息公开…年度报告, 年报, …)."),
    same_host: bool = SAME_HOST,
    rate: float = RATE,
    timeout: float = TIMEOUT,
    retries: int = RETRIES,
    max_size: float = MAX_SIZE,
    ignore_robots: bool = IGNORE_ROBOTS,
    refresh: bool = REFRESH,
    user_agent: str = USER_AGENT,
    insecure: bool = INSECURE,
) -> None:
    """Follow a 年报 listing page (report links, 下一页/index_1.html pagination) and download every report and attachment.

    Prints a JSON line per URL; the exit status is 1 if any failed. A killed crawl, run again,
    continues where it stopped without requesting what it already has.
    """
    _check_urls([listing_url])
    rules = CrawlRules(max_pages=max_pages, max_depth=max_depth, same_host=same_host)
    if match:
        try:
            rules.report_link = re.compile(match)
        except re.error as exc:
            stderr.print(f"[red]--match is not a valid regular expression:[/red] {exc}")
            raise typer.Exit(2) from None
    options = _options(rate, timeout, retries, max_size, ignore_robots, refresh, user_agent, insecure)
    _run(lambda: start_crawl(listing_url, out, options, rules), out, "crawling")


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch)
    app.command("crawl")(crawl)
