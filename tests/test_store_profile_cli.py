"""`xkeys profile ...`: import from every source, list, use, rename, delete, history, rollback."""

from __future__ import annotations

import json

import pytest
import yaml

from store_samples import full_set
from xkeys.cli import main
from xkeys.core.kinds import Kind
from xkeys.core.store import Store

V = full_set(3)
W = full_set(4)


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    for name in list(__import__("os").environ):
        if name.startswith(("X_", "TWITTER_")) or name in ("CONSUMER_KEY", "BEARER_TOKEN", "CLIENT_ID"):
            monkeypatch.delenv(name, raising=False)
    return tmp_path / "cfg"


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_import_from_env_with_redirect_uri(cfg, monkeypatch, capsys):
    monkeypatch.setenv("TWITTER_CONSUMER_KEY", V[Kind.CONSUMER_KEY])
    monkeypatch.setenv("TWITTER_CONSUMER_SECRET", V[Kind.CONSUMER_SECRET])
    monkeypatch.setenv("X_BEARER_TOKEN", V[Kind.BEARER_TOKEN])
    monkeypatch.setenv("X_REDIRECT_URI", "http://127.0.0.1:3000/cb")
    monkeypatch.setenv("UNRELATED_SECRET", "zzzzzzzzzzzzzzzzzzzzzzzzz")
    assert main(["profile", "import", "--name", "acme", "--from-env"]) == 0
    out = capsys.readouterr().out
    assert V[Kind.CONSUMER_SECRET] not in out and "50 chars" in out
    p = Store().load("acme")
    assert p.values == {k: V[k] for k in (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN)}
    assert p.callback_url == "http://127.0.0.1:3000/cb" and p.auth_path == "app-only"


def test_import_nothing_found_is_exit_1(cfg, tmp_path, capsys):
    f = tmp_path / "empty.env"
    f.write_text("DEBUG=1\nX_API_KEY=your-key-here\n")
    assert main(["profile", "import", "--name", "acme", "--env-file", str(f)]) == 1
    assert "found no X credentials" in capsys.readouterr().err
    assert Store().list() == []


def test_import_twurlrc_picks_a_profile(cfg, tmp_path, capsys):
    rc = tmp_path / ".twurlrc"
    rc.write_text(
        yaml.safe_dump(
            {
                "profiles": {
                    "alice": {
                        V[Kind.CONSUMER_KEY]: {
                            "username": "alice",
                            "consumer_key": V[Kind.CONSUMER_KEY],
                            "consumer_secret": V[Kind.CONSUMER_SECRET],
                            "token": V[Kind.ACCESS_TOKEN],
                            "secret": V[Kind.ACCESS_TOKEN_SECRET],
                        }
                    },
                    "bob": {
                        W[Kind.CONSUMER_KEY]: {
                            "username": "bob",
                            "consumer_key": W[Kind.CONSUMER_KEY],
                            "consumer_secret": W[Kind.CONSUMER_SECRET],
                            "token": W[Kind.ACCESS_TOKEN],
                            "secret": W[Kind.ACCESS_TOKEN_SECRET],
                        }
                    },
                },
                "configuration": {"default_profile": ["bob", W[Kind.CONSUMER_KEY]]},
            }
        )
    )
    assert main(["profile", "import", "--name", "a", "--twurlrc", str(rc), "--profile-in-file", "alice"]) == 0
    a = Store().load("a")
    assert a.values[Kind.ACCESS_TOKEN] == V[Kind.ACCESS_TOKEN] and a.extra["screen_name"] == "alice"
    assert a.auth_path == "oauth1-user"
    capsys.readouterr()
    assert main(["profile", "import", "--name", "b", "--twurlrc", str(rc)]) == 0  # the file's default
    assert "pick with --profile-in-file" in capsys.readouterr().out
    assert Store().load("b").values[Kind.CONSUMER_SECRET] == W[Kind.CONSUMER_SECRET]
    assert main(["profile", "import", "--name", "c", "--twurlrc", str(rc), "--profile-in-file", "carol"]) == 2
    assert "alice" in capsys.readouterr().err


def test_import_default_paths_from_home(cfg, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".config" / "twarc").mkdir(parents=True)
    (home / ".config" / "twarc" / "config").write_text(
        f"consumer_key = '{V[Kind.CONSUMER_KEY]}'\nconsumer_secret = '{V[Kind.CONSUMER_SECRET]}'\n"
        f"bearer_token = '{V[Kind.BEARER_TOKEN]}'\n"
    )
    monkeypatch.setenv("HOME", str(home))
    assert main(["profile", "import", "--name", "t", "--twarc"]) == 0
    assert Store().load("t").values[Kind.BEARER_TOKEN] == V[Kind.BEARER_TOKEN]
    assert main(["profile", "import", "--name", "x", "--xurl"]) == 2  # no ~/.xurl


def test_import_updates_existing_profile_as_new_generation(cfg, tmp_path):
    f = tmp_path / "a.env"
    f.write_text(f"X_API_KEY={V[Kind.CONSUMER_KEY]}\nX_API_SECRET={V[Kind.CONSUMER_SECRET]}\n")
    assert main(["profile", "import", "--name", "acme", "--env-file", str(f)]) == 0
    f.write_text(f"X_BEARER_TOKEN={V[Kind.BEARER_TOKEN]}\n")
    assert main(["profile", "import", "--name", "acme", "--env-file", str(f)]) == 0
    p = Store().load("acme")
    assert set(p.values) == {Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.BEARER_TOKEN}
    assert [g.gen for g in p.history] == [1, 2]


def test_list_use_rename_history_rollback_delete(cfg, tmp_path, capsys):
    f = tmp_path / "a.env"
    f.write_text(f"X_API_KEY={V[Kind.CONSUMER_KEY]}\nX_API_SECRET={V[Kind.CONSUMER_SECRET]}\n")
    assert main(["profile", "import", "--name", "agency", "--env-file", str(f)]) == 0
    g = tmp_path / "b.env"
    g.write_text(f"X_ACCESS_TOKEN={V[Kind.ACCESS_TOKEN]}\nX_ACCESS_TOKEN_SECRET={V[Kind.ACCESS_TOKEN_SECRET]}\n")
    assert main(["profile", "import", "--name", "brand", "--env-file", str(g), "--base", "agency", "--use"]) == 0
    capsys.readouterr()
    assert main(["profile", "list", "--json"]) == 0
    data = _json(capsys)
    assert data["active"] == "brand"
    brand = next(p for p in data["profiles"] if p["name"] == "brand")
    assert brand["base"] == "agency" and set(brand["fields"]) == {"access_token", "access_token_secret"}
    assert V[Kind.ACCESS_TOKEN] not in json.dumps(data)
    # the brand sees the agency's consumer pair
    assert Store().load().values[Kind.CONSUMER_KEY] == V[Kind.CONSUMER_KEY]
    assert main(["profile", "use", "agency"]) == 0
    assert main(["profile", "rename", "agency", "main"]) == 0
    assert Store().load("brand").base == "main"
    f.write_text(f"X_API_KEY={V[Kind.CONSUMER_KEY]}\nX_API_SECRET={W[Kind.CONSUMER_SECRET]}\n")
    assert main(["profile", "import", "--name", "main", "--env-file", str(f)]) == 0
    capsys.readouterr()
    assert main(["profile", "history", "main"]) == 0
    out = capsys.readouterr().out
    assert "g2" in out and "changed" in out and W[Kind.CONSUMER_SECRET] not in out
    assert main(["profile", "rollback", "main"]) == 0
    assert Store().load("main").values[Kind.CONSUMER_SECRET] == V[Kind.CONSUMER_SECRET]
    capsys.readouterr()
    assert main(["profile", "history", "main", "--json"]) == 0
    hist = _json(capsys)
    assert hist["current"] == 3 and [g["reason"] for g in hist["generations"]][-1] == "rollback to g1"
    assert main(["profile", "delete", "main"]) == 2  # still brand's base
    assert "base of brand" in capsys.readouterr().err
    assert main(["profile", "delete", "brand"]) == 0
    assert main(["profile", "delete", "main"]) == 0
    capsys.readouterr()
    assert main(["profile", "list"]) == 0
    assert "no profiles yet" in capsys.readouterr().out


def test_usage_errors_exit_2(cfg, capsys):
    assert main(["profile"]) == 2
    assert main(["profile", "use", "ghost"]) == 2
    assert main(["profile", "rename", "ghost", "x"]) == 2
    assert main(["profile", "history", "ghost"]) == 2
    assert main(["profile", "import", "--name", "x"]) == 2  # no source
    assert main(["profile", "import", "--name", "bad/name", "--from-env"]) in (1, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_no_keyring_import_explains_and_writes_nothing(tmp_path, monkeypatch, capsys):
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("XKEYS_SECRET_STORE", raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    f = tmp_path / "a.env"
    f.write_text(f"X_BEARER_TOKEN={V[Kind.BEARER_TOKEN]}\n")
    assert main(["profile", "import", "--name", "acme", "--env-file", str(f)]) == 2
    err = capsys.readouterr().err
    assert "--secret-store file" in err and "keyring" in err
    assert main(["profile", "import", "--name", "acme", "--env-file", str(f), "--secret-store", "file"]) == 0
    assert (tmp_path / "cfg" / "secrets.json").exists()
    # the explicit choice is remembered for this config dir (and shown in `profile list`)
    g = tmp_path / "b.env"
    g.write_text(f"X_BEARER_TOKEN={W[Kind.BEARER_TOKEN]}\n")
    assert main(["profile", "import", "--name", "second", "--env-file", str(g)]) == 0
    assert Store().load("second").secret_store == "file"
    capsys.readouterr()
    assert main(["profile", "list"]) == 0
    assert "[file]" in capsys.readouterr().out
    # choosing the keyring explicitly again needs a keyring: refused, nothing written
    assert main(["profile", "import", "--name", "third", "--env-file", str(g), "--secret-store", "keyring"]) == 2
    assert not Store().exists("third")


def test_secret_store_option_at_every_level(tmp_path, monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("XKEYS_SECRET_STORE", raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    f = tmp_path / "a.env"
    f.write_text(f"X_BEARER_TOKEN={V[Kind.BEARER_TOKEN]}\n")
    for i, argv in enumerate(
        (
            ["--secret-store", "file", "profile", "import"],
            ["profile", "--secret-store", "file", "import"],
            ["profile", "import", "--secret-store", "file"],
        )
    ):
        assert main([*argv, "--name", f"p{i}", "--env-file", str(f)]) == 0, argv
        assert Store(secret_store="file").load(f"p{i}").secret_store == "file"
    out = tmp_path / "o.env"
    assert main(["--secret-store", "file", "export", "--profile", "p0", "--format", "dotenv", "-o", str(out)]) == 0
