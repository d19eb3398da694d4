"""The README and docs/ link only to files the repository carries (issue 20: links to the data
contract and the architecture pointed outside it, at ../shared/docs)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_every_relative_link_resolves_inside_the_repository() -> None:
    broken = []
    for document in _documents():
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a URL (https:, mailto:) or an anchor in the same page
            path = (document.parent / target.split("#", 1)[0]).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert not broken, broken


def test_the_check_reads_links() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/DATA_CONTRACT.md" in LINK.findall(readme)
