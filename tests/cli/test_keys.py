"""Rotating the credentials key: re-encrypted under the new key, readable without the old one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from support import ROOT

from models import Integration, init_database
from models.crypto import CredentialsUnreadable, reset_keys
from models.db import close_quietly
from models.schema import upgrade
from workers.provisioning import create_integration


def cli(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "channelhub.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def keyed(monkeypatch, tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    url = f"sqlite:///{tmp_path}/keys.db"
    monkeypatch.setenv("CHANNELHUB_ENCRYPTION_KEY", old)
    reset_keys()
    init_database(url)
    upgrade()
    yield old, new, url
    close_quietly()
    reset_keys()


def test_rotation_reencrypts_every_secret(keyed, monkeypatch):
    old, new, url = keyed
    ids = [
        create_integration(
            "mirakl", f"Shop {n}", {"hostname": "h.example", "api_key": f"secret-{n}"}
        ).id
        for n in range(3)
    ]
    before = {i: Integration.get_by_id(i).credentials for i in ids}
    close_quietly()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHANNELHUB_ENCRYPTION_KEY": f"{new},{old}",
        "PYTHONPATH": str(ROOT),
    }
    result = cli(env, "keys", "rotate")
    assert result.returncode == 0, result.stderr
    assert "3 integration(s) re-encrypted" in result.stdout

    monkeypatch.setenv("CHANNELHUB_ENCRYPTION_KEY", new)  # the old key is gone
    reset_keys()
    for n, integration_id in enumerate(ids):
        integration = Integration.get_by_id(integration_id)
        assert integration.credentials != before[integration_id]
        assert integration.get_secrets() == {"api_key": f"secret-{n}"}
    monkeypatch.setenv("CHANNELHUB_ENCRYPTION_KEY", old)
    reset_keys()
    with pytest.raises(CredentialsUnreadable):
        Integration.get_by_id(ids[0]).get_secrets()


def test_rotation_reports_secrets_no_key_can_read(keyed, monkeypatch):
    old, new, url = keyed
    integration = create_integration("mirakl", "Shop", {"hostname": "h.example", "api_key": "s"})
    close_quietly()
    stranger = Fernet.generate_key().decode()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHANNELHUB_ENCRYPTION_KEY": f"{new},{stranger}",
        "PYTHONPATH": str(ROOT),
    }
    result = cli(env, "keys", "rotate")
    assert result.returncode != 0
    assert f"could not be decrypted with any configured key: {integration.id}" in result.stderr


def test_generate_prints_a_usable_key():
    result = cli({**os.environ, "PYTHONPATH": str(ROOT)}, "keys", "generate")
    Fernet(result.stdout.strip().encode())
