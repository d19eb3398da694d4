"""``risk audit verify --anchor``, ``risk report key`` / ``verify`` pinning, the chain key file,
and revision 0008 keying a chain written before it."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from risk.cli import app
from risk.errors import StoreError
from risk.jsontext import canonical_json
from risk.report.keys import public_key_pem, signing_key
from risk.report.manifest import write_manifest
from risk.settings import Settings, get_settings
from risk.store.anchors import head_anchor
from risk.store.audit import GENESIS_HASH, append_audit, verify_audit_chain
from risk.store.chain_key import KEY_FILE, load_chain_key
from risk.store.db import make_engine, migrate, open_store
from risk.store.keys import create_key


@pytest.fixture
def risk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh RISK_HOME whose store the CLI opens (settings re-read for this test)."""
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def _report(directory: Path, key: Ed25519PrivateKey, head: dict[str, object] | None) -> Path:
    directory.mkdir(parents=True)
    (directory / "report.json").write_text('{"run": "r1"}\n')
    write_manifest(
        directory, key, run_id="r1", generated_at="2026-07-01T00:00:00+00:00", audit_head=head
    )
    return directory


def _store_with_entries(count: int) -> None:
    engine = open_store(get_settings().store_url)
    create_key(engine, role="admin", name="root")
    for i in range(count):
        append_audit(engine, actor="mod", action="account.view", target=f"a{i}")
    engine.dispose()


def test_verify_holds_the_chain_to_the_checkpoint_file(risk_home: Path) -> None:
    _store_with_entries(4)
    checkpoints = get_settings().anchors_file
    assert not checkpoints.exists()  # the default: every 1,000 entries, and after each run
    engine = open_store(get_settings().store_url)
    from risk.service.audit import checkpoint_audit

    checkpoint_audit(engine=engine, reason="test")
    ok = CliRunner().invoke(app, ["audit", "verify", "--anchor", str(checkpoints)])
    assert ok.exit_code == 0, ok.output
    assert "5 entries, head seq 5" in ok.output and "1 anchors held" in ok.output
    with sqlite3.connect(risk_home / "risk.db") as db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE seq = 5")
    assert CliRunner().invoke(app, ["audit", "verify"]).exit_code == 0  # a valid shorter chain
    bad = CliRunner().invoke(app, ["audit", "verify", "--anchor", str(checkpoints)])
    assert bad.exit_code == 1
    assert "names seq 5, but the log ends at seq 4" in bad.output
    engine.dispose()


def test_verify_holds_the_chain_to_a_signed_report(risk_home: Path, tmp_path: Path) -> None:
    _store_with_entries(3)
    engine = open_store(get_settings().store_url)
    head = head_anchor(engine)
    assert head is not None
    document = head.to_json(written_at=datetime.now(UTC), reason="report")
    report = _report(tmp_path / "report", signing_key(get_settings().keys_dir), document)
    assert CliRunner().invoke(app, ["audit", "verify", "--anchor", str(report)]).exit_code == 0
    forged = _report(tmp_path / "forged", Ed25519PrivateKey.generate(), {**document, "seq": 1})
    refused = CliRunner().invoke(app, ["audit", "verify", "--anchor", str(forged)])
    assert refused.exit_code != 0
    assert "does not verify" in str(refused.exception or refused.output)
    with sqlite3.connect(risk_home / "risk.db") as db:
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE seq = 4")
    bad = CliRunner().invoke(app, ["audit", "verify", "--anchor", str(report)])
    assert bad.exit_code == 1 and f"anchor report {report} names seq 4" in bad.output
    engine.dispose()


def test_report_verify_pins_the_platform_key_and_names_the_signer(
    risk_home: Path, tmp_path: Path
) -> None:
    shown = CliRunner().invoke(app, ["report", "key", "--json"])
    assert shown.exit_code == 0, shown.output
    platform = json.loads(shown.output)
    mine = _report(tmp_path / "mine", signing_key(get_settings().keys_dir), None)
    ok = CliRunner().invoke(app, ["report", "verify", str(mine)])
    assert ok.exit_code == 0 and f"key sha256:{platform['sha256']}" in ok.output
    other = Ed25519PrivateKey.generate()
    resigned = _report(tmp_path / "resigned", other, None)  # self-consistent, another signer
    bad = CliRunner().invoke(app, ["report", "verify", str(resigned)])
    assert bad.exit_code == 1 and "is not the trusted signing key" in bad.output
    pem = tmp_path / "platform.pem"
    pem.write_text(platform["public_key_pem"])
    shutil.rmtree(risk_home / "keys")  # a regulator's machine: no installation key
    pinned = CliRunner().invoke(app, ["report", "verify", str(mine), "--public-key", str(pem)])
    assert pinned.exit_code == 0, pinned.output
    unpinned = CliRunner().invoke(app, ["report", "verify", str(mine)])
    assert unpinned.exit_code != 0 and "no trusted report key" in str(unpinned.exception)
    other_pem = tmp_path / "other.pem"
    other_pem.write_bytes(public_key_pem(other.public_key()))
    named = CliRunner().invoke(app, ["report", "verify", str(mine), "--public-key", str(other_pem)])
    assert named.exit_code == 1 and f"signed by key sha256:{platform['sha256']}" in named.output


def test_the_chain_key_file_is_created_private_and_refused_when_readable(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, audit_key=None)
    key = load_chain_key(settings)
    path = tmp_path / "keys" / KEY_FILE
    assert len(key) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_chain_key(settings) == key  # created once
    path.chmod(0o644)
    with pytest.raises(StoreError, match="readable by other users"):
        load_chain_key(settings)


def _plain_hash(prev_hash: str, seq: int, at: datetime, target: str) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": "mod",
            "action": "account.view",
            "target": target,
            "details": None,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def test_revision_0008_keys_a_chain_written_before_it(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from risk.store.db import write_transaction

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__file__).parents[2] / "risk/store/migrations")
    )
    with write_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    previous = GENESIS_HASH
    with sqlite3.connect(tmp_path / "old.db") as db:
        for seq in (1, 2, 3):
            at = datetime(2026, 11, 1, 0, 0, seq, tzinfo=UTC)
            digest = _plain_hash(previous, seq, at, f"a{seq}")
            db.execute(
                "INSERT INTO audit_log VALUES (?, ?, 'mod', 'account.view', ?, NULL, ?, ?)",
                (seq, at.isoformat(), f"a{seq}", previous, digest),
            )
            previous = digest
    migrate(engine)
    result = verify_audit_chain(engine)
    assert result.ok and result.entries == 3 and result.head_hash != previous
    engine.dispose()
