"""--help text is plain: typer prints the docstrings, so no reST markup may show."""
from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from gxnlp.cli import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_rst_markup(command):
    result = CliRunner().invoke(app, ([command] if command else []) + ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert not re.search(r"`|:(?:func|class|mod|meth|data):", result.stdout), result.stdout
