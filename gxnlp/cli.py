"""Command-line interface: thin shells over the Python API."""
from __future__ import annotations

import typer

from . import __version__

app = typer.Typer(help="Text mining for 政府信息公开工作年度报告.", no_args_is_help=True, add_completion=False)


@app.command()
def version() -> None:
    """Print the gxnlp version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
