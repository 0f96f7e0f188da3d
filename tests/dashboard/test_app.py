"""The app factory: configuration defaults and the database binding rules."""

from __future__ import annotations

import logging

import models
from dashboard.app import create_app


def test_works_without_any_environment(monkeypatch, caplog, db, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("dashboard.app.DEFAULT_DATA_DIR", tmp_path)

    with caplog.at_level(logging.INFO, logger="dashboard.app"):
        first, second = create_app(), create_app()

    # One generated key shared by every web process of the installation, kept owner-only.
    assert first.secret_key and first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert "SECRET_KEY is not set" in caplog.text
    assert first.secret_key not in caplog.text
    assert first.config["SESSION_COOKIE_HTTPONLY"] is True
    assert first.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secret_key_comes_from_the_environment(monkeypatch, db):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")

    assert create_app().secret_key == "from-the-environment"


def test_binds_the_database_only_when_nobody_did(monkeypatch):
    calls = []
    monkeypatch.setattr(models, "init_database", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(models.database, "obj", None)

    create_app({"SECRET_KEY": "x", "BIND_DATABASE": False})
    assert calls == []

    create_app({"SECRET_KEY": "x"})
    assert calls == [()]


def test_an_already_bound_database_is_left_alone(monkeypatch, db):
    calls = []
    monkeypatch.setattr(models, "init_database", lambda *a, **k: calls.append(a))

    create_app({"SECRET_KEY": "x"})

    assert calls == []
    assert models.database.obj is db


def test_each_request_closes_its_connection(ops_client, db):
    ops_client.get("/admin/feedexecution/")

    assert db.is_closed()
