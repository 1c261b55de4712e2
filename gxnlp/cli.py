"""Command-line interface: thin shells over the Python API.

Each subcommand lives in its own module under :mod:`gxnlp.commands` and exposes
``register(app)``; they are discovered here so stages can be added independently.
"""
from __future__ import annotations

import importlib
import pkgutil

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


if __name__ == "__main__":  # pragma: no cover
    app()
