"""The signed manifest on its own: hashes, Ed25519 signature, what verify names, key files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.report.keys import pseudonym, reviewer_salt, signing_key
from risk.report.manifest import MANIFEST, PUBLIC_KEY, SIGNATURE, verify_report, write_manifest

FILES = {
    "report.json": b'{"a": 1}\n',
    "charts/band.png": bytes(range(256)),
    "x.csv": "账户\n".encode(),
}


def _signed_dir(root: Path, keys: Path) -> Path:
    directory = root / "report"
    for name, data in FILES.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    write_manifest(
        directory, signing_key(keys), run_id="run-1", generated_at="2026-07-01T00:00:00+00:00"
    )
    return directory


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_fresh_report_verifies(tmp_path: Path) -> None:
    result = verify_report(_signed_dir(tmp_path, tmp_path / "keys"))
    assert result.ok and result.signature_ok
    assert result.files_checked == len(FILES) + 1  # + the exported public key


@pytest.mark.parametrize("name", [*FILES, PUBLIC_KEY])
def test_a_changed_byte_names_the_file(tmp_path: Path, name: str) -> None:
    directory = _signed_dir(tmp_path, tmp_path / "keys")
    _flip(directory / name, 3)
    result = verify_report(directory)
    assert not result.ok
    assert result.altered == [name]


@pytest.mark.parametrize("name", [MANIFEST, SIGNATURE])
def test_a_changed_manifest_or_signature_breaks_the_signature(tmp_path: Path, name: str) -> None:
    directory = _signed_dir(tmp_path, tmp_path / "keys")
    _flip(directory / name, 10)
    result = verify_report(directory)
    assert not result.ok and not result.signature_ok
    assert any(SIGNATURE in problem or MANIFEST in problem for problem in result.problems)


def test_added_and_missing_files_are_named(tmp_path: Path) -> None:
    directory = _signed_dir(tmp_path, tmp_path / "keys")
    (directory / "x.csv").unlink()
    (directory / "extra.txt").write_text("slipped in")
    result = verify_report(directory)
    assert (result.missing, result.added, result.ok) == (["x.csv"], ["extra.txt"], False)


def test_a_report_resigned_with_another_key_fails_against_the_trusted_key(tmp_path: Path) -> None:
    directory = _signed_dir(tmp_path, tmp_path / "keys")
    trusted = (directory / PUBLIC_KEY).read_bytes()
    (directory / "x.csv").write_text("forged")
    write_manifest(directory, signing_key(tmp_path / "other"), run_id="run-1", generated_at="x")
    assert verify_report(directory).ok  # self-consistent...
    pinned = verify_report(directory, trusted_public_key=trusted)
    assert not pinned.ok and pinned.key_trusted is False  # ...but not by the platform's key


def test_keys_are_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first, again = signing_key(tmp_path), signing_key(tmp_path)
    assert first.public_key().public_bytes_raw() == again.public_key().public_bytes_raw()
    salt = reviewer_salt(tmp_path)
    assert salt == reviewer_salt(tmp_path) and len(salt) == 64
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_pseudonyms_are_stable_and_never_show_the_name(name: str) -> None:
    shown = pseudonym(name, b"salt")
    assert shown == pseudonym(name, b"salt") and shown.startswith("R-") and len(shown) == 10
    assert name not in shown[2:] or len(name) <= 2
    assert pseudonym(name, b"other salt") != shown or name == ""
