"""Command-line interface: thin shells over the Python API.

Each subcommand lives in its own module under :mod:`gxnlp.commands` and exposes
``register(app)``; they are discovered here so stages can be added independently.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer

from . import __version__, commands

app = typer.Typer(help="Text mining for 政府信息公开工作年度报告.", no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """gxnlp: parse, extract, audit and compare government information disclosure annual reports."""


@app.command()
def version() -> None:
    """Print the gxnlp version."""
    typer.echo(__version__)


for _info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    importlib.import_module(f"{commands.__name__}.{_info.name}").register(app)


def run() -> None:
    """The ``gxnlp`` console entry point: the app behind a last guard, so no traceback reaches a user.

    Commands handle bad documents and bad paths themselves; what still escapes is reported in
    one line (``GXNLP_DEBUG=1`` shows the traceback). Exit status 2 for an OS error (disk full,
    permission), 1 for anything else, 130 when interrupted.
    """
    try:
        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last guard of the command line
        if os.environ.get("GXNLP_DEBUG"):
            raise
        if isinstance(exc, OSError):
            print(f"error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
            sys.exit(2)
        print(f"error: {type(exc).__name__}: {exc} (an internal error; GXNLP_DEBUG=1 shows where)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
