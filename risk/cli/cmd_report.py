"""``risk report``: export a regulator audit report; ``risk report verify DIR``: check one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from risk.cli.app import app
from risk.jsontext import json_text
from risk.vocab import LANGS

report_app = typer.Typer(
    help="Regulator audit reports: export (PDF, HTML, JSON, CSV, signed) and verify.",
    no_args_is_help=False,
)
app.add_typer(report_app, name="report")


def _date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option value (clear message on anything else)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"{option} must be a date YYYY-MM-DD, got {value!r}") from error


@report_app.callback(invoke_without_command=True)
def export(
    context: typer.Context,
    run: str = typer.Option("latest", "--run", help="Scoring run id, or 'latest' published."),
    date_from: str | None = typer.Option(None, "--from", help="Decisions from this day (UTC)."),
    date_to: str | None = typer.Option(None, "--to", help="Decisions up to this day (inclusive)."),
    lang: str = typer.Option("en", "--lang", help="Report language: en or zh."),
    out: Path | None = typer.Option(None, "--out", help="Directory to write (must be empty)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON."),
) -> None:
    """Export the audit report of a scoring run: PDF, HTML, JSON, CSV, DSA statements, signed."""
    if context.invoked_subcommand is not None:
        return
    if out is None:
        raise typer.BadParameter("--out DIR is required", param_hint="--out")
    from risk.report.errors import ReportInputError
    from risk.service.reports import export_report
    from risk.settings import get_settings

    if lang not in LANGS:
        raise ReportInputError(f"--lang must be en or zh, got {lang!r}")
    files = export_report(
        settings=get_settings(),
        run_id=run,
        out_dir=out,
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
        lang=lang,
        overwrite=overwrite,
    )
    if as_json:
        typer.echo(json_text({"out": str(out), "files": [str(f) for f in files]}, pretty=True))
        return
    typer.echo(
        f"report written to {out} ({len(files)} files); check it with: risk report verify {out}"
    )


@report_app.command("key")
def key(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print the platform's report signing public key (PEM) and its SHA-256 fingerprint, for
    regulators to keep and pass to `risk report verify --public-key`."""
    from risk.report.keys import key_fingerprint, public_key_pem, signing_key
    from risk.settings import get_settings

    public = signing_key(get_settings().keys_dir).public_key()
    pem, fingerprint = public_key_pem(public).decode("ascii"), key_fingerprint(public)
    if as_json:
        typer.echo(json_text({"public_key_pem": pem, "sha256": fingerprint}, pretty=True))
        return
    typer.echo(pem.rstrip("\n"))
    typer.echo(f"sha256:{fingerprint}")


@report_app.command("verify")
def verify(
    directory: Path = typer.Argument(..., help="A report directory written by `risk report`."),
    public_key: Path | None = typer.Option(
        None, "--public-key", help="Trusted public key (PEM) the report must be signed with."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check every file's SHA-256 and the Ed25519 signature by the platform's pinned key
    (--public-key, else RISK_REPORT_PUBLIC_KEY, else this installation's key); exit 1 naming
    what was altered, or which key signed when it is not the pinned one."""
    from risk.report.errors import ReportInputError
    from risk.report.keys import platform_public_key
    from risk.report.manifest import verify_report
    from risk.settings import get_settings

    settings = get_settings()
    trusted = (
        platform_public_key(settings.keys_dir, settings.report_public_key)
        if public_key is None
        else public_key.read_bytes()
    )
    if trusted is None:
        raise ReportInputError(
            "no trusted report key: pass --public-key FILE, the platform's key as printed by "
            "`risk report key` (or set RISK_REPORT_PUBLIC_KEY)"
        )
    result = verify_report(directory, trusted_public_key=trusted)
    signer = f"key sha256:{result.signer_sha256}" if result.signer_sha256 else "no readable key"
    if as_json:
        typer.echo(json_text(result.to_dict(), pretty=True))
    elif result.ok:
        typer.echo(
            f"OK: {result.files_checked} files match the signed manifest in {directory}, "
            f"signed by the pinned {signer}"
        )
    else:
        typer.echo(f"signed by {signer}", err=True)
        for name in result.altered:
            typer.echo(f"ALTERED: {name}", err=True)
        for name in result.missing:
            typer.echo(f"MISSING: {name}", err=True)
        for name in result.added:
            typer.echo(f"ADDED (not in manifest): {name}", err=True)
        for problem in result.problems:
            typer.echo(f"BAD: {problem}", err=True)
    raise typer.Exit(0 if result.ok else 1)
