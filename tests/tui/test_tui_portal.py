"""core.portal: the onboarding answer decides steps, fields, permission and scopes."""

from __future__ import annotations

import pytest

from xkeys.core.kinds import Kind
from xkeys.core.portal import (
    CONSOLE_URL,
    PRESETS,
    AuthPath,
    Permission,
    make_plan,
    scopes_for,
)

SOCIALAPI_SCOPES = (
    "tweet.read tweet.write tweet.moderate.write users.read dm.read dm.write like.write offline.access"
).split()


def test_socialapi_preset_is_oauth2_with_its_callback_and_eight_scopes() -> None:
    plan = make_plan("socialapi", auth_path=AuthPath.USER_TOKENS)  # preset wins over the argument
    assert plan.auth_path is AuthPath.OAUTH2
    assert plan.callback_url == "https://api.social-api.ai/oauth/callback/twitter"
    assert list(plan.scopes) == SOCIALAPI_SCOPES
    assert plan.permission_label == "Read and write and Direct message"
    assert plan.fields == (Kind.CLIENT_ID, Kind.CLIENT_SECRET)
    assert plan.need == "dm"
    ids = [s.id for s in plan.steps]
    assert ids == ["sign-in", "project-app", "billing", "user-auth", "keys-oauth2"]
    user_auth = plan.steps[3]
    copied = {v.label: v.value for v in user_auth.values}
    assert copied["Scopes"] == " ".join(SOCIALAPI_SCOPES)
    assert copied["Callback URI / Redirect URL"] == plan.callback_url
    assert any(c.choose == "Web App, Automated App or Bot" for c in user_auth.choices)


def test_carapace_preset_is_oauth1_read_write_with_localhost() -> None:
    plan = make_plan("carapace")
    assert plan.auth_path is AuthPath.USER_TOKENS
    assert plan.callback_url == "https://localhost"
    assert plan.permission_label == "Read and write"
    assert plan.scopes == ()
    assert plan.need == "write"
    assert Kind.BEARER_TOKEN in plan.required and Kind.ACCESS_TOKEN in plan.optional
    keys = [s for s in plan.steps if s.id == "keys-oauth1"][0]
    assert any("Created with Read and write permissions" in c for c in keys.checklist)
    assert any("OAuth 1.0a" in c for c in plan.steps[3].checklist)


@pytest.mark.parametrize(
    "path,expect_steps,n_fields",
    [
        (AuthPath.USER_TOKENS, ["keys-oauth1"], 5),
        (AuthPath.OAUTH2, ["keys-oauth2"], 2),
        (AuthPath.BOTH, ["keys-oauth1", "keys-oauth2"], 7),
    ],
)
def test_custom_paths(path: AuthPath, expect_steps: list[str], n_fields: int) -> None:
    plan = make_plan("custom", auth_path=path, permission=Permission.READ)
    assert [s.id for s in plan.steps][4:] == expect_steps
    assert len(plan.fields) == n_fields
    assert plan.need == "read"
    if path is AuthPath.USER_TOKENS:
        assert plan.scopes == () and plan.callback_url == "https://localhost"
    else:
        assert plan.scopes == ("tweet.read", "users.read", "offline.access")
        assert plan.callback_url.startswith("http://127.0.0.1:")


def test_scopes_follow_permission() -> None:
    assert "tweet.write" not in scopes_for(Permission.READ)
    assert "tweet.write" in scopes_for(Permission.READ_WRITE)
    assert {"dm.read", "dm.write"} <= set(scopes_for(Permission.READ_WRITE_DM))
    assert "offline.access" not in scopes_for(Permission.READ, offline=False)


def test_every_step_points_at_console_x_com_never_x_ai() -> None:
    for preset in PRESETS:
        for path in AuthPath:
            for step in make_plan(preset, auth_path=path).steps:
                assert step.url == CONSOLE_URL == "https://console.x.com"
                assert "console.x.ai" not in step.url
                assert step.checklist, step.id
                assert step.source.startswith("FACTS.md"), step.id
    sign_in = make_plan().steps[0]
    assert any("console.x.ai" in w for w in sign_in.warnings)


def test_next_steps_follow_the_preset_or_the_path() -> None:
    assert make_plan("socialapi").next_steps == PRESETS["socialapi"].handoff
    assert any("xkeys login pkce" in s for s in make_plan("custom", auth_path=AuthPath.OAUTH2).next_steps)
    assert any("xkeys login pin" in s for s in make_plan("custom", auth_path=AuthPath.USER_TOKENS).next_steps)
