"""The CJK font every renderer uses: shipped by a system package, never downloaded."""

from __future__ import annotations

from pathlib import Path

from features.errors import EnvironmentMissingError

# Debian/Ubuntu `fonts-wqy-microhei` first; Noto CJK as a fallback where that is installed.
CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)


def cjk_font_path() -> Path:
    """The first installed CJK font; a clear error naming the package when there is none."""
    for path in CJK_FONT_CANDIDATES:
        if path.is_file():
            return path
    raise EnvironmentMissingError(
        "no CJK font found for the PDF and charts: install the fonts-wqy-microhei package "
        f"(looked for {', '.join(str(p) for p in CJK_FONT_CANDIDATES)})"
    )
