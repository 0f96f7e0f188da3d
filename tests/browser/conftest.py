"""Browser fixtures: the dashboard served on a real port, headless Chromium driving it.

Chromium is Debian's package (/usr/bin/chromium): a browser download does not work
here, so `playwright install` is never called. Locally a missing Chromium or
Playwright skips these tests; with CI=true it fails them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import PASSWORD, csp_violations
from support import IN_CI, ROOT, free_port
from werkzeug.serving import make_server

from models import Role, User

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _missing(problem: str) -> None:
    if IN_CI:
        pytest.fail(f"{problem} (CI=true: the browser tests must run)")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium for the session (Debian's build, launched by Playwright)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dashboard_url(pg_db) -> Iterator[str]:
    """The dashboard on a free port, served by werkzeug threads against the test's PostgreSQL."""
    from dashboard.app import create_app

    app = create_app({"BIND_DATABASE": False, "SECRET_KEY": "browser-tests"})
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dashboard", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def users(pg_db) -> dict[str, User]:
    made = {}
    for name, role in (("alice", Role.ADMIN), ("oscar", Role.OPS)):
        user = User(username=name, role=role.value)
        user.set_password(PASSWORD)
        user.save()
        made[name] = user
    return made


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: a full-page PNG under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors of every page `new_page()` made in this test."""
    return []


@pytest.fixture
def new_page(chromium, dashboard_url, console_errors):
    """`new_page()`: a page in a fresh browser context (own cookies), closed at teardown.

    Every page's console errors are collected; at teardown none may be a
    Content-Security-Policy violation (a script, style or image the policy blocked).
    Write `wait_for_function` predicates as functions (`"() => ..."`): Playwright runs a
    bare expression through eval, which the policy refuses like any other eval.
    """
    contexts = []

    def make():
        context = chromium.new_context(
            base_url=dashboard_url, viewport={"width": 1400, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"uncaught: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    blocked = csp_violations(console_errors)
    assert not blocked, "the Content-Security-Policy blocked something:\n" + "\n".join(blocked)
