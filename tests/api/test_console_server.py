"""The console is served by the app every API test starts; its static files need no key."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(name="console")
def console_fixture(server: str) -> str:
    """Base URL of the API tests' running app (``create_app`` installs the console)."""
    return server


@pytest.mark.slow
def test_static_files_are_served_without_a_key(console: str) -> None:
    css = httpx.get(f"{console}/console/static/console.css", timeout=30)
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    js = httpx.get(f"{console}/console/static/console.js", timeout=30)
    assert js.status_code == 200 and "keydown" in js.text
    assert httpx.get(f"{console}/console/static/../app.py", timeout=30).status_code == 404


@pytest.mark.slow
def test_the_favicon_is_served_without_a_key(console: str) -> None:
    icon = httpx.get(f"{console}/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
