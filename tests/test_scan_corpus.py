"""Every file of tests/data/scan (realistic layouts from FACTS.md section 5, generated values)
scanned, with the expected findings asserted exactly."""

from __future__ import annotations

import pathlib

import pytest

from scan_values import values
from xkeys.core.kinds import Kind
from xkeys.core.redact import fingerprint
from xkeys.core.scan import ScanResult, scan

DATA = pathlib.Path(__file__).parent / "data" / "scan"
V = values()

# file -> (format, [(kind, field, line, profile, commented, matches_field, value id)], placeholders, ignored)
EXPECTED: dict[str, tuple[str, list[tuple], list[str], list[str]]] = {
    ".twarc": (
        "twarc",
        [
            ("consumer_key", "consumer_key", 2, "main", False, True, "CK1"),
            ("consumer_secret", "consumer_secret", 3, "main", False, True, "CS1"),
            ("access_token", "access_token", 4, "main", False, True, "AT1"),
            ("access_token_secret", "access_token_secret", 5, "main", False, True, "ATS1"),
            ("consumer_key", "consumer_key", 8, "newsbot", False, True, "CK1"),
            ("consumer_secret", "consumer_secret", 9, "newsbot", False, True, "CS1"),
            ("access_token", "access_token", 10, "newsbot", False, True, "AT2"),
            ("access_token_secret", "access_token_secret", 11, "newsbot", False, True, "ATS2"),
        ],
        [],
        [],
    ),
    ".twurlrc": (
        "twurlrc",
        [
            ("consumer_key", "consumer_key", 6, "alice", False, True, "CK1"),
            ("consumer_secret", "consumer_secret", 7, "alice", False, True, "CS1"),
            ("access_token", "token", 8, "alice", False, True, "AT1"),
            ("access_token_secret", "secret", 9, "alice", False, True, "ATS1"),
            ("consumer_key", "consumer_key", 13, "newsbot", False, True, "CK2"),
            ("consumer_secret", "consumer_secret", 14, "newsbot", False, True, "CS2"),
            ("access_token", "token", 15, "newsbot", False, True, "AT2"),
            ("access_token_secret", "secret", 16, "newsbot", False, True, "ATS2"),
            ("bearer_token", "bearer_tokens", 22, "newsbot", False, True, "BT2"),
        ],
        [],
        [],
    ),
    "Dockerfile": (
        "dotenv",
        [
            ("consumer_key", "TWITTER_CONSUMER_KEY", 3, None, False, True, "CK1"),
            ("consumer_secret", "TWITTER_CONSUMER_SECRET", 4, None, False, True, "CS1"),
            ("bearer_token", "TWITTER_BEARER_TOKEN", 4, None, False, True, "BT1"),
        ],
        [],
        [],
    ),
    "application.conf": (
        "ini",
        [
            ("consumer_key", "consumerKey", 3, None, False, True, "CK2"),
            ("consumer_secret", "consumerSecret", 4, None, False, True, "CS2"),
            ("access_token", "accessToken", 5, None, False, True, "AT2"),
        ],
        ["accessTokenSecret"],
        [],
    ),
    "appsettings.Development.json": (
        "json",
        [
            ("consumer_key", "Twitter.ConsumerKey", 4, None, False, True, "CK3"),
            ("consumer_secret", "ConsumerSecret", 5, None, True, True, "CS2"),
            ("consumer_secret", "Twitter.ConsumerSecret", 6, None, False, True, "CS3"),
        ],
        [],
        [],
    ),
    "appsettings.json": (
        "json",
        [
            ("consumer_key", "Authentication.Twitter.ConsumerAPIKey", 7, None, False, True, "CK1"),
            ("consumer_secret", "Authentication.Twitter.ConsumerSecret", 8, None, False, True, "CS1"),
        ],
        [],
        ["Authentication.Google.ClientId", "Authentication.Google.ClientSecret"],
    ),
    "auth.yml": (
        "xurl",
        [
            ("client_id", "client_id", 3, "default", False, True, "CI1"),
            ("client_secret", "client_secret", 4, "default", False, True, "CSE1"),
            ("oauth2_access_token", "oauth2_tokens.alice.access_token", 11, "default", False, True, "O2A1"),
            ("oauth2_refresh_token", "oauth2_tokens.alice.refresh_token", 12, "default", False, True, "O2R1"),
            ("access_token", "oauth1_token.access_token", 17, "default", False, True, "AT1"),
            ("access_token_secret", "oauth1_token.token_secret", 18, "default", False, True, "ATS1"),
            ("consumer_key", "oauth1_token.consumer_key", 19, "default", False, True, "CK1"),
            ("consumer_secret", "oauth1_token.consumer_secret", 20, "default", False, True, "CS1"),
            ("bearer_token", "bearer_token", 23, "default", False, True, "BT1"),
            ("client_id", "client_id", 25, "research", False, True, "CI2"),
            ("client_secret", "client_secret", 26, "research", False, True, "CSE2"),
            ("access_token", "oauth2_tokens.bob.access_token", 31, "research", False, False, "AT2"),
            ("oauth2_refresh_token", "oauth2_tokens.bob.refresh_token", 32, "research", False, True, "O2R2"),
        ],
        [],
        [],
    ),
    "bot.env": (
        "dotenv",
        [
            ("consumer_key", "TWITTER_CONSUMER_KEY", 2, None, False, True, "CK1"),
            ("consumer_secret", "TWITTER_CONSUMER_SECRET", 3, None, False, True, "CS1"),
            ("access_token", "TWITTER_ACCESS_TOKEN", 4, None, False, True, "AT1"),
            ("access_token_secret", "TWITTER_ACCESS_TOKEN_SECRET", 5, None, False, True, "ATS1"),
            ("bearer_token", "TWITTER_BEARER_TOKEN", 6, None, False, True, "BT1"),
            ("consumer_key", "TWITTER_CONSUMER_KEY", 8, None, True, True, "CK2"),
            ("client_id", "X_CLIENT_ID", 9, None, False, True, "CI1"),
        ],
        ["X_CLIENT_SECRET"],
        [
            "OPENAI_API_KEY",
            "GITHUB_CLIENT_ID",
            "GITHUB_CLIENT_SECRET",
            "TELEGRAM_BOT_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
        ],
    ),
    "bot.ini": (
        "ini",
        [
            ("consumer_key", "api_key", 3, "twitter", False, True, "CK2"),
            ("consumer_secret", "api_secret", 4, "twitter", False, True, "CS2"),
            ("bearer_token", "bearer", 5, "twitter", False, True, "BT2"),
            ("consumer_key", "api_key", 8, "staging", False, True, "CK3"),
            ("consumer_secret", "api_secret", 9, "staging", False, True, "CS3"),
        ],
        [],
        ["password"],
    ),
    "chat.txt": (
        "text",
        [
            ("bearer_token", None, 3, None, False, None, "BT1"),
            ("access_token", None, 5, None, False, None, "AT1"),
            ("xai_api_key", None, 6, None, False, None, "XAI1"),
        ],
        [],
        [],
    ),
    "config.js": (
        "text",
        [
            ("consumer_key", "appKey", 3, None, False, True, "CK1"),
            ("consumer_secret", "appSecret", 4, None, False, True, "CS1"),
            ("access_token_secret", "accessSecret", 6, None, False, True, "ATS1"),
            ("client_id", "clientId", 7, None, False, True, "CI1"),
        ],
        ["accessToken"],
        [],
    ),
    "config.php": (
        "text",
        [
            ("consumer_key", "CONSUMER_KEY", 2, None, False, True, "CK1"),
            ("consumer_secret", "CONSUMER_SECRET", 3, None, False, True, "CS1"),
            ("access_token", "oauth_access_token", 5, None, False, True, "AT1"),
            ("access_token_secret", "oauth_access_token_secret", 6, None, False, True, "ATS1"),
        ],
        ["consumer_key"],
        [],
    ),
    "crlf.env": (
        "dotenv",
        [
            ("consumer_key", "X_API_KEY", 1, None, False, True, "CK3"),
            ("consumer_secret", "X_API_SECRET", 2, None, False, True, "CS3"),
            ("access_token", "X_ACCESS_TOKEN", 3, None, True, True, "AT3"),
        ],
        [],
        [],
    ),
    "docker-compose.yml": (
        "yaml",
        [
            ("consumer_key", "services.bot.environment.TWITTER_API_KEY", 6, None, False, True, "CK1"),
            ("consumer_secret", "services.bot.environment.TWITTER_API_SECRET", 7, None, False, True, "CS1"),
            ("bearer_token", "services.bot.environment.TWITTER_BEARER_TOKEN", 8, None, False, True, "BT1"),
            ("access_token", "services.worker.environment.X_ACCESS_TOKEN", 13, None, False, True, "AT1"),
            ("access_token_secret", "services.worker.environment.X_ACCESS_TOKEN_SECRET", 14, None, False, True, "ATS1"),
        ],
        ["services.worker.environment.X_CLIENT_SECRET"],
        ["services.worker.environment.REDIS_URL"],
    ),
    "placeholders.env": (
        "dotenv",
        [],
        [
            "TWITTER_API_KEY",
            "TWITTER_API_SECRET",
            "TWITTER_ACCESS_TOKEN",
            "TWITTER_ACCESS_TOKEN_SECRET",
            "TWITTER_BEARER_TOKEN",
            "X_CLIENT_ID",
            "X_CLIENT_SECRET",
            "CONSUMER_KEY",
            "CONSUMER_SECRET",
            "TWITTER_CONSUMER_KEY",
            "X_ACCESS_TOKEN_SECRET",
            "X_BEARER_TOKEN",
        ],
        [],
    ),
    "portal.txt": (
        "portal-text",
        [
            ("consumer_key", "API Key", 4, None, False, True, "CK1"),
            ("consumer_secret", "API Key Secret", 6, None, False, True, "CS1"),
            ("bearer_token", "Bearer Token", 9, None, False, True, "BT1"),
            ("access_token", "Access Token", 13, None, False, True, "AT1"),
            ("access_token_secret", "Access Token Secret", 15, None, False, True, "ATS1"),
            ("client_id", "Client ID", 18, None, False, True, "CI1"),
            ("client_secret", "Client Secret", 20, None, False, True, "CSE1"),
        ],
        [],
        [],
    ),
    "portal_inline.txt": (
        "portal-text",
        [
            ("consumer_key", "API Key", 2, None, False, True, "CK2"),
            ("consumer_secret", "API Key Secret", 3, None, False, True, "CS2"),
            ("bearer_token", "Bearer Token", 4, None, False, True, "BT2"),
            ("client_id", "Client ID", 5, None, False, True, "CI2"),
        ],
        [],
        [],
    ),
    "secrets.json": (
        "json",
        [
            ("consumer_key", "Authentication:Twitter:ConsumerAPIKey", 2, None, False, True, "CK2"),
            ("consumer_secret", "Authentication:Twitter:ConsumerSecret", 3, None, False, True, "CS2"),
            ("access_token", "Twitter__AccessToken", 4, None, False, True, "AT2"),
            ("access_token_secret", "Twitter__AccessTokenSecret", 5, None, False, True, "ATS2"),
        ],
        [],
        [],
    ),
    "secrets.yml": (
        "yaml",
        [
            ("consumer_key", "development.twitter_api_key", 4, None, False, True, "CK1"),
            ("consumer_secret", "development.twitter_api_secret", 5, None, False, True, "CS1"),
            ("access_token", "development.twitter_access_token", 6, None, False, True, "AT1"),
            ("access_token_secret", "development.twitter_access_token_secret", 7, None, False, True, "ATS1"),
            ("access_token", "twitter_access_token", 13, None, True, True, "AT2"),
        ],
        ["production.twitter_api_key", "production.twitter_api_secret"],
        ["development.secret_key_base", "production.secret_key_base"],
    ),
    "settings.py": (
        "text",
        [
            ("consumer_key", "CONSUMER_KEY", 5, None, False, True, "CK1"),
            ("consumer_secret", "CONSUMER_SECRET", 6, None, False, True, "CS1"),
            ("bearer_token", "bearer_token", 10, None, False, True, "BT1"),
            ("access_token", "access_token", 11, None, True, True, "AT2"),
        ],
        ["ACCESS_TOKEN", "ACCESS_TOKEN_SECRET", "consumer_key"],
        [],
    ),
    "twarc2_config": (
        "twarc",
        [
            ("consumer_key", "consumer_key", 1, None, False, True, "CK3"),
            ("consumer_secret", "consumer_secret", 2, None, False, True, "CS3"),
            ("bearer_token", "bearer_token", 3, None, False, True, "BT3"),
            ("access_token", "access_token", 4, None, False, True, "AT3"),
            ("access_token_secret", "access_token_secret", 5, None, False, True, "ATS3"),
        ],
        [],
        [],
    ),
    "tweepy_token.json": (
        "json",
        [
            ("oauth2_access_token", "access_token", 1, None, False, True, "O2A2"),
            ("oauth2_refresh_token", "refresh_token", 1, None, False, True, "O2R2"),
        ],
        [],
        [],
    ),
    "twitter4j.properties": (
        "ini",
        [
            ("consumer_key", "oauth.consumerKey", 2, None, False, True, "CK1"),
            ("consumer_secret", "oauth.consumerSecret", 3, None, False, True, "CS1"),
            ("access_token", "oauth.accessToken", 4, None, False, True, "AT1"),
            ("access_token_secret", "oauth.accessTokenSecret", 5, None, False, True, "ATS1"),
        ],
        [],
        [],
    ),
    "twitter_oauth": (
        "text",
        [
            ("access_token", None, 1, None, False, None, "AT1"),
            ("access_token_secret", None, 2, None, False, None, "ATS1"),
        ],
        [],
        [],
    ),
    "twython_typos.env": (
        "dotenv",
        [
            ("consumer_key", "APP_KEY", 1, None, False, True, "CK1"),
            ("consumer_secret", "APP_SECET", 2, None, False, True, "CS1"),
            ("access_token", "OAUTH_TOKEN", 3, None, False, True, "AT1"),
            ("access_token_secret", "OAUTH_TOKEN_SECERT", 4, None, False, True, "ATS1"),
            ("bearer_token", "ACCESS_TOKEN", 5, None, False, False, "BT1"),
            ("access_token", "TWITTER_OAUTH_KEY", 6, None, False, True, "AT2"),
            ("consumer_secret", "API_KEY_SECRET", 7, None, False, True, "CS2"),
            ("consumer_secret", "TWITTER_API_SECRET_KEY", 8, None, False, True, "CS3"),
            ("client_id", "TWITTER_CONSUMER_KEY", 9, None, False, False, "CI2"),
        ],
        [],
        [],
    ),
    "workflow.yml": (
        "yaml",
        [
            ("access_token", "jobs.tweet.steps[1].with.access-token", 15, None, False, True, "AT1"),
            ("bearer_token", "jobs.tweet.steps[1].env.BEARER_TOKEN", 18, None, False, True, "BT1"),
        ],
        [
            "jobs.tweet.steps[1].with.consumer-key",
            "jobs.tweet.steps[1].with.consumer-secret",
            "jobs.tweet.steps[1].with.access-token-secret",
        ],
        ["jobs.tweet.steps[1].env.GITHUB_TOKEN"],
    ),
    "xurl_legacy.json": (
        "xurl",
        [
            ("oauth2_access_token", "oauth2_tokens.alice.access_token", 6, None, False, True, "O2A1"),
            ("oauth2_refresh_token", "oauth2_tokens.alice.refresh_token", 7, None, False, True, "O2R1"),
            ("access_token", "oauth1_tokens.access_token", 15, None, False, True, "AT1"),
            ("access_token_secret", "oauth1_tokens.token_secret", 16, None, False, True, "ATS1"),
            ("consumer_key", "oauth1_tokens.consumer_key", 17, None, False, True, "CK1"),
            ("consumer_secret", "oauth1_tokens.consumer_secret", 18, None, False, True, "CS1"),
            ("bearer_token", "bearer_token", 23, None, False, True, "BT1"),
        ],
        [],
        [],
    ),
}


def _scan_file(name: str) -> ScanResult:
    path = DATA / name
    return scan(path.read_bytes().decode("utf-8"), name)


def test_every_corpus_file_has_expectations() -> None:
    files = {p.name for p in DATA.iterdir() if p.is_file() and not p.name.startswith("_")}
    assert files == set(EXPECTED)


def test_corpus_is_what_the_generator_writes() -> None:
    # the committed files are exactly the generator's output (no hand edits drifting from it)
    import importlib.util

    spec = importlib.util.spec_from_file_location("_generate", DATA / "_generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for name, tmpl in gen.TEMPLATES.items():
        assert (DATA / name).read_bytes() == gen.render(tmpl, V).encode("utf-8"), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    fmt, findings, placeholders, ignored = EXPECTED[name]
    r = _scan_file(name)
    assert r.format == fmt
    got = [(f.kind.value, f.field, f.line, f.profile, f.commented, f.matches_field, f.fingerprint) for f in r.findings]
    want = [(k, fld, line, prof, com, match, fingerprint(V[vid])) for k, fld, line, prof, com, match, vid in findings]
    assert got == want
    assert r.placeholders == placeholders
    assert r.ignored == ignored
    # the JSON contract carries the same, and never a value
    d = r.to_dict()
    assert set(d) == {"format", "findings", "placeholders", "ignored"}
    for f in d["findings"]:
        assert set(f) >= {"kind", "field", "line", "confidence", "fingerprint", "hygiene", "matches_field", "message"}
        assert f["confidence"] in ("high", "medium", "low")
        assert f["message"]


def test_crlf_file_really_has_crlf() -> None:
    assert b"\r\n" in (DATA / "crlf.env").read_bytes()


def test_values_fill_from_the_default_profile() -> None:
    r = _scan_file(".twurlrc")
    assert r.profiles() == ["newsbot", "alice"]  # configuration.default_profile first
    assert r.values() == {
        Kind.CONSUMER_KEY: V["CK2"],
        Kind.CONSUMER_SECRET: V["CS2"],
        Kind.BEARER_TOKEN: V["BT2"],
        Kind.ACCESS_TOKEN: V["AT2"],
        Kind.ACCESS_TOKEN_SECRET: V["ATS2"],
    }
    assert r.values("alice") == {
        Kind.CONSUMER_KEY: V["CK1"],
        Kind.CONSUMER_SECRET: V["CS1"],
        Kind.ACCESS_TOKEN: V["AT1"],
        Kind.ACCESS_TOKEN_SECRET: V["ATS1"],
    }


def test_values_xurl_default_app_and_shape_decides_the_kind() -> None:
    r = _scan_file("auth.yml")
    assert r.profiles() == ["research", "default"]
    # bob's "oauth2" access_token is really an OAuth 1.0a token: it fills access_token
    assert r.values() == {
        Kind.ACCESS_TOKEN: V["AT2"],
        Kind.CLIENT_ID: V["CI2"],
        Kind.CLIENT_SECRET: V["CSE2"],
        Kind.OAUTH2_REFRESH_TOKEN: V["O2R2"],
    }
    assert r.values("default")[Kind.OAUTH2_ACCESS_TOKEN] == V["O2A1"]


def test_values_prefer_live_over_commented_and_matching_names() -> None:
    r = _scan_file("bot.env")
    vals = r.values()
    assert vals[Kind.CONSUMER_KEY] == V["CK1"]  # not the commented-out old key CK2
    assert Kind.CLIENT_SECRET not in vals  # an empty value is a placeholder, never a value
    r = _scan_file("twython_typos.env")
    # TWITTER_CONSUMER_KEY holds a Client ID: it fills client_id, and APP_KEY the consumer key
    assert r.values()[Kind.CLIENT_ID] == V["CI2"]
    assert r.values()[Kind.CONSUMER_KEY] == V["CK1"]
    assert r.values()[Kind.BEARER_TOKEN] == V["BT1"]


def test_values_twarc_sections() -> None:
    r = _scan_file(".twarc")
    assert r.profiles() == ["main", "newsbot"]
    assert r.values()[Kind.ACCESS_TOKEN] == V["AT1"]
    assert r.values("newsbot")[Kind.ACCESS_TOKEN] == V["AT2"]


def test_exit_codes_of_corpus() -> None:
    assert _scan_file("bot.env").exit_code == 0
    assert _scan_file("placeholders.env").exit_code == 1  # nothing found
    assert _scan_file("twython_typos.env").exit_code == 1  # mismatches
    assert [f.field for f in _scan_file("twython_typos.env").mismatches] == ["ACCESS_TOKEN", "TWITTER_CONSUMER_KEY"]


def test_mismatch_is_a_warning_naming_both() -> None:
    r = _scan_file("twython_typos.env")
    f = next(f for f in r.findings if f.field == "ACCESS_TOKEN")
    assert f.kind is Kind.BEARER_TOKEN and f.matches_field is False
    assert f.message.startswith("This looks like a Bearer Token, named as ACCESS_TOKEN.")
    f = next(f for f in r.findings if f.field == "TWITTER_CONSUMER_KEY")
    assert f.message.startswith("This looks like a Client ID, named as TWITTER_CONSUMER_KEY.")


def test_commented_values_say_so() -> None:
    r = _scan_file("bot.env")
    f = next(f for f in r.findings if f.commented)
    assert f.message.startswith("Commented out, but still a leaked value")
    assert f.to_dict()["commented"] is True
