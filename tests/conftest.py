from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GXNLP_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The real reports beside the clone (../shared); tests needing them skip loudly without."""
    if not (SHARED / "domain.md").exists():
        pytest.skip(f"real reports not found at {SHARED} (set GXNLP_SHARED)")
    return SHARED
