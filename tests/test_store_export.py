"""Export round trip: each format read back by the reader its target tool uses gives the same
values; files are 0600, atomic, recorded on the profile; re-import through scan matches."""

from __future__ import annotations

import ast
import configparser
import json
import os
import stat

import pytest
import yaml
from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from store_samples import full_set
from xkeys.cli import main
from xkeys.core import exporters
from xkeys.core.exporters import DOTENV_NAMES, ExportError, ExportInput
from xkeys.core.kinds import FIELDS, Kind
from xkeys.core.redact import fingerprint
from xkeys.core.store import Profile, Store

VALUES = full_set(7)
OAUTH1 = {
    k: VALUES[k]
    for k in (Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET, Kind.BEARER_TOKEN)
}


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    Store().save(
        Profile(
            "acme",
            values=dict(VALUES),
            callback_url="http://127.0.0.1:8765/callback",
            extra={"screen_name": "acme_bot", "oauth2_expires_at": 1_900_000_000},
        )
    )
    return tmp_path / "cfg"


@pytest.mark.parametrize("dialect", ["x", "twitter", "bare"])
def test_dotenv_round_trip_with_python_dotenv(cfg, tmp_path, dialect):
    out = tmp_path / f"{dialect}.env"
    assert main(["export", "--format", "dotenv", "--dialect", dialect, "--output", str(out)]) == 0
    got = dotenv_values(out)
    names = DOTENV_NAMES[dialect]
    assert {k: got[names[k]] for k in FIELDS} == VALUES
    assert got[exporters.REDIRECT_NAMES[dialect]] == "http://127.0.0.1:8765/callback"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_dotenv_quotes_values_that_need_it():
    text = exporters.to_dotenv(ExportInput(values={Kind.CONSUMER_SECRET: "it's a#b c"}))
    path_vals = dotenv_values(stream=__import__("io").StringIO(text))
    assert path_vals["X_API_SECRET"] == "it's a#b c"


def test_twurlrc_round_trip_with_yaml_and_merge_keeps_other_profiles(cfg, tmp_path):
    out = tmp_path / ".twurlrc"
    other = {
        "profiles": {
            "someone": {
                "OTHERKEY": {
                    "username": "someone",
                    "consumer_key": "OTHERKEY",
                    "consumer_secret": "x" * 50,
                    "token": "1-a",
                    "secret": "b",
                }
            }
        },
        "configuration": {"default_profile": ["someone", "OTHERKEY"]},
    }
    out.write_text(yaml.safe_dump(other))
    os.chmod(out, 0o644)
    assert main(["export", "--format", "twurlrc", "--output", str(out)]) == 0
    data = yaml.safe_load(out.read_text())
    ck = VALUES[Kind.CONSUMER_KEY]
    entry = data["profiles"]["acme_bot"][ck]
    assert entry == {
        "username": "acme_bot",
        "consumer_key": ck,
        "consumer_secret": VALUES[Kind.CONSUMER_SECRET],
        "token": VALUES[Kind.ACCESS_TOKEN],
        "secret": VALUES[Kind.ACCESS_TOKEN_SECRET],
    }
    assert data["configuration"]["default_profile"] == ["acme_bot", ck]
    assert data["bearer_tokens"][ck] == VALUES[Kind.BEARER_TOKEN]
    assert data["profiles"]["someone"]["OTHERKEY"]["consumer_key"] == "OTHERKEY"  # kept
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_xurl_auth_yml_round_trip_in_a_dot_xurl_directory(cfg, tmp_path):
    xdir = tmp_path / ".xurl"
    xdir.mkdir()
    assert main(["export", "--format", "xurl", "--output", str(xdir)]) == 0
    text = (xdir / "auth.yml").read_text()
    assert "\n    acme:\n        client_id:" in text  # xurl writes 4-space indents
    data = yaml.safe_load(text)
    assert data["default_app"] == "acme"
    app = data["apps"]["acme"]
    assert app["client_id"] == VALUES[Kind.CLIENT_ID] and app["client_secret"] == VALUES[Kind.CLIENT_SECRET]
    assert app["redirect_uri"] == "http://127.0.0.1:8765/callback"
    tok = app["oauth2_tokens"]["acme_bot"]
    assert tok["type"] == "oauth2"
    assert tok["oauth2"] == {
        "access_token": VALUES[Kind.OAUTH2_ACCESS_TOKEN],
        "refresh_token": VALUES[Kind.OAUTH2_REFRESH_TOKEN],
        "expiration_time": 1_900_000_000,
    }
    assert app["oauth1_token"]["oauth1"] == {
        "access_token": VALUES[Kind.ACCESS_TOKEN],
        "token_secret": VALUES[Kind.ACCESS_TOKEN_SECRET],
        "consumer_key": VALUES[Kind.CONSUMER_KEY],
        "consumer_secret": VALUES[Kind.CONSUMER_SECRET],
    }
    assert app["bearer_token"] == {"type": "bearer", "bearer": VALUES[Kind.BEARER_TOKEN]}


def test_xurl_merges_into_existing_apps_and_migrates_legacy_json():
    existing = yaml.safe_dump({"apps": {"other": {"client_id": "abc", "client_secret": ""}}, "default_app": "other"})
    data = yaml.safe_load(exporters.to_xurl(ExportInput(values=OAUTH1, profile="acme"), existing))
    assert set(data["apps"]) == {"other", "acme"} and data["default_app"] == "acme"
    legacy = json.dumps({"oauth2_tokens": {}, "bearer_token": {"type": "bearer", "bearer": "OLD"}})
    data = yaml.safe_load(exporters.to_xurl(ExportInput(values=OAUTH1, profile="acme"), legacy))
    assert data["apps"]["default"]["bearer_token"]["bearer"] == "OLD"


def test_twarc_config_round_trip_with_configparser(cfg, tmp_path):
    out = tmp_path / "config"
    assert main(["export", "--format", "twarc", "--output", str(out)]) == 0
    text = out.read_text()
    assert not text.startswith("["), "twarc2 writes no section header"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string("[twarc]\n" + text)  # INI reader, as configobj sees the top level
    got = {k: ast.literal_eval(v) for k, v in parser["twarc"].items()}
    assert got == {name: VALUES[k] for k, name in exporters.TWARC_KEYS.items()}


def test_json_round_trip(cfg, tmp_path):
    out = tmp_path / "creds.json"
    assert main(["export", "--format", "json", "--output", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["profile"] == "acme"
    assert {Kind(k): v for k, v in data["values"].items()} == VALUES


@pytest.mark.parametrize(
    "fmt,name", [("dotenv", "re.env"), ("twurlrc", ".twurlrc"), ("xurl", "auth.yml"), ("twarc", "config")]
)
def test_exports_are_recorded_and_reimport_through_scan(cfg, tmp_path, fmt, name):
    sub = tmp_path / ("xurl" if fmt == "xurl" else "twarc" if fmt == "twarc" else "d")
    sub.mkdir()
    out = sub / name
    assert main(["export", "--format", fmt, "--output", str(out)]) == 0
    rec = [e for e in Store().load("acme").exports if e.path == str(out)]
    assert len(rec) == 1 and rec[0].format == fmt
    carried = exporters.exported_kinds(fmt, VALUES)
    assert rec[0].fingerprints == {k.value: fingerprint(VALUES[k]) for k in carried}
    flag = {"dotenv": "--env-file", "twurlrc": "--twurlrc", "xurl": "--xurl", "twarc": "--twarc"}[fmt]
    assert main(["profile", "import", "--name", f"back-{fmt}", flag, str(out)]) == 0
    back = Store().load(f"back-{fmt}").values
    assert back == {k: VALUES[k] for k in carried}


def test_stdout_export_warns_and_file_export_prints_no_secret(cfg, tmp_path, capsys):
    assert main(["export", "--format", "dotenv"]) == 0
    cap = capsys.readouterr()
    assert VALUES[Kind.CONSUMER_SECRET] in cap.out and "warning" in cap.err
    assert main(["export", "--format", "json", "-o", str(tmp_path / "x.json")]) == 0
    cap = capsys.readouterr()
    for v in VALUES.values():
        assert v not in cap.out + cap.err


def test_export_errors_are_one_sentence_exit_2(cfg, tmp_path, capsys):
    assert main(["export", "--format", "dotenv", "--dialect", "x", "-o", str(tmp_path / "no" / "x.env")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", "--format", "twarc", "--dialect", "x"]) == 2
    assert main(["export", "--format", "yaml"]) == 2
    assert main(["export", "--format", "dotenv", "--profile", "nope"]) == 2
    assert "no profile named 'nope'" in capsys.readouterr().err
    Store().save(Profile("o2only", values={Kind.CLIENT_ID: VALUES[Kind.CLIENT_ID]}))
    assert main(["export", "--format", "twurlrc", "--profile", "o2only"]) == 2
    with pytest.raises(ExportError):
        exporters.to_twarc(ExportInput(values={Kind.CLIENT_ID: VALUES[Kind.CLIENT_ID]}))


def test_top_level_profile_option_selects_the_profile(cfg, tmp_path):
    Store().save(Profile("other", values={Kind.BEARER_TOKEN: VALUES[Kind.BEARER_TOKEN]}))
    out = tmp_path / "o.json"
    assert main(["--profile", "other", "export", "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["profile"] == "other"
    assert main(["export", "--profile", "other", "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["profile"] == "other"


_printable = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=("Cs",)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(value=_printable)
def test_any_printable_value_survives_every_text_format(value):
    import io

    values = {Kind.CONSUMER_KEY: value, Kind.CONSUMER_SECRET: value[::-1], Kind.BEARER_TOKEN: value + "x"}
    inp = ExportInput(values=values, profile="p", username="u")
    env = dotenv_values(stream=io.StringIO(exporters.to_dotenv(inp, "twitter")))
    assert env["TWITTER_API_KEY"] == value and env["TWITTER_API_SECRET"] == value[::-1]
    rc = yaml.safe_load(exporters.to_twurlrc(inp))
    assert rc["profiles"]["u"][value]["consumer_secret"] == value[::-1]
    assert rc["bearer_tokens"][value] == value + "x"
    auth = yaml.safe_load(exporters.to_xurl(inp))
    assert auth["apps"]["p"]["bearer_token"]["bearer"] == value + "x"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string("[twarc]\n" + exporters.to_twarc(inp))
    assert ast.literal_eval(parser["twarc"]["consumer_secret"]) == value[::-1]
    assert json.loads(exporters.to_json(inp))["values"]["consumer_key"] == value
