"""``risk keys``: create, list and revoke API keys (the key is printed once, at creation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from risk.cli.app import app
from risk.jsontext import json_text

if TYPE_CHECKING:
    from sqlalchemy import Engine

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _engine() -> Engine:
    """The configured store, migrated."""
    from risk.service.database import open_engine
    from risk.settings import get_settings

    return open_engine(settings=get_settings())


@keys_app.command("create")
def create(
    role: str = typer.Option(..., "--role", help="moderator, regulator or admin."),
    name: str = typer.Option(..., "--name", help="Unique name (who holds the key)."),
) -> None:
    """Create a key; prints it once on stdout (only its hash is stored)."""
    from risk.service.keys import create_key

    key, record = create_key(engine=_engine(), role=role, name=name)
    typer.echo(key)
    typer.echo(
        f"created {record.role} key {record.name!r} ({record.key_prefix}...); "
        "store it now: it cannot be shown again",
        err=True,
    )


@keys_app.command("revoke")
def revoke(name: str = typer.Argument(..., help="Name of the key to revoke.")) -> None:
    """Revoke a key by name; requests with it are refused from now on."""
    from risk.service.keys import revoke_key

    record = revoke_key(engine=_engine(), name=name)
    typer.echo(f"revoked {record.name!r} at {record.revoked_at:%Y-%m-%dT%H:%M:%SZ}")


@keys_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List keys (name, role, prefix, created, revoked); never the keys themselves."""
    from risk.service.keys import list_keys

    keys = list_keys(engine=_engine())
    if as_json:
        payload = [{**k.to_dict(), "active": k.active} for k in keys]
        typer.echo(json_text(payload, pretty=True))
        return
    for k in keys:
        state = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%d}"
        typer.echo(f"{k.name:20} {k.role:10} {k.key_prefix}...  {k.created_at:%Y-%m-%d}  {state}")
