"""Store checks against a real Secret Service (gnome-keyring). Not collected on its own:
tests/test_store_keyring.py runs this file with pytest inside `dbus-run-session`."""

from __future__ import annotations

import json
import os
import subprocess

import keyring
import pytest

from xkeys.core.kinds import Kind
from xkeys.core.store import SERVICE, Profile, Store, keyring_problem

CK = "Ab3dE5gH7jK9mN1pQ3sT5vW7y"
CS = "s" * 25 + "S" * 25
BEARER = "A" * 21 + "%3Dbearer" + "b" * 80


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("XKEYS_SECRET_STORE", raising=False)
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    return tmp_path / "cfg"


def test_backend_is_the_secret_service():
    assert keyring_problem() is None
    assert "SecretService" in type(keyring.get_keyring()).__module__ + type(keyring.get_keyring()).__name__


def test_secrets_go_to_the_keyring_not_to_disk(cfg):
    s = Store()
    s.save(Profile("acme", values={Kind.CONSUMER_KEY: CK, Kind.CONSUMER_SECRET: CS}))
    assert not (cfg / "secrets.json").exists()
    for f in os.listdir(cfg):
        assert CS not in (cfg / f).read_text(errors="replace")
    p = Store().load("acme")
    assert p.values[Kind.CONSUMER_SECRET] == CS and p.secret_store == "keyring"
    pid = json.loads((cfg / "profiles.json").read_text())["profiles"]["acme"]["id"]
    # one keyring entry per profile + generation + field, service "xkeys"
    assert keyring.get_password(SERVICE, f"{pid}/g1/consumer_secret") == CS
    # visible to other Secret Service clients (secret-tool, seahorse)
    out = subprocess.run(
        ["secret-tool", "lookup", "service", SERVICE, "username", f"{pid}/g1/consumer_key"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert out.stdout.strip() == CK


def test_history_rollback_rename_delete_in_the_keyring(cfg):
    s = Store()
    s.save(Profile("acme", values={Kind.BEARER_TOKEN: BEARER}))
    p = s.load("acme")
    p.values[Kind.BEARER_TOKEN] = BEARER + "new"
    s.save(p, reason="rotate", rotated=True)
    assert s.load_generation("acme", 1)[Kind.BEARER_TOKEN] == BEARER
    s.rollback("acme")
    assert s.load("acme").values[Kind.BEARER_TOKEN] == BEARER
    s.rename("acme", "brand")
    assert s.load("brand").values[Kind.BEARER_TOKEN] == BEARER
    pid = json.loads((cfg / "profiles.json").read_text())["profiles"]["brand"]["id"]
    s.delete("brand")
    for g in (1, 2, 3):
        assert keyring.get_password(SERVICE, f"{pid}/g{g}/bearer_token") is None


def test_cli_import_and_export_through_the_keyring(cfg, tmp_path):
    from xkeys.cli import main

    env_file = tmp_path / "app.env"
    env_file.write_text(f"X_API_KEY={CK}\nX_API_SECRET={CS}\n")
    assert main(["profile", "import", "--name", "acme", "--env-file", str(env_file)]) == 0
    out = tmp_path / "out.env"
    assert main(["export", "--format", "dotenv", "--output", str(out)]) == 0
    from dotenv import dotenv_values

    assert dotenv_values(out) == {"X_API_KEY": CK, "X_API_SECRET": CS}
