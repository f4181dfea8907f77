"""Guided rotation: impact preview, shape checks, live verification against the sandbox before
saving, history/rollback, and where the old values still live."""

from __future__ import annotations

import json
import os

import pytest

from store_samples import full_set
from xkeys.cli import main
from xkeys.core import rotation
from xkeys.core.kinds import Kind
from xkeys.core.redact import fingerprint
from xkeys.core.store import Profile, Store, StoreError


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XKEYS_SECRET_STORE", "file")
    monkeypatch.delenv("XKEYS_PROFILE", raising=False)
    monkeypatch.delenv("XKEYS_API_BASE", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path / "cfg"


def _profile_from(info: dict, name: str = "acme", **kw) -> Profile:
    values = {Kind(k): v for k, v in info["credentials"].items()}
    return Store().save(Profile(name, values=values, callback_url=info.get("redirect_uri"), **kw))


# ------------------------------------------------------------------ impact preview (data)


def test_preview_consumer_names_everything_that_dies(cfg):
    v = full_set(11)
    s = Store()
    s.save(Profile("agency", values=dict(v), extra={"screen_name": "agency_bot"}))
    s.save(
        Profile(
            "brand",
            base="agency",
            values={
                Kind.ACCESS_TOKEN: full_set(12)[Kind.ACCESS_TOKEN],
                Kind.ACCESS_TOKEN_SECRET: full_set(12)[Kind.ACCESS_TOKEN_SECRET],
            },
        )
    )
    imp = rotation.preview(s, "brand", "consumer", environ={})
    assert imp.owner == "agency" and imp.profile == "brand"  # the pair lives in the base
    assert imp.regenerates == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET]
    assert set(imp.invalidates) == {Kind.BEARER_TOKEN, Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET}
    assert imp.ask[:2] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET] and Kind.BEARER_TOKEN in imp.ask
    text = " ".join(imp.consequences)
    assert "Bearer Token" in text and "brand" in text and "@agency_bot" in text
    assert any("Regenerate" in st for st in imp.steps) and any("console.x.com" in st for st in imp.steps)
    dumped = json.dumps(imp.to_dict())
    for value in v.values():
        assert value not in dumped
    assert imp.old_fingerprints["consumer_secret"] == fingerprint(v[Kind.CONSUMER_SECRET])


def test_preview_client_secret_means_reconnecting(cfg):
    v = full_set(13)
    s = Store()
    s.save(Profile("acme", values=dict(v), extra={"username": "acme"}))
    imp = rotation.preview(s, "acme", "client-secret", environ={})
    assert imp.regenerates == [Kind.CLIENT_SECRET]
    assert imp.drop == [Kind.OAUTH2_ACCESS_TOKEN, Kind.OAUTH2_REFRESH_TOKEN]
    assert imp.ask == [Kind.CLIENT_SECRET]
    assert "reconnect" in " ".join(imp.consequences).lower()
    assert any("login pkce --profile acme" in a for a in imp.after)
    imp = rotation.preview(s, "acme", "access", environ={})
    assert imp.invalidates == [] and imp.ask == [Kind.ACCESS_TOKEN, Kind.ACCESS_TOKEN_SECRET]
    with pytest.raises(StoreError):
        rotation.preview(s, "acme", "everything")


def test_where_old_values_live(cfg, tmp_path, monkeypatch):
    v = full_set(14)
    s = Store()
    s.save(Profile("acme", values=dict(v)))
    exported = tmp_path / "bot.env"
    assert main(["export", "--format", "dotenv", "--output", str(exported)]) == 0
    gone = tmp_path / "gone.env"
    assert main(["export", "--format", "twarc", "--output", str(gone)]) == 0
    gone.unlink()
    (tmp_path / "work" / ".env").write_text(f"SOMETHING=1\nTW_SECRET={v[Kind.CONSUMER_SECRET]}\n")
    (tmp_path / "work" / "unrelated.txt").write_text(v[Kind.CONSUMER_SECRET])  # not a .env: not searched
    s.save(Profile("brand", base="acme", values={Kind.ACCESS_TOKEN: full_set(30)[Kind.ACCESS_TOKEN]}))
    brand_file = tmp_path / "brand.twurlrc"
    assert main(["export", "--profile", "brand", "--format", "twurlrc", "--output", str(brand_file)]) == 0
    env = {
        "MY_BOT_SECRET": v[Kind.CONSUMER_SECRET],
        "PATH": "/bin",
        "OTHER": "x",
        "AUTH_HEADER": "Bearer " + v[Kind.BEARER_TOKEN],
    }
    imp = rotation.preview(s, "acme", "consumer", environ=env)
    where = {(e.kind, os.path.basename(e.where)): e.fields for e in imp.exposures}
    assert set(where) == {
        ("export", "bot.env"),
        ("env", "MY_BOT_SECRET"),
        ("env", "AUTH_HEADER"),
        ("file", ".env"),
        ("export", "brand.twurlrc"),
    }
    # the brand has its own access token but inherits the secret: that one is old too
    assert set(where[("export", "brand.twurlrc")]) == {
        "consumer_key",
        "consumer_secret",
        "bearer_token",
        "access_token_secret",
    }
    assert where[("env", "AUTH_HEADER")] == ["bearer_token"]
    assert set(where[("export", "bot.env")]) == {
        "consumer_key",
        "consumer_secret",
        "bearer_token",
        "access_token",
        "access_token_secret",
    }
    assert where[("env", "MY_BOT_SECRET")] == ["consumer_secret"]
    # after the file is rewritten with other values it is no longer listed
    exported.write_text("X_API_KEY=new\n")
    brand_file.unlink()
    imp = rotation.preview(s, "acme", "consumer", environ={})
    assert [os.path.basename(e.where) for e in imp.exposures] == [".env"]


def test_shape_checks_of_new_values(cfg):
    v, w = full_set(15), full_set(16)
    s = Store()
    s.save(Profile("acme", values=dict(v)))
    imp = rotation.preview(s, "acme", "consumer", environ={})
    old = s.load("acme").values
    probs = rotation.check_new_values(
        imp, {Kind.CONSUMER_KEY: w[Kind.CLIENT_ID], Kind.CONSUMER_SECRET: v[Kind.CONSUMER_SECRET]}, old
    )
    assert "Client ID" in probs[Kind.CONSUMER_KEY]
    assert "old" in probs[Kind.CONSUMER_SECRET] and "Regenerate" in probs[Kind.CONSUMER_SECRET]
    probs = rotation.check_new_values(imp, {Kind.CONSUMER_KEY: w[Kind.CONSUMER_KEY]}, old)
    assert list(probs) == [Kind.CONSUMER_SECRET]  # required; the bearer and user tokens are optional
    ok = {Kind.CONSUMER_KEY: w[Kind.CONSUMER_KEY], Kind.CONSUMER_SECRET: "  " + w[Kind.CONSUMER_SECRET] + "\n"}
    assert rotation.check_new_values(imp, ok, old) == {}
    assert rotation.clean_values(ok)[Kind.CONSUMER_SECRET] == w[Kind.CONSUMER_SECRET]


# ------------------------------------------------------------------ live: the rotated-secret scenario


def _write_env(path, **values: str) -> str:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return str(path)


def test_rotate_consumer_verifies_live_then_saves(cfg, tmp_path, make_sandbox_server, capsys, monkeypatch):
    server = make_sandbox_server("rotated-secret")
    info = server.info
    _profile_from(info)
    old_secret = info["credentials"]["consumer_secret"]
    exported = tmp_path / "bot.env"
    assert main(["export", "--format", "dotenv", "--output", str(exported)]) == 0
    monkeypatch.setenv("LEGACY_SECRET", old_secret)
    new = _write_env(
        tmp_path / "new.env",
        X_API_KEY=info["credentials"]["consumer_key"],
        X_API_SECRET=info["current"]["consumer_secret"],
        X_BEARER_TOKEN=info["current"]["bearer_token"],
    )
    capsys.readouterr()
    code = main(
        [
            "rotate",
            "--profile",
            "acme",
            "--what",
            "consumer",
            "--from-env-file",
            new,
            "--api-base",
            server.base_url,
            "--no-tui",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    p = Store().load("acme")
    assert p.values[Kind.CONSUMER_SECRET] == info["current"]["consumer_secret"]
    assert p.values[Kind.BEARER_TOKEN] == info["current"]["bearer_token"]
    assert Kind.ACCESS_TOKEN not in p.values  # invalidated and not given: removed, kept in history
    assert p.history[-1].reason == "rotate consumer" and p.rotated
    assert Store().load_generation("acme", p.history[-2].gen)[Kind.CONSUMER_SECRET] == old_secret
    assert "LEGACY_SECRET" in err and "bot.env" in err and "xkeys export --profile acme --format dotenv" in err
    for secret in (old_secret, info["current"]["consumer_secret"]):
        assert secret not in out + err
    # rollback puts the old generation back
    assert main(["profile", "rollback", "acme"]) == 0
    assert Store().load("acme").values[Kind.CONSUMER_SECRET] == old_secret


def test_rotate_refuses_to_save_values_x_rejects(cfg, tmp_path, make_sandbox_server, capsys):
    server = make_sandbox_server("rotated-secret")
    info = server.info
    _profile_from(info)
    before = Store().load("acme").history
    wrong = full_set(21)[Kind.CONSUMER_SECRET]  # right shape, wrong value
    new = _write_env(tmp_path / "new.env", X_API_KEY=info["credentials"]["consumer_key"], X_API_SECRET=wrong)
    code = main(
        [
            "rotate",
            "--profile",
            "acme",
            "--what",
            "consumer",
            "--from-env-file",
            new,
            "--api-base",
            server.base_url,
            "--no-tui",
            "--json",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 1
    data = json.loads(out)
    assert data["saved"] is False and data["verification"]["ok"] is False
    assert any("bad-consumer-credentials" in f or "consumer" in f for f in data["verification"]["failed"])
    assert Store().load("acme").history == before
    assert wrong not in out


def test_rotate_client_secret_drops_dead_oauth2_tokens(cfg, tmp_path, make_sandbox_server, capsys):
    server = make_sandbox_server("rotated-secret")
    info = server.info
    _profile_from(info)
    new = _write_env(tmp_path / "new.env", X_CLIENT_SECRET=info["current"]["client_secret"])
    code = main(
        [
            "rotate",
            "--profile",
            "acme",
            "--what",
            "client-secret",
            "--from-env-file",
            new,
            "--api-base",
            server.base_url,
            "--no-tui",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["saved"] and data["preview"]["drop"] == ["oauth2_access_token", "oauth2_refresh_token"]
    p = Store().load("acme")
    assert p.values[Kind.CLIENT_SECRET] == info["current"]["client_secret"]
    assert Kind.OAUTH2_ACCESS_TOKEN not in p.values and Kind.OAUTH2_REFRESH_TOKEN not in p.values


def test_rotate_usage_errors(cfg, tmp_path, capsys, monkeypatch):
    v = full_set(17)
    Store().save(Profile("acme", values=dict(v)))
    monkeypatch.setattr("sys.stdin", open(os.devnull))
    assert main(["rotate", "--profile", "acme", "--no-tui"]) == 2  # no --what, no terminal
    assert "--what" in capsys.readouterr().err
    assert main(["rotate", "--profile", "acme", "--what", "bearer", "--no-tui"]) == 2
    assert "--from-env-file" in capsys.readouterr().err
    bad = _write_env(tmp_path / "bad.env", X_BEARER_TOKEN=v[Kind.BEARER_TOKEN])  # the old one again
    assert main(["rotate", "--profile", "acme", "--what", "bearer", "--from-env-file", bad, "--no-tui"]) == 2
    assert "old Bearer Token" in capsys.readouterr().err
    assert main(["rotate", "--profile", "ghost", "--what", "bearer", "--no-tui", "--dry-run"]) == 2
    assert main(["rotate", "--profile", "acme", "--what", "access", "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["preview"]["target"] == "access" and data["saved"] is False


def test_interactive_values_are_asked_without_echo_and_rechecked(cfg, monkeypatch):
    from xkeys.commands import rotate as rotate_cmd

    v, w = full_set(18), full_set(19)
    s = Store()
    s.save(Profile("acme", values=dict(v)))
    imp = rotation.preview(s, "acme", "access", environ={})
    answers = iter([w[Kind.CONSUMER_KEY], w[Kind.ACCESS_TOKEN], w[Kind.ACCESS_TOKEN_SECRET]])
    asked: list[tuple[str, bool]] = []

    def fake_read(prompt=None, *, secret=True, multiline=False):
        asked.append((prompt, secret))
        return next(answers)

    monkeypatch.setattr(rotate_cmd, "read_stdin", fake_read)
    got = rotate_cmd._ask_values(imp, s.load("acme").values)
    assert got == {Kind.ACCESS_TOKEN: w[Kind.ACCESS_TOKEN], Kind.ACCESS_TOKEN_SECRET: w[Kind.ACCESS_TOKEN_SECRET]}
    assert all(secret for _, secret in asked) and len(asked) == 3  # the wrong paste was asked again


def _pty_session(
    argv: list[str], env: dict[str, str], script: list[tuple[str, str]], timeout: float = 60
) -> tuple[int, str]:
    """Run argv on a real pseudo-terminal (its controlling tty); answer each prompt in `script`
    (wait for the text, then type the answer). -> (exit code, everything the terminal showed)."""
    import pty
    import select
    import signal
    import time

    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    shown = b""
    deadline = time.monotonic() + timeout
    steps = list(script)

    def pump(wait: float) -> bool:
        nonlocal shown
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        shown += chunk
        return True

    alive = True
    seen_upto = 0  # only output after the last answer can satisfy the next prompt
    while steps and alive and time.monotonic() < deadline:
        expect, answer = steps[0]
        alive = pump(0.2)
        if expect.encode() in shown[seen_upto:]:
            os.write(fd, answer.encode() + b"\r")
            shown += b"\n<<typed>>\n"
            seen_upto = len(shown)
            steps.pop(0)
    while alive and time.monotonic() < deadline:
        alive = pump(0.2)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:  # still waiting for input past the deadline: never hang the suite
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert not steps, f"never saw {steps[0][0]!r}; the terminal showed:\n{shown.decode(errors='replace')}"
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a POSIX pseudo-terminal")
def test_rotate_interactively_on_a_terminal_without_echo(cfg, make_sandbox_server):
    import sys

    server = make_sandbox_server("rotated-secret")
    info = server.info
    _profile_from(info)
    cur = info["current"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "TWITTER_"))}
    env.update({"XKEYS_CONFIG_DIR": str(cfg), "XKEYS_SECRET_STORE": "file", "TERM": "dumb"})
    code, shown = _pty_session(
        [sys.executable, "-m", "xkeys", "rotate", "--no-tui", "--profile", "acme", "--api-base", server.base_url],
        env,
        [
            ("Number", "1"),  # consumer (API Key and Secret)
            ("Go on?", "y"),
            ("Press Enter", ""),
            ("New API Key (input hidden)", info["credentials"]["consumer_key"]),
            ("New API Key Secret (input hidden)", info["credentials"]["consumer_secret"]),  # the old one: refused
            ("this is the old API Key Secret", ""),
            ("New API Key Secret (input hidden)", cur["consumer_secret"]),
            ("New Bearer Token (Enter to skip)", cur["bearer_token"]),
            ("New Access Token (Enter to skip)", ""),
        ],
    )
    assert code == 0, shown
    assert "rotated consumer of profile acme" in shown
    for secret in (cur["consumer_secret"], cur["bearer_token"], info["credentials"]["consumer_secret"]):
        assert secret not in shown, "a typed secret was echoed"
    p = Store().load("acme")
    assert p.values[Kind.CONSUMER_SECRET] == cur["consumer_secret"]
    assert Kind.ACCESS_TOKEN not in p.values and Kind.ACCESS_TOKEN_SECRET not in p.values
