"""Masking and fingerprints: the single choke point every output goes through.

House rule (shared/DESIGN.md "Rules of the house"): a secret is shown as at most its kind,
length and a fingerprint (first 8 hex of sha256); an identifier as at most its first 6
characters. A `Redactor` that knows every loaded secret scrubs any text of any run of 12 or
more characters taken from one of them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable

from xkeys.core.kinds import Kind, is_secret

#: the shortest run of a known secret that counts as a leak
MIN_RUN = 12
SHOWN_PREFIX = 6


def fingerprint(value: str) -> str:
    """First 8 hex characters of sha256(value): lets two people compare without seeing."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def mask(value: str, kind: Kind | str | None = None) -> str:
    """How a credential may appear anywhere: `abc123… (25 chars, fp 1a2b3c4d)`.

    Secrets (and values of unknown kind) never show a prefix.
    """
    if not value:
        return "(empty)"
    fp = fingerprint(value)
    n = len(value)
    secret = True if kind is None else is_secret(kind)
    if secret:
        return f"•••• ({n} chars, fp {fp})"
    prefix = value[:SHOWN_PREFIX]
    return f"{prefix}… ({n} chars, fp {fp})"


def prefix(value: str, kind: Kind | str | None = None) -> str | None:
    """The shown prefix of an identifier, None for secrets."""
    if kind is None or is_secret(kind):
        return None
    return value[:SHOWN_PREFIX]


_PLACEHOLDER = "[redacted]"


class Redactor:
    """Scrubs every known secret (and any 12+ char run of one) out of text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *values: str | None) -> None:
        changed = False
        for v in values:
            if v and len(v) >= MIN_RUN and v not in self._secrets:
                self._secrets.add(v)
                changed = True
        if changed:
            self._pattern = None

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def _compile(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._secrets:
            # every MIN_RUN-long window of every secret; a hit is then widened greedily
            windows = {s[i:i + MIN_RUN] for s in self._secrets for i in range(len(s) - MIN_RUN + 1)}
            alt = "|".join(re.escape(w) for w in sorted(windows, key=len, reverse=True))
            self._pattern = re.compile(alt)
        return self._pattern

    def scrub(self, text: str) -> str:
        pat = self._compile()
        if pat is None or not text:
            return text
        out: list[str] = []
        pos = 0
        for m in pat.finditer(text):
            if m.start() < pos:
                continue
            start, end = m.start(), m.end()
            # widen over the rest of the secret-like run so no tail is left behind
            while end < len(text) and not text[end].isspace() and text[end] not in "\"',;&)]}>":
                end += 1
            while start > pos and not text[start - 1].isspace() and text[start - 1] not in "\"'=:,;&([{<":
                start -= 1
            out.append(text[pos:start])
            out.append(_PLACEHOLDER)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def __call__(self, text: str) -> str:
        return self.scrub(text)


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs every record through a Redactor."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # a broken format string must not leak or crash
            msg = str(record.msg)
        record.msg = self.redactor.scrub(msg)
        record.args = None
        return True


#: the process-wide redactor: loaders of credentials add to it, outputs go through it
GLOBAL = Redactor()


def remember(*values: str | None) -> None:
    GLOBAL.add(*values)


def scrub(text: str) -> str:
    return GLOBAL.scrub(text)
