"""scan's parsing layer and its rules: names as hints, placeholders, other services, layouts."""

from __future__ import annotations

import pytest

from scan_values import values
from xkeys.core.kinds import Kind
from xkeys.core.redact import fingerprint
from xkeys.core.scan import _name_info, extract, is_placeholder, scan

V = values()
CK, CS, BT, AT, ATS, CI, CSE = V["CK1"], V["CS1"], V["BT1"], V["AT1"], V["ATS1"], V["CI1"], V["CSE1"]


# -- names (FACTS.md section 5 "Real-world files") ----------------------------------------------


@pytest.mark.parametrize(
    "name,kind",
    [
        ("X_API_KEY", Kind.CONSUMER_KEY),
        ("TWITTER_CONSUMER_KEY", Kind.CONSUMER_KEY),
        ("CONSUMER_KEY", Kind.CONSUMER_KEY),
        ("consumer-key", Kind.CONSUMER_KEY),
        ("APP_KEY", Kind.CONSUMER_KEY),
        ("oauth.consumerKey", Kind.CONSUMER_KEY),
        ("Twitter__ConsumerKey", Kind.CONSUMER_KEY),
        ("Authentication:Twitter:ConsumerAPIKey", Kind.CONSUMER_KEY),
        ("appKey", Kind.CONSUMER_KEY),
        ("TWITTER_KEY", Kind.CONSUMER_KEY),
        ("API_KEY_SECRET", Kind.CONSUMER_SECRET),
        ("TWITTER_API_SECRET_KEY", Kind.CONSUMER_SECRET),
        ("ConsumerKeySecret", Kind.CONSUMER_SECRET),
        ("APP_SECET", Kind.CONSUMER_SECRET),
        ("TWITTER_SECRET", Kind.CONSUMER_SECRET),
        ("appSecret", Kind.CONSUMER_SECRET),
        ("TWITTER_OAUTH_KEY", Kind.ACCESS_TOKEN),
        ("TWITTER_TOKEN", Kind.ACCESS_TOKEN),
        ("TWITTER_ACCESS_TOKEN_KEY", Kind.ACCESS_TOKEN),
        ("OAUTH_TOKEN", Kind.ACCESS_TOKEN),
        ("oauth.accessToken", Kind.ACCESS_TOKEN),
        ("OAUTH_TOKEN_SECERT", Kind.ACCESS_TOKEN_SECRET),
        ("accessSecret", Kind.ACCESS_TOKEN_SECRET),
        ("TWITTER_ACCESS_TOKEN_SECRET", Kind.ACCESS_TOKEN_SECRET),
        ("X_BEARER_TOKEN", Kind.BEARER_TOKEN),
        ("bearer", Kind.BEARER_TOKEN),
        ("CLIENT_ID", Kind.CLIENT_ID),
        ("twitter.clientId", Kind.CLIENT_ID),
        ("X_CLIENT_SECRET", Kind.CLIENT_SECRET),
        ("X_OAUTH2_REFRESH_TOKEN", Kind.OAUTH2_REFRESH_TOKEN),
        ("XAI_API_KEY", Kind.XAI_API_KEY),
    ],
)
def test_real_world_names_hint_a_kind(name: str, kind: Kind) -> None:
    parts = tuple(name.replace(":", ".").split(".")) if ("." in name or ":" in name) else (name,)
    assert _name_info(parts) == (kind, "x")


@pytest.mark.parametrize(
    "name",
    [
        "OPENAI_API_KEY",
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "GOOGLE_CLIENT_SECRET",
        "TELEGRAM_BOT_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "SLACK_BOT_TOKEN",
        "DISCORD_TOKEN",
        "STRIPE_SECRET_KEY",
        "ANTHROPIC_API_KEY",
        "FACEBOOK_APP_SECRET",
    ],
)
def test_other_services_are_never_x(name: str) -> None:
    assert _name_info((name,))[1] == "other"


def test_service_from_the_enclosing_section() -> None:
    assert _name_info(("Authentication", "Google", "ClientId"))[1] == "other"
    assert _name_info(("Authentication", "Twitter", "ClientId")) == (Kind.CLIENT_ID, "x")
    assert _name_info(("twitter", "key")) == (Kind.CONSUMER_KEY, "x")


@pytest.mark.parametrize(
    "name", ["token_type", "TWITTER_CALLBACK_URL", "BEARER_TOKEN_URL", "expires_at", "TWITTER_USERNAME", "PORT"]
)
def test_settings_are_not_credentials(name: str) -> None:
    assert _name_info((name,))[0] is None


# -- placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,name",
    [
        ("", "X_API_KEY"),
        ("xxxxx", "X_API_KEY"),
        ("XXXXXXXXXXXXXXXXXXXXXXXXX", None),
        ("your-key-here", None),
        ("<CONSUMER KEY>", None),
        ("***", None),
        ("X_API_KEY", "X_API_KEY"),
        ("${{ secrets.X_API_KEY }}", None),
        ('<%= ENV["TWITTER_API_KEY"] %>', None),
        ("${TWITTER_API_KEY}", None),
        ("$TWITTER_API_KEY", None),
        ("7Qm2XXXX...bT", None),
        ("7Qm2••••••bT", None),
        ("YOUR_CONSUMER_KEY", None),
        ("yourConsumerKey", None),
        ("insert-token-here", None),
        ("os.getenv('X')", None),
        ("process.env.TWITTER_TOKEN", None),
        ("null", None),
        ("None", None),
        ("changeme", None),
        ("consumer key", None),
        ("put your key here", None),
        ("{{ twitter_key }}", None),
        ("%(TWITTER_KEY)s", None),
        ("TWITTER_CONSUMER_KEY", "consumer_key"),
    ],
)
def test_placeholders(value: str, name: str | None) -> None:
    assert is_placeholder(value, name)


@pytest.mark.parametrize(
    "key",
    [
        "CK1",
        "CS1",
        "BT1",
        "AT1",
        "ATS1",
        "CI1",
        "CSE1",
        "O2A1",
        "O2R1",
        "XAI1",
        "CK2",
        "CS2",
        "BT2",
        "AT2",
        "ATS2",
        "CI2",
        "CSE2",
        "CK3",
        "CS3",
        "AT3",
    ],
)
def test_real_shapes_are_not_placeholders(key: str) -> None:
    assert not is_placeholder(V[key], "X_API_KEY")


def test_placeholders_are_never_findings() -> None:
    text = "X_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxx\nX_API_SECRET=<API SECRET>\nX_BEARER_TOKEN=\n"
    r = scan(text)
    assert r.findings == []
    assert r.placeholders == ["X_API_KEY", "X_API_SECRET", "X_BEARER_TOKEN"]
    assert r.exit_code == 1


# -- dotenv details ----------------------------------------------------------------------------


def test_dotenv_quotes_export_and_comments() -> None:
    text = (
        f'export X_API_KEY="{CK}"  # app\n'
        f"X_API_SECRET='{CS}'\n"
        f"X_ACCESS_TOKEN={AT} # bot account\n"
        f"#X_ACCESS_TOKEN_SECRET={ATS}\n"
    )
    r = scan(text, ".env")
    assert r.format == "dotenv"
    got = [(f.kind, f.line, f.commented, f.hygiene, f.fingerprint) for f in r.findings]
    assert got == [
        (Kind.CONSUMER_KEY, 1, False, [], fingerprint(CK)),
        (Kind.CONSUMER_SECRET, 2, False, [], fingerprint(CS)),
        (Kind.ACCESS_TOKEN, 3, False, [], fingerprint(AT)),
        (Kind.ACCESS_TOKEN_SECRET, 4, True, [], fingerprint(ATS)),
    ]


def test_dotenv_hygiene_inside_the_quotes_is_reported() -> None:
    # the quotes are the file's syntax; a space inside them is a real paste problem
    r = scan(f'X_API_KEY=" {CK}"\nX_BEARER_TOKEN="Bearer {BT}"\n')
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY, Kind.BEARER_TOKEN]
    assert r.findings[0].hygiene and r.findings[1].hygiene
    assert r.findings[0].fingerprint == fingerprint(CK)
    assert r.findings[1].fingerprint == fingerprint(BT)


def test_windows_and_old_mac_line_endings() -> None:
    for nl in ("\r\n", "\r"):
        r = scan(f"X_API_KEY={CK}{nl}X_API_SECRET={CS}{nl}")
        assert [(f.kind, f.line) for f in r.findings] == [(Kind.CONSUMER_KEY, 1), (Kind.CONSUMER_SECRET, 2)]


def test_bom_is_ignored() -> None:
    r = scan(f"\ufeffX_API_KEY={CK}\n")
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY]


def test_the_same_value_twice_is_two_findings_on_two_lines() -> None:
    r = scan(f"X_API_KEY={CK}\nTWITTER_API_KEY={CK}\n")
    assert [(f.field, f.line) for f in r.findings] == [("X_API_KEY", 1), ("TWITTER_API_KEY", 2)]


# -- names and shapes disagree -----------------------------------------------------------------


def test_value_with_wrong_name_is_kept_with_a_warning() -> None:
    r = scan(f"TWITTER_CONSUMER_SECRET={ATS}\n")
    (f,) = r.findings
    assert f.kind is Kind.ACCESS_TOKEN_SECRET and f.matches_field is False
    assert f.message.startswith("This looks like an Access Token Secret, named as TWITTER_CONSUMER_SECRET.")
    assert r.exit_code == 1


def test_xai_key_named_as_x_key() -> None:
    r = scan(f"X_API_KEY={V['XAI1']}\n")
    (f,) = r.findings
    assert f.kind is Kind.XAI_API_KEY and f.matches_field is False


def test_named_value_that_fits_no_shape_is_reported_as_unknown() -> None:
    r = scan("X_API_SECRET=Zq8vR2mT6kLw9PxYa1b2\n")  # 20 chars: truncated?
    (f,) = r.findings
    assert f.kind is Kind.UNKNOWN and f.matches_field is False
    assert "X_API_SECRET" in f.message


def test_neutral_name_with_distinctive_shape_is_found() -> None:
    r = scan(f"MY_THING={BT}\nOTHER=hello\n")
    (f,) = r.findings
    assert f.kind is Kind.BEARER_TOKEN and f.matches_field is None
    assert "named as MY_THING" in f.message


def test_other_service_with_x_shaped_value_is_still_ignored() -> None:
    r = scan(f"GITHUB_TOKEN={ATS}\nOPENAI_API_KEY={CS}\n")
    assert r.findings == []
    assert r.ignored == ["GITHUB_TOKEN", "OPENAI_API_KEY"]


def test_other_services_values_are_not_found_as_free_text() -> None:
    text = (
        "DJANGO_SECRET_KEY=django-insecure-3k#9v@x!2m$8q&1z^7w*5e(0r)4t\n"
        "SENTRY_DSN=https://abc123def456@o123.ingest.sentry.io/456\n"
        "DATABASE_URL=postgres://user:Zq8vR2mT6kLw9PxY@db:5432/app\n"
    )
    r = scan(text)
    assert r.findings == []


# -- layouts -----------------------------------------------------------------------------------


def test_json_line_numbers_and_nesting() -> None:
    text = f'{{\n  "twitter": {{\n    "consumer_key": "{CK}",\n    "consumer_secret": "{CS}"\n  }}\n}}\n'
    r = scan(text)
    assert r.format == "json"
    assert [(f.field, f.line) for f in r.findings] == [("twitter.consumer_key", 3), ("twitter.consumer_secret", 4)]


def test_json_same_value_twice_gets_both_lines() -> None:
    text = f'{{\n "a_consumer_key": "{CK}",\n "b_consumer_key": "{CK}"\n}}'
    r = scan(text)
    assert [f.line for f in r.findings] == [2, 3]


def test_yaml_flat_mapping() -> None:
    r = scan(f"consumer_key: {CK}\nconsumer_secret: {CS}\n")
    assert r.format == "yaml"
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET]


def test_twurlrc_single_profile_is_found_by_layout_not_filename() -> None:
    text = (
        f"profiles:\n  bob:\n    {CK}:\n      username: bob\n      consumer_key: {CK}\n"
        f"      consumer_secret: {CS}\n      token: {AT}\n      secret: {ATS}\n"
        f"configuration:\n  default_profile:\n  - bob\n  - {CK}\n"
    )
    r = scan(text)
    assert r.format == "twurlrc"
    assert [(f.kind, f.profile) for f in r.findings] == [
        (Kind.CONSUMER_KEY, "bob"),
        (Kind.CONSUMER_SECRET, "bob"),
        (Kind.ACCESS_TOKEN, "bob"),
        (Kind.ACCESS_TOKEN_SECRET, "bob"),
    ]


def test_twurlrc_user_with_two_apps_gets_two_profiles() -> None:
    ck2 = V["CK2"]
    text = (
        f"profiles:\n  bob:\n    {CK}:\n      consumer_key: {CK}\n      consumer_secret: {CS}\n"
        f"    {ck2}:\n      consumer_key: {ck2}\n      consumer_secret: {V['CS2']}\n"
    )
    r = scan(text)
    assert r.profiles() == [f"bob ({CK[:6]})", f"bob ({ck2[:6]})"]


def test_generic_yaml_keyed_by_a_value_never_shows_it() -> None:
    # an unknown layout whose keys are credentials: the names shown are scrubbed
    text = f"apps:\n  {CK}:\n    api_key: {CK}\n    api_secret: {CS}\n    extra: [1, 2]\n"
    r = scan(text)
    assert r.findings
    assert all(CK[:12] not in (f.field or "") for f in r.findings)


def test_ini_sections_are_profiles() -> None:
    r = scan(f"[prod]\napi_key = {CK}\n\n[dev]\napi_key = {V['CK2']}\n")
    assert r.format == "ini"
    assert r.profiles() == ["prod", "dev"]
    assert r.values("dev") == {Kind.CONSUMER_KEY: V["CK2"]}


def test_twarc2_config_by_filename() -> None:
    r = scan(f"consumer_key = '{CK}'\nconsumer_secret = '{CS}'\n", "/home/me/.config/twarc/config")
    assert r.format == "twarc"


def test_dockerfile_env_forms() -> None:
    r = scan(f'FROM alpine\nENV X_API_KEY "{CK}"\nENV X_API_SECRET={CS} X_BEARER_TOKEN={BT}\n')
    assert [(f.kind, f.line) for f in r.findings] == [
        (Kind.CONSUMER_KEY, 2),
        (Kind.CONSUMER_SECRET, 3),
        (Kind.BEARER_TOKEN, 3),
    ]


def test_code_kwargs_and_php_arrays() -> None:
    r = scan(
        f'api = Twython("{CK}", "{CS}")\nclient = Client(consumer_key="{CK}", access_token_secret="{ATS}")\n'
        f"$settings = ['consumer_secret' => '{CS}'];\n"
    )
    assert [(f.kind, f.field, f.line) for f in r.findings] == [
        (Kind.CONSUMER_KEY, None, 1),
        (Kind.CONSUMER_SECRET, None, 1),
        (Kind.CONSUMER_KEY, "consumer_key", 2),
        (Kind.ACCESS_TOKEN_SECRET, "access_token_secret", 2),
        (Kind.CONSUMER_SECRET, "consumer_secret", 3),
    ]


def test_compose_list_and_actions_placeholders() -> None:
    text = (
        "services:\n  bot:\n    environment:\n"
        f"      - X_API_KEY={CK}\n      - X_API_SECRET=${{X_API_SECRET}}\n"
        "      - X_BEARER_TOKEN=${{ secrets.X_BEARER_TOKEN }}\n"
    )
    r = scan(text)
    assert [(f.kind, f.line) for f in r.findings] == [(Kind.CONSUMER_KEY, 4)]
    assert r.placeholders == ["services.bot.environment.X_API_SECRET", "services.bot.environment.X_BEARER_TOKEN"]


def test_portal_text_with_buttons_between_label_and_value() -> None:
    text = f"Bearer Token\nRegenerate\n{BT}\nAccess Token\n{AT}\nAccess Token Secret\nCopy\n{ATS}\n"
    r = scan(text)
    assert r.format == "portal-text"
    assert [(f.kind, f.field, f.line) for f in r.findings] == [
        (Kind.BEARER_TOKEN, "Bearer Token", 3),
        (Kind.ACCESS_TOKEN, "Access Token", 5),
        (Kind.ACCESS_TOKEN_SECRET, "Access Token Secret", 8),
    ]


def test_portal_label_holding_the_wrong_value() -> None:
    r = scan(f"API Key\n{CI}\nAPI Key Secret\n{CS}\n")
    assert r.findings[0].kind is Kind.CLIENT_ID and r.findings[0].matches_field is False
    assert r.findings[0].field == "API Key"


def test_free_text_ignores_ordinary_long_words_and_ids() -> None:
    text = (
        "Internationalization and counterrevolutionaries are long words.\n"
        "request id 550e8400-e29b-41d4-a716-446655440000 sha 3b5f1c0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c\n"
        "see https://developer.x.com/en/docs/authentication/oauth-1-0a/api-key-and-secret\n"
    )
    r = scan(text)
    assert r.findings == []
    assert r.exit_code == 1


def test_free_text_finds_credentials_in_a_sentence() -> None:
    r = scan(f"my key is {CK}, the secret {CS}. Token: {AT}\n")
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET, Kind.ACCESS_TOKEN]


def test_extract_without_classification() -> None:
    fmt, cands, default = extract(f"[main]\nconsumer_key = {CK}\n# access_token = {AT}\n", ".twarc")
    assert fmt == "twarc" and default == "main"
    assert [(c.name, c.line, c.profile, c.commented, c.hint) for c in cands] == [
        ("consumer_key", 2, "main", False, Kind.CONSUMER_KEY),
        ("access_token", 3, "main", True, Kind.ACCESS_TOKEN),
    ]
    assert CK not in repr(cands[0])


# -- values stay private -------------------------------------------------------------------------


def test_values_are_never_in_repr_or_to_dict() -> None:
    r = scan(f"X_API_SECRET={CS}\nX_ACCESS_TOKEN={AT}\n")
    blob = repr(r) + repr(r.findings) + str(r.to_dict())
    for v in (CS, AT):
        assert v[:12] not in blob and v[-12:] not in blob
    assert r.values() == {Kind.CONSUMER_SECRET: CS, Kind.ACCESS_TOKEN: AT}


def test_values_skip_non_fields() -> None:
    r = scan(f"XAI_API_KEY={V['XAI1']}\n")
    assert [f.kind for f in r.findings] == [Kind.XAI_API_KEY]
    assert r.values() == {}


def test_json_list_of_bare_values() -> None:
    r = scan(f'[\n  "{AT}",\n  "{ATS}"\n]\n')
    assert [(f.kind, f.field, f.line) for f in r.findings] == [
        (Kind.ACCESS_TOKEN, None, 2),
        (Kind.ACCESS_TOKEN_SECRET, None, 3),
    ]


def test_prose_inside_structured_values_is_searched() -> None:
    text = f"bot:\n  notes: |\n    old token was\n    {AT}\n  twitter_bearer_token: 'Bearer {BT}'\n  port: 1\n"
    r = scan(text)
    assert [(f.kind, f.field, f.line) for f in r.findings] == [
        (Kind.ACCESS_TOKEN, None, 4),
        (Kind.BEARER_TOKEN, "bot.twitter_bearer_token", 5),
    ]
    assert r.findings[1].hygiene  # the pasted `Bearer ` prefix


def test_xai_key_alone_is_not_an_x_credential() -> None:
    r = scan(f"XAI_API_KEY={V['XAI1']}\n")
    assert r.findings and not r.found_x
    assert r.exit_code == 1


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            f"twurl authorize --consumer-key {CK} --consumer-secret {CS}",
            [(Kind.CONSUMER_KEY, "consumer-key"), (Kind.CONSUMER_SECRET, "consumer-secret")],
        ),
        (
            f"heroku config:set TWITTER_API_KEY={CK} TWITTER_API_SECRET={CS}",
            [(Kind.CONSUMER_KEY, "TWITTER_API_KEY"), (Kind.CONSUMER_SECRET, "TWITTER_API_SECRET")],
        ),
        (f'$env:TWITTER_API_KEY="{CK}"', [(Kind.CONSUMER_KEY, "TWITTER_API_KEY")]),
        (
            f"Consumer Key (API Key): {CK}\nConsumer Secret (API Secret): {CS}",
            [(Kind.CONSUMER_KEY, "Consumer Key (API Key)"), (Kind.CONSUMER_SECRET, "Consumer Secret (API Secret)")],
        ),
        (
            f'Twitter::REST::Client.new do |config|\n  config.consumer_key = "YOUR_CONSUMER_KEY"\n'
            f'  config.access_token_secret = "{ATS}"\nend',
            [(Kind.ACCESS_TOKEN_SECRET, "config.access_token_secret")],
        ),
        (
            f'consumerKey := "{CK}"\nvar s = Config{{ConsumerSecret: "{CS}"}}',
            [(Kind.CONSUMER_KEY, "consumerKey"), (Kind.CONSUMER_SECRET, "ConsumerSecret")],
        ),
        (
            f"docker run -e X_API_KEY={CK} -e X_API_SECRET={CS} img",
            [(Kind.CONSUMER_KEY, "X_API_KEY"), (Kind.CONSUMER_SECRET, "X_API_SECRET")],
        ),
        (f"https://api.x.com/oauth/authorize?oauth_token={AT}&x=1", [(Kind.ACCESS_TOKEN, "oauth_token")]),
        (f'os.environ["TWITTER_BEARER_TOKEN"] = "{BT}"', [(Kind.BEARER_TOKEN, 'os.environ["TWITTER_BEARER_TOKEN"]')]),
        (f"curl -H 'Authorization: Bearer {BT}' https://api.x.com/2/tweets", [(Kind.BEARER_TOKEN, None)]),
    ],
)
def test_snippets_from_the_wild(text: str, expected: list[tuple[Kind, str | None]]) -> None:
    r = scan(text)
    assert [(f.kind, f.field) for f in r.findings] == expected
    assert not r.mismatches


def test_free_text_does_not_split_dotted_tokens() -> None:
    # a JWT whose middle part happens to be 50 base64url characters is not a Client Secret
    jwt = "eyJhbGciOiJIUzI1NiJ9." + CSE + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    r = scan(f"token: {jwt}\nsee {jwt}.\n")
    assert r.findings == [] and r.ignored == ["token"]
    r = scan(f"The key is {CK}. The secret is {CS}.")
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET]


def test_other_services_shapes_under_x_names_are_ignored() -> None:
    r = scan(
        "TWITTER_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345\nX_API_KEY=AKIAZ3MHP4RT2X7QW5NA\n"
        "TWITTER_BEARER_TOKEN=https://example.com/token\n"
    )
    assert r.findings == []
    assert r.ignored == ["TWITTER_TOKEN", "X_API_KEY"]
    assert r.placeholders == ["TWITTER_BEARER_TOKEN"]  # a URL where the token belongs holds no token


def test_many_generated_values_are_all_found() -> None:
    # 10 kinds x 3 x 12 seeds: a real-shaped value is never taken for a placeholder, in a named
    # setting or loose in free text
    names = {
        "CK": "X_API_KEY",
        "CS": "X_API_SECRET",
        "BT": "X_BEARER_TOKEN",
        "AT": "X_ACCESS_TOKEN",
        "ATS": "X_ACCESS_TOKEN_SECRET",
        "CI": "X_CLIENT_ID",
        "CSE": "X_CLIENT_SECRET",
        "O2A": "X_OAUTH2_ACCESS_TOKEN",
        "O2R": "X_OAUTH2_REFRESH_TOKEN",
        "XAI": "XAI_API_KEY",
    }
    for seed in range(100, 112):
        vals = values(seed)
        for key, v in vals.items():
            name = names[key.rstrip("0123456789")]
            assert not is_placeholder(v, name), (seed, key)
        text = "\n".join(f"{names[k.rstrip('0123456789')]}={v}" for k, v in vals.items())
        r = scan(text)
        assert len(r.findings) == len(vals) and not r.placeholders, seed
        loose = scan(" and ".join(vals.values()))
        assert len(loose.findings) == len(vals), seed


def test_comment_closers_do_not_eat_value_characters() -> None:
    cse = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3kLm6nO-"  # 50 base64url chars ending in `-`
    for text in (f"# X_CLIENT_SECRET={cse}", f"<!-- X_CLIENT_SECRET={cse} -->", f"/* X_CLIENT_SECRET={cse} */"):
        (f,) = scan(text).findings
        assert f.commented and f.fingerprint == fingerprint(cse), text


def test_block_comments_and_lines_that_only_look_like_comments() -> None:
    text = (
        f"/*\n * X_API_KEY={CK}\n */\n<!--\nX_API_SECRET={CS}\n-->\n"
        f"twurl authorize \\\n--consumer-key {V['CK2']} \\\n--consumer-secret {V['CS2']}\n"
        f"* API Key: {V['CK3']}\n"
    )
    r = scan(text)
    assert [(f.kind, f.line, f.commented) for f in r.findings] == [
        (Kind.CONSUMER_KEY, 2, True),
        (Kind.CONSUMER_SECRET, 5, True),
        (Kind.CONSUMER_KEY, 8, False),
        (Kind.CONSUMER_SECRET, 9, False),
        (Kind.CONSUMER_KEY, 10, False),
    ]


def test_a_real_value_may_contain_xxxx() -> None:
    v = "e56IfHP69xxxxgJd38RVFr2c2bhXoRWgCvyR7i9upthH3"  # 45 chars: an Access Token Secret
    assert not is_placeholder(v, "X_ACCESS_TOKEN_SECRET")
    assert [f.kind for f in scan(f"X_ACCESS_TOKEN_SECRET={v}").findings] == [Kind.ACCESS_TOKEN_SECRET]
    assert is_placeholder("7Qm2XXXXXXXXXXXXXXXXXXXXbT") and is_placeholder("7Qm2XXXX...bT")


def test_names_that_carry_a_value_are_redacted() -> None:
    for text, value in [
        (f"Error: [twitter]\nx_bearer_token = {BT} Error: 401 Unauthorized", BT),
        (f"{CK}X_BEARER_TOKEN={BT}", CK),
        (f"{V['XAI1']} =", V["XAI1"]),
        (f"{CS}:\n  nested: 1\n", CS),
        (f"[{ATS}]\napi_key = {CK}\n", ATS),
    ]:
        r = scan(text)
        from xkeys.commands.scan import render

        shown = str(r.to_dict()) + render(r)
        assert not any(value[i : i + 12] in shown for i in range(len(value) - 11) if value[i : i + 12] != "A" * 12), (
            text
        )


def test_bracket_lines_are_sections_only_in_ini_files() -> None:
    r = scan(f"Notes from the call\n[1]\nthe key was {CK} and the secret {CS}\n")
    assert r.format == "text" and r.profiles() == []
    assert [f.kind for f in r.findings] == [Kind.CONSUMER_KEY, Kind.CONSUMER_SECRET]
