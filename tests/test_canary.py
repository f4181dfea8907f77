"""Canary test: secrets never leak - not through any CLI command, log, exception or snapshot.

Canary secrets (valid-shaped values of every kind, each carrying the marker `CNRY`) are loaded
through env vars, env files and a profile; every command in `xkeys.cli.COMMANDS` runs in a fresh
process (so nothing registered by an earlier command can hide a leak) against a real sandbox
server, in text and JSON; every byte it prints or writes is searched for any 12-character run of
any canary, raw or in the encodings values take in transit (URL-encoded, URL-decoded,
JSON-escaped, base64 at any alignment). The hits must be zero.

A command added to `COMMANDS` later must get a row in `INVOCATIONS` (how to call it), or
`test_every_command_has_an_invocation` fails. The TUI flows are driven with Textual's pilot in
tests/test_canary_tui.py.

Kept public on purpose (so not counted as a leak): the numeric user id an access token starts
with (X returns it from users/me), and the Client ID inside an OAuth 2.0 authorize URL that
`xkeys login pkce` must print for the user to open.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import random
import re
import stat
import string
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from xkeys.cli import COMMANDS, main
from xkeys.core.kinds import KINDS, Kind

MIN_RUN = 12  # independent of xkeys.core.redact on purpose
ROOT = Path(__file__).resolve().parent.parent
MARK = "CNRY"


# --------------------------------------------------------------------------- canaries


def make_canaries(seed: int = 7) -> dict[Kind, str]:
    """One valid-shaped value per kind (FACTS.md section 1), each with the marker."""
    rng = random.Random(seed)
    alnum = string.ascii_letters + string.digits

    def pick(n: int, alphabet: str = alnum) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    b64url = string.ascii_letters + string.digits + "-_"
    client_raw = f"{MARK}ci{pick(14)}:1:ci".encode()

    def oauth2(kind: str) -> str:
        return base64.urlsafe_b64encode(f"{MARK}{pick(39)}:1760000000123:1:0:{kind}:1".encode()).decode().rstrip("=")

    return {
        Kind.CONSUMER_KEY: f"{MARK}ck{pick(19)}",
        Kind.CONSUMER_SECRET: f"{MARK}cs{pick(44)}",
        Kind.BEARER_TOKEN: "A" * 21 + f"{MARK}bt{pick(26)}%2F{pick(20)}%2B{pick(10)}%3D{pick(22)}",
        Kind.ACCESS_TOKEN: f"1987654321098765432-{MARK}at{pick(24)}",
        Kind.ACCESS_TOKEN_SECRET: f"{MARK}as{pick(39)}",
        Kind.CLIENT_ID: base64.urlsafe_b64encode(client_raw).decode().rstrip("="),
        Kind.CLIENT_SECRET: f"{MARK}cl{pick(44, b64url)}",
        Kind.OAUTH2_ACCESS_TOKEN: oauth2("at"),
        Kind.OAUTH2_REFRESH_TOKEN: oauth2("rt"),
        Kind.XAI_API_KEY: f"xai-{MARK}xa{pick(74)}",
    }


CANARIES = make_canaries()
ENV_NAME = {k: KINDS[k].env[0] for k in CANARIES}  # X_API_KEY, X_API_SECRET, ...
USER_ID = CANARIES[Kind.ACCESS_TOKEN].split("-")[0]


def _forms(value: str) -> set[str]:
    """The value as it may travel: raw, URL-encoded/decoded, JSON/HTML escaped, base64."""
    forms = {
        value,
        unquote(value),
        quote(value, safe=""),
        quote(unquote(value), safe=""),
        json.dumps(unquote(value))[1:-1],
        json.dumps(unquote(value))[1:-1].replace("/", "\\/"),
        html.escape(value),
    }
    raw = value.encode()
    for offset in range(3):
        chunk = raw[offset:][: (len(raw) - offset) // 3 * 3]
        forms.add(base64.b64encode(chunk).decode())
        forms.add(base64.urlsafe_b64encode(chunk).decode())
    return forms


def _runs(value: str, public: str = "") -> set[str]:
    out = set()
    for form in _forms(value):
        for i in range(len(form) - MIN_RUN + 1):
            run = form[i : i + MIN_RUN]
            if public and run in public:
                continue
            if run == "A" * MIN_RUN:  # the bearer's fixed prefix: every bearer has it
                continue
            out.add(run)
    return out


def runs_of(values: Mapping[Any, str]) -> dict[str, str]:
    """run -> name of the value it comes from. A run found in two different values is shared
    structure (an OAuth 2.0 token's encoded `:<ms>:1:0:at:1` tail), not a secret: dropped."""
    index: dict[str, str] = {}
    shared: set[str] = set()
    for name, v in values.items():
        public = v.split("-", 1)[0] + "-" if re.match(r"\d{6,}-", v) else ""
        for r in _runs(v, public):
            if r in index and index[r] != str(getattr(name, "value", name)):
                shared.add(r)
            index.setdefault(r, str(getattr(name, "value", name)))
    for r in shared:
        del index[r]
    return index


CANARY_RUNS = runs_of(CANARIES)


def hits(text: str, index: Mapping[str, str] = CANARY_RUNS, allow: tuple[str, ...] = ()) -> list[str]:
    """Names of the values with a run in `text` (fast: one set lookup per position)."""
    found: set[str] = set()
    for i in range(len(text) - MIN_RUN + 1):
        name = index.get(text[i : i + MIN_RUN])
        if name and name not in allow:
            found.add(name)
    return sorted(found)


def test_canaries_are_valid_shaped_and_the_detector_works() -> None:
    from xkeys.core.shapes import classify

    for kind, value in CANARIES.items():
        assert classify(value).kind is kind, (kind, value)
        assert hits(f"log: {value} end") == [kind.value]
        assert hits(f"x={quote(value, safe='')}") == [kind.value]
    basic = base64.b64encode(f"{CANARIES[Kind.CONSUMER_KEY]}:{CANARIES[Kind.CONSUMER_SECRET]}".encode()).decode()
    assert set(hits(basic)) == {"consumer_key", "consumer_secret"}
    assert hits(f"user id {USER_ID}") == []
    assert hits(CANARIES[Kind.CONSUMER_SECRET][: MIN_RUN - 1]) == []


# --------------------------------------------------------------------------- invocations


@dataclass
class Call:
    argv: list[str]
    stdin: str = ""
    #: kinds whose runs may appear (documented exceptions)
    allow: tuple[str, ...] = ()
    #: a file the command writes on purpose with the secrets in it (0600 required)
    secret_file: str | None = None
    #: a file the command writes that must hold no secret
    clean_file: str | None = None
    #: run only after the profile exists (ordering)
    after_profile: bool = True


TUI = "tui"  # driven through the pilot in tests/test_canary_tui.py

ERROR_DUMP = (
    "POST /2/tweets HTTP/1.1\nHost: api.x.com\n"
    'Authorization: OAuth oauth_consumer_key="{consumer_key}", oauth_token="{access_token}", '
    'oauth_signature_method="HMAC-SHA1", oauth_signature="abc%3D"\n\n'
    "HTTP/1.1 401 Unauthorized\ncontent-type: application/json\n\n"
    '{{"errors":[{{"code":32,"message":"Could not authenticate you."}}]}}\n'
)
BEARER_DUMP = (
    "curl -H 'Authorization: Bearer {bearer_token}' https://api.x.com/2/tweets/search/recent?query=x\n"
    '{{"client_id":"{client_id}","detail":"When authenticating requests to the Twitter API v2 endpoints, '
    'you must use keys and tokens from a Twitter developer App that is attached to a Project.",'
    '"reason":"client-not-enrolled","title":"Client Forbidden","type":"https://api.twitter.com/2/problems/client-forbidden"}}\n'
)


def _canary_fmt(template: str) -> str:
    return template.format(**{k.value: v for k, v in CANARIES.items()})


def _invocations() -> dict[str, list[Call] | str]:
    c = {k.value: v for k, v in CANARIES.items()}
    classify: list[Call] = []
    for n, (kind, value) in enumerate(c.items()):  # every kind once, the three ways in turn
        classify.append(
            [
                Call(["classify"], stdin=value),
                Call(["classify", "--json"], stdin=f"  '{value}'\n"),
                Call(["classify", "--field", "consumer_key", "--json"], stdin=f"{ENV_NAME[Kind(kind)]}={value}"),
            ][n % 3]
        )
    classify.append(Call(["classify", "--field", "access_token"], stdin=f"Bearer {c['bearer_token']}"))
    return {
        "onboard": TUI,
        "troubleshoot": TUI,
        "support": TUI,
        "classify": classify,
        "scan": [
            Call(["scan", "{envfile}"]),
            Call(["scan", "{envfile}", "--json"]),
            Call(["scan", "-"], stdin="{jsontext}"),
            Call(["scan", "--json", "-"], stdin="{freetext}"),
        ],
        "doctor": [
            Call(["doctor", "--env-file", "{envfile}", "--api-base", "{api}"]),
            Call(["doctor", "--env-file", "{envfile}", "--api-base", "{api}", "--json"]),
            Call(["doctor", "--api-base", "{api}", "--need", "dm", "--json"]),  # from env vars
            Call(["doctor", "--profile", "canary", "--offline"]),
            Call(["doctor", "--env-file", "{envfile}", "--offline", "--json"]),
        ],
        "explain": [
            Call(["explain"], stdin=_canary_fmt(ERROR_DUMP)),
            Call(["explain", "--json"], stdin=_canary_fmt(ERROR_DUMP)),
            Call(["explain"], stdin=_canary_fmt(BEARER_DUMP)),
            Call(["explain", "--json"], stdin=_canary_fmt(BEARER_DUMP)),
        ],
        "report": [
            Call(["report", "--env-file", "{envfile}", "--api-base", "{api}"]),
            Call(["report", "--format", "json", "--api-base", "{api}"]),
            Call(
                ["report", "--profile", "canary", "--offline", "--output", "{tmp}/report.md"],
                clean_file="{tmp}/report.md",
            ),
            Call(
                ["report", "--format", "json", "--env-file", "{envfile}", "--offline", "-o", "{tmp}/a.json"],
                clean_file="{tmp}/a.json",
            ),
            Call(["report", "diff", "{tmp}/a.json", "{tmp}/a.json"]),
            Call(["report", "diff", "--format", "json", "{tmp}/a.json", "{envfile}"]),
        ],
        "export": [
            Call(
                ["export", "--format", fmt, "--profile", "canary", "--output", f"{{tmp}}/export.{fmt}"],
                secret_file=f"{{tmp}}/export.{fmt}",
            )
            for fmt in ("dotenv", "twurlrc", "xurl", "twarc", "json")
        ],
        "profile": [
            Call(["profile", "list"]),
            Call(["profile", "list", "--json"]),
            Call(["profile", "history", "canary"]),
            Call(["profile", "history", "canary", "--json"]),
            Call(["profile", "use", "canary"]),
            Call(["profile", "import", "--name", "canary-file", "--env-file", "{envfile}"]),
            Call(["profile", "rename", "canary-file", "canary-renamed"]),
            Call(["profile", "delete", "canary-renamed"], stdin="y\n"),
        ],
        "login": [
            Call(
                ["login", "pin", "--profile", "canary", "--api-base", "{api}", "--no-browser", "--timeout", "5"],
                stdin="1234567\n",
            ),
            # the authorize URL must carry the Client ID for the user to open it (DESIGN.md)
            Call(
                [
                    "login",
                    "pkce",
                    "--profile",
                    "canary",
                    "--api-base",
                    "{api}",
                    "--no-browser",
                    "--timeout",
                    "5",
                    "--wait",
                    "1",
                    "--redirect-uri",
                    "http://127.0.0.1:8976/callback",
                ],
                stdin="http://127.0.0.1:8976/callback?code=nope&state=wrong\n",
                allow=("client_id",),
            ),
        ],
        "token": [
            Call(["token", "refresh", "--profile", "canary", "--api-base", "{api}", "--timeout", "5"]),
            Call(["token", "revoke", "--profile", "canary", "--api-base", "{api}", "--timeout", "5"]),
        ],
        "rotate": [
            Call(["rotate", "--no-tui", "--what", "consumer", "--dry-run", "--profile", "canary"]),
            Call(
                [
                    "rotate",
                    "--no-tui",
                    "--what",
                    "access",
                    "--json",
                    "--profile",
                    "canary",
                    "--from-env-file",
                    "{envfile2}",
                    "--api-base",
                    "{api}",
                    "--yes",
                ]
            ),
        ],
        "sandbox": [Call(["sandbox", "--port", "0", "--seed", "5"])],  # long-running: see _run
    }


INVOCATIONS = _invocations()


def test_every_command_has_an_invocation() -> None:
    missing = sorted(set(COMMANDS) - set(INVOCATIONS))
    assert not missing, f"add these commands to INVOCATIONS in {__file__}: {missing}"
    stale = sorted(set(INVOCATIONS) - set(COMMANDS))
    assert not stale, f"INVOCATIONS names commands that no longer exist: {stale}"


# --------------------------------------------------------------------------- the rig


@dataclass
class Rig:
    tmp: Path
    env: dict[str, str]
    api: str
    subs: dict[str, str] = field(default_factory=dict)

    def fmt(self, s: str) -> str:
        for k, v in self.subs.items():
            s = s.replace("{" + k + "}", v)
        return s


def _env_text(values: Mapping[Kind, str]) -> str:
    return (
        "".join(f"{ENV_NAME[k]}={v}\n" for k, v in values.items() if k is not Kind.XAI_API_KEY)
        + f"XAI_API_KEY={values[Kind.XAI_API_KEY]}\n"
    )


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    from xkeys.sandbox.server import start_in_thread

    tmp = tmp_path_factory.mktemp("canary")
    server = start_in_thread("healthy", seed=3)
    env = {
        k: v
        for k, v in os.environ.items()
        if not (
            k.startswith(("X_", "TWITTER_", "XKEYS_", "CONSUMER_", "ACCESS_", "BEARER_", "CLIENT_"))
            or k in ("DISPLAY", "WAYLAND_DISPLAY", "API_KEY", "API_SECRET", "XAI_API_KEY")
        )
    }
    env.update({ENV_NAME[k]: v for k, v in CANARIES.items()})
    env.update(
        {
            "XKEYS_CONFIG_DIR": str(tmp / "config"),
            "XKEYS_SECRET_STORE": "file",
            "HOME": str(tmp / "home"),
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT / "app") + os.pathsep + env.get("PYTHONPATH", ""),
            "COLUMNS": "100",
        }
    )
    (tmp / "home").mkdir()
    envfile = tmp / "canary.env"
    envfile.write_text(_env_text(CANARIES))
    other = make_canaries(seed=11)  # a second canary set: "new" values for rotate
    envfile2 = tmp / "canary2.env"
    envfile2.write_text(_env_text(other))
    r = Rig(tmp=tmp, env=env, api=server.base_url)
    r.subs = {
        "tmp": str(tmp),
        "envfile": str(envfile),
        "envfile2": str(envfile2),
        "api": server.base_url,
        "jsontext": json.dumps({"twitter": {k.value: v for k, v in CANARIES.items()}}, indent=2),
        "freetext": "my keys:\n" + "\n".join(f"{KINDS[k].label}: {v}" for k, v in CANARIES.items()),
    }
    CANARY_RUNS.update(runs_of({f"new-{k.value}": v for k, v in other.items()}))
    # the profile every store command uses, made through the CLI itself (its output is checked too)
    out = _run(r, Call(["profile", "import", "--name", "canary", "--from-env", "--use"]))
    assert out.code == 0, out.text
    assert not hits(out.text), out.text
    try:
        yield r
    finally:
        server.stop()


@dataclass
class Outcome:
    call: Call
    code: int
    text: str


def _run(r: Rig, call: Call) -> Outcome:
    argv = [r.fmt(a) for a in call.argv]
    cmd = [sys.executable, "-m", "xkeys", *argv]
    if argv[0] == "sandbox":  # runs until stopped: read its first line, then stop it
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=r.env,
            cwd=r.tmp,
        )
        try:
            first = proc.stdout.readline() if proc.stdout else ""
        finally:
            proc.terminate()
            try:
                rest_out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                rest_out, err = proc.communicate()
        assert first.startswith("{"), first + err
        return Outcome(call, 0, first + rest_out + err)
    proc = subprocess.run(
        cmd, input=r.fmt(call.stdin), capture_output=True, text=True, env=r.env, cwd=r.tmp, timeout=120
    )
    return Outcome(call, proc.returncode, proc.stdout + proc.stderr)


def _problems(r: Rig, out: Outcome) -> list[str]:
    call = out.call
    label = " ".join(call.argv)
    problems = []
    found = hits(out.text, allow=call.allow)
    if found:
        problems.append(f"`xkeys {label}` printed runs of {found}")
    if "Traceback (most recent call last)" in out.text:
        problems.append(f"`xkeys {label}` printed a traceback")
    if call.clean_file:
        path = Path(r.fmt(call.clean_file))
        if path.exists():
            found = hits(path.read_text(encoding="utf-8", errors="replace"))
            if found:
                problems.append(f"`xkeys {label}` wrote runs of {found} to {path.name}")
        else:
            problems.append(f"`xkeys {label}` did not write {path.name} (exit {out.code}): {out.text[:300]}")
    if call.secret_file:
        path = Path(r.fmt(call.secret_file))
        if out.code == 0:
            assert path.exists(), label
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} is not 0600"
            assert hits(path.read_text(encoding="utf-8")), f"{path.name} should hold the exported values"
    return problems


@pytest.mark.parametrize("command", sorted(c for c, v in INVOCATIONS.items() if v != TUI))
def test_cli_command_never_prints_a_canary(rig: Rig, command: str) -> None:
    calls = INVOCATIONS[command]
    assert isinstance(calls, list) and calls
    # independent calls in parallel; a command's own sequence (profile rename/delete) in order
    sequential = command in ("profile", "report")
    if sequential:
        outcomes = [_run(rig, c) for c in calls]
    else:
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = list(pool.map(lambda c: _run(rig, c), calls))
    problems = [p for o in outcomes for p in _problems(rig, o)]
    assert not problems, "\n".join(problems)
    # each call really ran (not an argparse usage error, which would prove nothing)
    usage = [" ".join(o.call.argv) for o in outcomes if o.code == 2 and "see `xkeys" in o.text]
    assert not usage, f"usage errors (fix the INVOCATIONS row): {usage}"


# --------------------------------------------------------------------------- logs and exceptions


async def test_logs_of_a_live_run_hold_no_canary(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_sandbox_client: Any
) -> None:
    from xkeys.core import redact
    from xkeys.core.creds import load_credentials
    from xkeys.core.doctor import run_doctor

    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    factory = logging.getLogRecordFactory()
    try:
        redact.install_logging()
        caplog.set_level(logging.DEBUG)
        creds = load_credentials(environ={ENV_NAME[k]: v for k, v in CANARIES.items()})
        client, _ = make_sandbox_client("healthy")
        await run_doctor(creds, client=client)
        # what a careless line of code might log
        log = logging.getLogger("xkeys.core.somewhere")
        log.debug("loaded %s", {k.value: v for k, v in creds.values.items()})
        log.info(
            "Authorization: Basic %s",
            base64.b64encode(f"{CANARIES[Kind.CONSUMER_KEY]}:{CANARIES[Kind.CONSUMER_SECRET]}".encode()).decode(),
        )
        try:
            raise ValueError(f"bad bearer {CANARIES[Kind.BEARER_TOKEN]}")
        except ValueError:
            logging.getLogger("httpx").exception("request failed")
    finally:
        logging.setLogRecordFactory(factory)
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in text or "request failed" in text  # logging really ran
    assert "ValueError" in text
    assert not hits(text), hits(text)


def test_unexpected_exception_in_a_command_is_scrubbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    envfile = tmp_path / "c.env"
    envfile.write_text(_env_text(CANARIES))
    monkeypatch.setenv("XKEYS_CONFIG_DIR", str(tmp_path / "cfg"))
    never_loaded = make_canaries(seed=99)[Kind.CONSUMER_SECRET]  # unknown to any redactor

    async def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError(
            f"bug with {CANARIES[Kind.BEARER_TOKEN]} and {never_loaded} "
            f"and {quote(CANARIES[Kind.CLIENT_SECRET], safe='')}"
        )

    monkeypatch.setattr("xkeys.core.doctor.run_doctor", boom)
    code = main(["doctor", "--env-file", str(envfile), "--offline"])
    out, err = capsys.readouterr()
    assert code == 2 and "unexpected error (RuntimeError)" in err
    index = dict(CANARY_RUNS)
    index.update(runs_of({"never_loaded": never_loaded}))
    assert not hits(out + err, index), err


# --------------------------------------------------------------------------- snapshots


def _svg_texts(path: Path) -> list[str]:
    svg = path.read_text(encoding="utf-8", errors="replace")
    no_tags = html.unescape(re.sub(r"<[^>]+>", "", svg))
    return [no_tags, no_tags.replace("\n", ""), svg]


def _sandbox_secrets() -> dict[str, str]:
    """Every demo credential the sandbox hands to snapshot and screenshot runs."""
    from xkeys.sandbox import SCENARIOS, demo_credentials

    out: dict[str, str] = {}
    for seed in range(0, 4):
        for scenario in SCENARIOS:
            for k, v in demo_credentials(seed, scenario).items():
                if isinstance(v, str) and len(v) >= MIN_RUN:
                    out[f"{k}@{scenario}/{seed}"] = v
    return out


def test_snapshots_and_screenshots_hold_no_secret() -> None:
    svgs = sorted(ROOT.glob("tests/**/__snapshots__/**/*.svg")) + sorted(ROOT.glob("screenshots/**/*.svg"))
    index = dict(CANARY_RUNS)
    index.update(runs_of(_sandbox_secrets()))
    problems = []
    for path in svgs:
        for text in _svg_texts(path):
            found = hits(text, index)
            if found:
                problems.append(f"{path.relative_to(ROOT)}: {found[:3]}")
                break
    assert svgs, "no snapshot SVGs found (tests/**/__snapshots__)"
    assert not problems, "\n".join(problems)
