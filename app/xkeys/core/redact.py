"""Masking and fingerprints: the single choke point every output goes through.

House rule (shared/DESIGN.md "Rules of the house"): a secret is shown as at most its kind,
length and a fingerprint (first 8 hex of sha256); an identifier as at most its first 6
characters. A `Redactor` that knows every loaded secret scrubs any text of any run of 12 or
more characters taken from one of them - also when the run appears URL-encoded, URL-decoded,
JSON-escaped, HTML-escaped or base64-encoded (an HTTP Basic header carries `key:secret` in
base64), because those are the forms a value takes in logs, dumps and exception texts.

What stays visible: the numeric user id an access token starts with (`<user id>-...`, FACTS.md
section 1) is public - X returns it from `GET /2/users/me` and support needs it - so runs that
lie wholly inside that prefix are not treated as secret.

Public API (others import it; keep it stable): `fingerprint`, `mask`, `prefix`, `Redactor`,
`RedactingFilter`, `GLOBAL`, `remember`, `scrub`, plus `scrub_shapes`, `safe_exception_message`,
`install_logging` and `describe`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from xkeys.core.kinds import Kind, is_secret

#: the shortest run of a known secret that counts as a leak
MIN_RUN = 12
SHOWN_PREFIX = 6

_PLACEHOLDER = "[redacted]"

#: characters a redaction is widened over, so that no stub of a partly matched token remains
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_%-")

#: an access token's public user-id prefix: `<digits>-` (FACTS.md section 1)
_USER_ID_PREFIX = re.compile(rf"[0-9]{{{MIN_RUN},}}-")


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
    shown = value[:SHOWN_PREFIX]
    return f"{shown}… ({n} chars, fp {fp})"


def prefix(value: str, kind: Kind | str | None = None) -> str | None:
    """The shown prefix of an identifier, None for secrets."""
    if kind is None or is_secret(kind):
        return None
    return value[:SHOWN_PREFIX]


def describe(value: str | None, kind: Kind | str | None = None) -> dict[str, Any]:
    """The facts about a credential that may be shown or shared: never the value itself.

    `{"present", "length", "fingerprint", "prefix"}` - `prefix` only for identifiers.
    """
    if not value:
        return {"present": False, "length": 0, "fingerprint": None, "prefix": None}
    return {"present": True, "length": len(value), "fingerprint": fingerprint(value), "prefix": prefix(value, kind)}


# --------------------------------------------------------------------------- encoded forms


def _lower_escapes(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def _text_forms(value: str) -> set[str]:
    """The forms a value takes in text: as is, URL-decoded/encoded, JSON and HTML escaped."""
    forms = {value}
    if "%" in value or "+" in value:
        forms.update({unquote(value), unquote_plus(value)})
    for f in list(forms):
        for enc in (quote(f, safe=""), quote(f, safe="/"), quote_plus(f, safe="")):
            forms.add(enc)
            forms.add(_lower_escapes(enc))
    for f in list(forms):
        esc = json.dumps(f, ensure_ascii=True)[1:-1]
        forms.update({esc, esc.replace("/", "\\/"), json.dumps(f, ensure_ascii=False)[1:-1]})
        forms.add(html.escape(f, quote=True))
    return {f for f in forms if len(f) >= MIN_RUN}


def _base64_forms(value: str) -> set[str]:
    """base64 of the value at each of the 3 byte alignments (standard and URL-safe alphabets).

    Only characters fully determined by the value are kept, so the form matches wherever the
    value sits inside a longer encoded string (e.g. `Basic base64(key:secret)`).
    """
    out: set[str] = set()
    sources = {value}
    if "%" in value:
        sources.add(unquote(value))
    for src in sources:
        raw = src.encode("utf-8", "surrogatepass")
        for offset in range(3):
            chunk = raw[offset:]
            chunk = chunk[: len(chunk) // 3 * 3]
            if len(chunk) < 9:
                continue
            std = base64.b64encode(chunk).decode("ascii")
            out.update({std, base64.urlsafe_b64encode(chunk).decode("ascii")})
    return {f for f in out if len(f) >= MIN_RUN}


#: characters paste hygiene removes (FACTS.md section 1, "Paste hygiene")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
_NAME_PREFIX = re.compile(r"^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s*")


def _cleaned(value: str) -> str:
    """The value as xkeys' paste hygiene would leave it - the form later outputs may carry."""
    v = value.translate(_INVISIBLE).replace("\u00a0", " ").strip()
    v = _NAME_PREFIX.sub("", v, count=1) if "=" in v[:60] or ":" in v[:60] else v
    v = v.strip().strip(_QUOTES).strip()
    if v[:7].lower() == "bearer ":
        v = v[7:].strip()
    return v


def _windows(text: str) -> set[str]:
    """Every MIN_RUN-long run; runs that begin or end with whitespace are left out (they hold
    fewer real characters, and would eat the space before a value in the output)."""
    out = {text[i : i + MIN_RUN] for i in range(len(text) - MIN_RUN + 1)}
    return {w for w in out if not (w[0].isspace() or w[-1].isspace())}


_VOCAB_WINDOWS: frozenset[str] | None = None


def _vocabulary_windows() -> frozenset[str]:
    """Runs of xkeys' own public words: kind ids, portal labels, aliases and env var names.

    A real credential never contains them (FACTS.md section 1: alphanumerics, `%`, `-`, `_`
    in random order), so leaving them out costs nothing and keeps reports readable.
    """
    global _VOCAB_WINDOWS
    if _VOCAB_WINDOWS is None:
        from xkeys.core.kinds import KINDS

        words: set[str] = set()
        for kind, info in KINDS.items():
            for term in (kind.value, info.label, *info.aliases, *info.env):
                words |= {term, term.lower(), term.upper(), term.replace(" ", "_").lower()}
        _VOCAB_WINDOWS = frozenset(w for term in words for w in _windows(term))
    return _VOCAB_WINDOWS


# --------------------------------------------------------------------------- the redactor


class Redactor:
    """Scrubs every known secret (and any 12+ char run of one, in common encodings) out of text.

    Thread-safe: values may be added from one thread while another scrubs.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._windows: frozenset[str] = frozenset()
        self._runs: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *values: str | None) -> None:
        """Register values; shorter than MIN_RUN characters are ignored (nothing to match)."""
        with self._lock:
            fresh = [v for v in values if isinstance(v, str) and len(v) >= MIN_RUN and v not in self._secrets]
            if not fresh:
                return
            windows = set(self._windows)
            for v in fresh:
                self._secrets.add(v)
                windows |= self._windows_of(v)
            alphabet = "".join(sorted({ch for w in windows for ch in w}))
            # a run of characters that can occur in a window, long enough to hold one
            runs = re.compile("[" + "".join(_class_escape(ch) for ch in alphabet) + f"]{{{MIN_RUN},}}")
            self._windows, self._runs = frozenset(windows), runs

    @staticmethod
    def _windows_of(value: str) -> set[str]:
        found: set[str] = set()
        # surrounding whitespace is paste debris, not secret material
        sources = {value.strip() if len(value.strip()) >= MIN_RUN else value}
        clean = _cleaned(value)
        if clean != value and len(clean) >= MIN_RUN:
            sources.add(clean)
        for src in sources:
            for form in _text_forms(src) | _base64_forms(src):
                found |= _windows(form)
        public = _USER_ID_PREFIX.match(clean)
        if public:  # runs wholly inside `<user id>-` are public (the id X returns as users/me)
            found -= _windows(public.group(0))
        # a placeholder such as `your_consumer_key_here` must not make xkeys' own vocabulary
        # (field ids, labels, env var names) vanish from every later output
        return found - _vocabulary_windows()

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def __len__(self) -> int:
        return len(self._secrets)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of `text` that hold a 12+ char run of a known secret (merged, unwidened)."""
        runs, windows = self._runs, self._windows
        if runs is None or not text:
            return []
        spans: list[tuple[int, int]] = []
        for m in runs.finditer(text):
            start, end = m.span()
            for i in range(start, end - MIN_RUN + 1):
                if text[i : i + MIN_RUN] in windows:
                    if spans and i <= spans[-1][1]:
                        spans[-1] = (spans[-1][0], i + MIN_RUN)
                    else:
                        spans.append((i, i + MIN_RUN))
        return spans

    def leaks(self, text: str) -> bool:
        return bool(self.find(text))

    def scrub(self, text: str) -> str:
        spans = self.find(text)
        if not spans:
            return text
        n = len(text)
        widened: list[list[int]] = []
        for start, end in spans:
            # widen over the rest of the token so no stub of the secret is left behind
            while start > 0 and text[start - 1] in _TOKEN_CHARS:
                start -= 1
            while end < n and text[end] in _TOKEN_CHARS:
                end += 1
            if widened and start <= widened[-1][1]:
                widened[-1][1] = max(widened[-1][1], end)
            else:
                widened.append([start, end])
        out: list[str] = []
        pos = 0
        for start, end in widened:
            out.append(text[pos:start])
            out.append(_PLACEHOLDER)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def scrub_obj(self, obj: Any) -> Any:
        """Scrub every string inside nested dicts / lists / tuples (keys too)."""
        if isinstance(obj, str):
            return self.scrub(obj)
        if isinstance(obj, dict):
            return self.scrub_dict(obj)
        if isinstance(obj, (list, tuple)):
            items = [self.scrub_obj(v) for v in obj]
            return items if isinstance(obj, list) else tuple(items)
        return obj

    def scrub_dict(self, obj: Mapping[Any, Any]) -> dict[Any, Any]:
        """`scrub_obj` for a mapping, typed as one (keys and values scrubbed, nested too)."""
        return {self.scrub_obj(k): self.scrub_obj(v) for k, v in obj.items()}

    def __call__(self, text: str) -> str:
        return self.scrub(text)


def _class_escape(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


# --------------------------------------------------------------------------- logging


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs every record through a Redactor.

    The message is formatted and scrubbed (args dropped), and a logged exception's traceback and
    stack info are formatted and scrubbed too (handlers then reuse `record.exc_text`).
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record, self.redactor)
        return True


_formatter = logging.Formatter()


def scrub_record(record: logging.LogRecord, redactor: Redactor) -> logging.LogRecord:
    if getattr(record, "_xkeys_scrubbed", None) is redactor and len(redactor) == getattr(record, "_xkeys_n", -1):
        return record
    try:
        msg = record.getMessage()
    except Exception:  # a broken format string must not leak or crash
        msg = str(record.msg)
    record.msg = redactor.scrub(msg)
    record.args = None
    if record.exc_info and not record.exc_text:
        try:
            record.exc_text = _formatter.formatException(record.exc_info)
        except Exception:
            record.exc_text = f"{record.exc_info[0]!r} (traceback unavailable)"
    if record.exc_text:
        record.exc_text = redactor.scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = redactor.scrub(record.stack_info)
    record._xkeys_scrubbed = redactor
    record._xkeys_n = len(redactor)
    return record


_install_lock = threading.Lock()


def install_logging(*logger_names: str, redactor: Redactor | None = None) -> RedactingFilter:
    """Make every log record pass through the redactor. Idempotent.

    Logger filters only see records logged on that very logger (not its children), so this
    installs `RedactingFilter` on the named loggers (default: `xkeys`) and on the handlers that
    exist now, and wraps the log record factory so records from any logger (`xkeys.*`, httpx,
    asyncio ...) are scrubbed the moment they are created.
    """
    red = redactor or GLOBAL
    names = logger_names or ("xkeys",)
    filt = RedactingFilter(red)

    def has_ours(filterer: logging.Filterer) -> bool:
        return any(isinstance(f, RedactingFilter) and f.redactor is red for f in filterer.filters)

    with _install_lock:
        for name in names:
            lg = logging.getLogger(name)
            if not has_ours(lg):
                lg.addFilter(filt)
            for h in lg.handlers:
                if not has_ours(h):
                    h.addFilter(filt)
        for h in logging.getLogger().handlers:
            if not has_ours(h):
                h.addFilter(filt)
        current = logging.getLogRecordFactory()
        if getattr(current, "_xkeys_redactor", None) is not red:
            previous = current

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                return scrub_record(previous(*args, **kwargs), red)

            factory._xkeys_redactor = red  # type: ignore[attr-defined]
            logging.setLogRecordFactory(factory)
    return filt


# --------------------------------------------------------------------------- shapes and exceptions

#: credential-looking tokens, for texts that may hold values nobody registered (exception
#: messages at the CLI's last line of defence). Shapes from FACTS.md section 1.
_SHAPES = re.compile(
    r"""
    (?<![A-Za-z0-9_%+/=-])
    (?:
        A{15,}[A-Za-z0-9%+/=_-]{20,}                 # bearer token
      | xai-[A-Za-z0-9]{20,}                         # xAI API key
      | (?P<uid>[0-9]{3,20})-[A-Za-z0-9]{20,}        # access token: keep the public user id
      | (?=[A-Za-z_-]*[0-9])(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}   # keys, secrets, ids, OAuth 2.0 tokens
    )
    (?![A-Za-z0-9_%+/=-])
    """,
    re.VERBOSE,
)


def scrub_shapes(text: str) -> str:
    """Mask anything shaped like a credential (20+ chars mixing letters and digits, bearer,
    access token, xai-...), known or not. Over-eager by design: for last-resort texts only."""

    def repl(m: re.Match[str]) -> str:
        uid = m.group("uid")
        return f"{uid}-{_PLACEHOLDER}" if uid else _PLACEHOLDER

    return _SHAPES.sub(repl, text)


def safe_exception_message(exc: BaseException, limit: int = 300, redactor: Redactor | None = None) -> str:
    """One line about an exception that is safe to print: known secrets and anything shaped
    like a credential are masked, whitespace collapsed, length capped."""
    red = redactor or GLOBAL
    try:
        text = str(exc)
    except Exception:
        text = ""
    text = " ".join(text.split()) or type(exc).__name__
    text = scrub_shapes(red.scrub(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


#: the process-wide redactor: loaders of credentials add to it, outputs go through it
GLOBAL = Redactor()


def remember(*values: str | None) -> None:
    GLOBAL.add(*values)


def scrub(text: str) -> str:
    return GLOBAL.scrub(text)
