"""Fonts that draw simplified Chinese: one list for matplotlib and for the CSS of every HTML page."""
from __future__ import annotations

from markupsafe import Markup

#: Fonts that cover simplified Chinese, most common first (Linux, macOS, Windows).
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "PingFang SC", "Heiti SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei",
    "Noto Sans CJK JP", "AR PL UMing CN",
)

#: The CSS font-family of gxnlp's HTML pages: the system UI font, then the CJK fonts.
CSS_FONT_STACK: str = ", ".join(["system-ui", *(f'"{name}"' for name in CJK_FONTS), "sans-serif"])

#: CSS every page includes: the stack for the text and for the text of inline SVG plots.
CSS_FONTS: str = (f"body{{font-family:{CSS_FONT_STACK}}}"
                  f"svg text{{font-family:{CSS_FONT_STACK} !important}}"
                  ".cjk-note{color:#777;font-size:.8em;margin:.2em 0 1em}")

#: Shown on every page (static: the pages carry no script). Its English half stays readable
#: where the Chinese turns into boxes.
CJK_NOTE: Markup = Markup(
    '<p class="cjk-note">中文显示为方框？ If the Chinese text shows as boxes, this computer has no Chinese '
    "font: install one, e.g. Noto Sans CJK SC (<code>apt install fonts-noto-cjk</code> on Debian/Ubuntu), "
    "Source Han Sans, or use a system with PingFang SC / Microsoft YaHei.</p>"
)
