"""Matplotlib with Chinese labels: pick an installed CJK font, say so when there is none."""
from __future__ import annotations

import warnings
from functools import lru_cache

from .fonts import CJK_FONTS

__all__ = ["CJK_FONTS", "use_cjk_font"]


@lru_cache(maxsize=1)
def use_cjk_font() -> str | None:
    """Configure matplotlib to draw Chinese; return the font used (None, with a warning, if none).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> use_cjk_font() is None or isinstance(use_cjk_font(), str)
    True
    """
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FONTS):
        # matplotlib's font cache may predate the font's installation: register CJK files directly.
        for path in font_manager.findSystemFonts():
            if any(k in path for k in ("CJK", "cjk", "wqy", "SourceHan", "SimHei", "msyh", "PingFang")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            matplotlib.rcParams["font.sans-serif"] = [name, *matplotlib.rcParams["font.sans-serif"]]
            matplotlib.rcParams["font.family"] = "sans-serif"
            matplotlib.rcParams["axes.unicode_minus"] = False
            return name
    warnings.warn(
        "no CJK font found for matplotlib: Chinese labels will show as boxes. Install one, e.g. "
        "`apt install fonts-noto-cjk` (Debian/Ubuntu) or `brew install --cask font-noto-sans-cjk-sc` (macOS).",
        stacklevel=2,
    )
    return None
