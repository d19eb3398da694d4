"""The repository's copy of the data contract is the platform's contract, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "docs" / "DATA_CONTRACT.md"


@pytest.mark.skipif(not SHARED.exists(), reason="no shared docs beside this checkout")
def test_docs_data_contract_is_the_shared_contract() -> None:
    # Notes about how we fill a column belong in our docs, not in the contract's text.
    ours = (ROOT / "docs" / "DATA_CONTRACT.md").read_text(encoding="utf-8")
    assert ours == SHARED.read_text(encoding="utf-8")
