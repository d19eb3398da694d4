"""``risk audit``: verify the audit log's hash chain, list recent entries."""

from __future__ import annotations

from pathlib import Path

import typer

from risk.cli.app import app
from risk.jsontext import json_text

audit_app = typer.Typer(help="Verify and read the hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    anchor: list[Path] = typer.Option(
        [],
        "--anchor",
        help="A checkpoint file (RISK_HOME/anchors/audit_checkpoints.jsonl, kept off the host) "
        "or a report directory: the chain must still hold what it anchored. Repeatable.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Walk the keyed chain, hold it to the anchors, cross-check decisions, API keys and
    published runs: exit 0 when all agree, 1 naming each finding."""
    from risk.service.audit import verify_audit_chain
    from risk.service.database import open_engine
    from risk.settings import get_settings

    settings = get_settings()
    result = verify_audit_chain(
        engine=open_engine(settings=settings), anchor_paths=anchor, settings=settings
    )
    if as_json:
        typer.echo(json_text(result.to_dict()))
    elif result.ok:
        typer.echo(
            f"audit log intact: {result.entries} entries, head seq {result.head_seq} "
            f"{result.head_hash} (key {result.key_id}), {result.anchors_checked} anchors held"
        )
    elif result.first_bad_seq is not None:
        typer.echo(
            f"audit log BROKEN at seq {result.first_bad_seq}: {result.reason} "
            f"({result.entries} entries verified before it)",
            err=True,
        )
    else:
        for problem in result.problems:
            typer.echo(f"BAD: {problem}", err=True)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("list")
def list_(
    limit: int = typer.Option(20, "--limit", min=1, help="How many entries, newest first."),
    actor: str | None = typer.Option(None, "--actor", help="Only this actor's entries."),
    target: str | None = typer.Option(None, "--target", help="Only entries about this target."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the newest audit entries: seq, when, who, what, about what."""
    from risk.service.audit import list_audit
    from risk.service.database import open_engine
    from risk.settings import get_settings

    engine = open_engine(settings=get_settings())
    entries = list_audit(engine=engine, limit=limit, actor=actor, target=target)
    if as_json:
        typer.echo(json_text([e.to_dict() for e in entries], pretty=True))
        return
    for e in entries:
        details = json_text(e.details) if e.details else ""
        typer.echo(
            f"{e.seq:>6}  {e.at:%Y-%m-%dT%H:%M:%SZ}  {e.actor:16} {e.action:16} "
            f"{e.target or '-':20} {details}".rstrip()
        )
