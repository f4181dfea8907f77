"""Property tests: any text -> no exception; no output ever echoes the input (>= 12 chars)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shapes_samples as S
from xkeys.cli import main
from xkeys.commands import classify as classify_cmd
from xkeys.core import crosscheck as crosscheck_mod
from xkeys.core import kinds, redact, results, shapes
from xkeys.core.crosscheck import crosscheck
from xkeys.core.kinds import FIELDS, Kind
from xkeys.core.shapes import classify, sanitize

TOKENISH = S.ALNUM + "-_%=+/:. \"'\n\t\u200b\u00a0\u201c\u201d"

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=TOKENISH, min_size=8, max_size=140),
    st.builds(
        lambda a, b: a + b,
        st.sampled_from(
            ["A" * 21, "xai-", "1234567890123456789-", "Bearer ", "export X_API_KEY=", "ghp_", '"', "API Key: "]
        ),
        st.text(alphabet=TOKENISH, max_size=120),
    ),
)
fields = st.one_of(st.none(), st.sampled_from(list(FIELDS)))


#: Hypothesis mixes string constants from the code under test into its examples; an output
#: that contains one of those is not an echo of the input, so such inputs are exempt.
_SOURCE = "".join(
    Path(m.__file__).read_text(encoding="utf-8")  # type: ignore[arg-type]
    for m in (kinds, shapes, crosscheck_mod, classify_cmd, results, redact)
)


def _no_echo(value: str, rendered: str) -> None:
    if len(value) >= 12 and value not in _SOURCE:
        assert value not in rendered


@settings(max_examples=400, deadline=None)
@given(texts, fields)
def test_classify_never_raises_and_never_echoes(text: str, field: Kind | None) -> None:
    c = classify(text, field)
    d = c.to_dict()
    rendered = json.dumps(d, ensure_ascii=False) + repr(c)
    assert c.kind in Kind
    assert c.confidence in ("high", "medium", "low")
    assert (c.matches_field is None) == (c.field is None)
    _no_echo(text, rendered)
    _no_echo(text.strip(), rendered)
    _no_echo(c.value, json.dumps(d, ensure_ascii=False) + repr(c))


@settings(max_examples=200, deadline=None)
@given(texts)
def test_sanitize_is_idempotent_on_its_output(text: str) -> None:
    value, _fixes = sanitize(text)
    again, fixes2 = sanitize(value)
    # a clean value stays clean (hand-decoded bearer is a notice, not a change)
    assert again == value
    assert set(fixes2) <= {"url-decoded-bearer", "double-encoded-bearer"}


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(list(FIELDS)), texts, max_size=6))
def test_crosscheck_never_raises_and_never_echoes(values: dict[Kind, str]) -> None:
    results = crosscheck(values)
    rendered = json.dumps([r.to_dict() | {"details": r.details} for r in results], ensure_ascii=False)
    for v in values.values():
        _no_echo(v, rendered)
        _no_echo(sanitize(v)[0], rendered)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, as_json=st.booleans())
def test_cli_never_echoes(
    text: str, as_json: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode("utf-8", "surrogatepass")))
    rc = main(["classify", *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert rc in (0, 1, 2)
    assert "Traceback" not in err
    _no_echo(text, out + err)
    _no_echo(sanitize(text)[0], out + err)
