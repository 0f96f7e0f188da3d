"""Helpers for the browser tests (imported as `browser_support`; fixtures live in conftest.py)."""

from __future__ import annotations

PASSWORD = "browser-password-1"


def log_in(page, username: str) -> None:
    """Through the login form, as a person would; lands on the overview."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def flash_text(page) -> str:
    return " ".join(page.locator(".alert").all_inner_texts())


def csp_violations(messages: list[str]) -> list[str]:
    """Console messages in which Chromium reports something the Content-Security-Policy blocked."""
    return [m for m in messages if "Content Security Policy" in m]
