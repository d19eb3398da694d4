"""Console words read as words: a string naming a command shows it as code, never with the
literal backticks it is written with (issue 20: "a login hint with literal backticks")."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from api.console.i18n import STRINGS
from api.console.render import commands
from tests.api.conftest import Keys
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")
from tests.console_forms import console_sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates" / "console"
USE = re.compile(r"\{\{\s*t(?:\.(\w+)|\[['\"](\w+)['\"]\])\s*((?:\|\s*\w+\s*)*)\}\}")


def test_commands_become_code_and_the_rest_is_escaped() -> None:
    shown = commands("run `risk score --as-of <date>` then <b>check</b>")
    assert str(shown) == (
        "run <code>risk score --as-of &lt;date&gt;</code> then &lt;b&gt;check&lt;/b&gt;"
    )
    assert str(commands("no command here")) == "no command here"


def test_every_string_with_backticks_is_shown_through_the_commands_filter() -> None:
    ticked = {key for table in STRINGS.values() for key, text in table.items() if "`" in text}
    assert ticked, "the check sees no string with backticks: is it still needed?"
    bare = [
        f"{template.name}: t.{a or b} {filters.strip()}"
        for template in sorted(TEMPLATES.glob("*.html"))
        for a, b, filters in USE.findall(template.read_text(encoding="utf-8"))
        if (a or b) in ticked and "commands" not in filters
    ]
    assert not bare, bare


def test_the_models_page_shows_commands_as_code(console: str, keys: Keys) -> None:
    with httpx.Client(base_url=console, timeout=30) as client:
        console_sign_in(client, keys.moderator)
        for lang in ("en", "zh"):
            html = client.get("/console/models", params={"lang": lang}).text
            note = re.search(r'<p class="empty" id="no-shadow">(.*?)</p>', html, re.S)
            assert note is not None  # the test world has no challenger
            assert "`" not in note.group(1)
            assert "<code>risk models recalibrate</code>" in note.group(1)
