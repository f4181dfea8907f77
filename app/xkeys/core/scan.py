"""Find X credentials in a whole pasted file: .env, JSON, YAML, INI, tool configs, free text.

Two layers:

* **extraction** (`extract`) turns the text into candidates - (name, raw value, line, profile,
  commented) - knowing the layouts of FACTS.md section 5 "Where other tools keep credentials"
  and "Real-world files": dotenv (`export`, quotes, comments, CRLF), JSON (nested .NET
  appsettings, xurl's pre-1.0 file), YAML (Rails secrets, compose, GitHub Actions, `~/.twurlrc`,
  xurl >= 1.0 `auth.yml`), INI (twarc1 sections, twarc2's header-less config, `.properties`,
  HOCON), Dockerfile `ENV`, Python/JS/PHP/Ruby/Go settings, two bare lines
  (python-twitter-tools), the console's "Keys and tokens" page copied with its labels, and any
  credential-shaped token in free text;
* **classification** (`scan`) asks `shapes.classify` what each value is. Names are only hints:
  the shape decides the kind and a name/shape disagreement is a warning, never a reason to drop
  the value. Other services' secrets are listed by name in `ignored`; placeholders by name in
  `placeholders`; commented-out values are still leaked values (`commented: true`).

Values are held privately for fill-in (`ScanResult.values()`); `to_dict()` and `repr()` never
contain them. Contract: shared/DESIGN.md "JSON shapes" (scan).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any

import yaml

from xkeys.core import redact
from xkeys.core.kinds import FIELDS, Kind, label, parse_field

FORMATS: tuple[str, ...] = ("dotenv", "json", "yaml", "ini", "twurlrc", "xurl", "twarc", "portal-text", "text")

_CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}


# --------------------------------------------------------------------------------------------
# candidates


@dataclass(frozen=True)
class Candidate:
    """One value found in the text, before classification."""

    name: str | None  # the name or label it was found under (None: free text)
    raw: str = dc_field(repr=False)
    line: int  # 1-based
    profile: str | None = None
    commented: bool = False
    #: the name parts used to guess the kind and the service (outermost first)
    parts: tuple[str, ...] = ()
    #: the kind the layout itself says (twurlrc, xurl, twarc, portal labels); None: guess from parts
    hint: Kind | None = None
    #: the layout says this name is no credential at all (twurlrc `username`, ...): skip silently
    structural: bool = False
    #: where on its line the value starts (orders several values of one line)
    col: int = 0


# --------------------------------------------------------------------------------------------
# names -> kind hints (FACTS.md section 5 "Real-world files")

#: words naming other services: a value under such a name is never an X credential
_OTHER_SERVICES = frozenset(
    """
google gcp gcloud firebase youtube gmail github gh gitlab bitbucket telegram tg openai anthropic
claude aws amazon s3 azure microsoft slack discord stripe paypal facebook fb instagram insta
linkedin reddit mastodon bluesky bsky threads tiktok spotify twilio sendgrid mailgun mailchimp
sentry heroku vercel netlify supabase postgres postgresql pg mysql redis mongo mongodb database db
smtp mail email jwt session django flask rails devise cloudinary algolia pusher shopify notion
airtable dropbox twitch huggingface hf cohere mistral groq gemini pinecone ngrok docker npm pypi
apple okta auth0 cloudflare digitalocean jira atlassian zoom whatsapp weibo yandex mapbox
openweather weather newsapi giphy imgur unsplash pexels deepl elevenlabs replicate stability
""".split()
)

#: words that say "this is X / Twitter"
_X_WORDS = frozenset({"twitter", "tw", "x", "twurl", "twarc", "tweepy", "twython", "tweet", "tweets", "xapi"})

#: words of settings that are not credentials (ports, URLs, user names...)
_NON_CREDENTIAL = frozenset(
    """
user username screen name handle url uri urls uris host hostname port path dir file callback
redirect debug env environment mode level log logging timeout interval region locale lang
language enabled enable disable disabled version owner userid uid count limit max min
""".split()
)

#: words that make any name a plain setting, whatever else it says (`token_type`, `BEARER_TOKEN_URL`,
#: `access_token_expires_at`, `CONSUMER_KEY_FILE`)
_NEVER_CREDENTIAL = frozenset(
    """
type url uri urls uris host hostname port path dir file filename callback redirect debug expires
expiry expiration expire scope scopes level log timeout username screen name handle email
""".split()
)

_SECRET_WORDS = frozenset({"secret", "secrets", "secet", "secert", "secrt", "scret", "sercet", "secrete"})


_CAMEL1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def _words(name: str) -> list[str]:
    """`Twitter__ConsumerAPIKey` -> ['twitter', 'consumer', 'api', 'key']."""
    spaced = _CAMEL2.sub(r"\1 \2", _CAMEL1.sub(r"\1 \2", name))
    return [w for w in _NON_ALNUM.split(spaced.lower()) if w]


def _kind_from_words(words: list[str], x_context: bool) -> Kind | None:
    """The kind a name suggests, from its words (typos of "secret" included)."""
    w = set(words)
    joined = "".join(words)
    secret = bool(w & _SECRET_WORDS) or "secret" in joined
    if "xai" in w or "grok" in w:
        return Kind.XAI_API_KEY
    if "bearer" in w:
        return Kind.BEARER_TOKEN
    if "refresh" in w:
        return Kind.OAUTH2_REFRESH_TOKEN
    if "client" in w:
        if secret:
            return Kind.CLIENT_SECRET
        if "id" in w or joined.endswith("clientid") or "key" in w:
            return Kind.CLIENT_ID
        return None
    if ("oauth2" in w or {"oauth", "2"} <= w) and ("token" in w or "access" in w):
        return Kind.OAUTH2_ACCESS_TOKEN
    if w & {"consumer", "api", "app", "ck", "cs"}:
        if secret or "cs" in w:
            return Kind.CONSUMER_SECRET
        if w & {"key", "keys", "consumer", "ck", "id"}:
            return Kind.CONSUMER_KEY
        if "token" in w and "access" in w:
            return Kind.ACCESS_TOKEN
        return None
    if w & {"access", "token", "oauth", "user", "tokens"}:
        if secret:
            return Kind.ACCESS_TOKEN_SECRET
        if w & {"token", "key", "tokens"}:
            return Kind.ACCESS_TOKEN
        return None
    if x_context and w and w <= {"key", "secret", "id"} | _SECRET_WORDS:
        return Kind.CONSUMER_SECRET if secret else Kind.CONSUMER_KEY
    return None


@functools.lru_cache(maxsize=4096)
def _name_info(parts: tuple[str, ...]) -> tuple[Kind | None, str]:
    """(kind hint, verdict) for a name: verdict is "x", "other" (another service),
    "setting" (not a credential) or "neutral"."""
    if not parts:
        return None, "neutral"
    last = parts[-1]
    direct = parse_field(last)
    # the nearest part naming a service decides which service this is
    x_context = False
    for part in reversed(parts):
        pw = set(_words(part))
        if pw & _X_WORDS:
            x_context = True
            break
        if pw & _OTHER_SERVICES:
            return None, "other"
    words = _words(last)
    if set(words) & _NEVER_CREDENTIAL:
        return None, "setting"
    if direct is not None:
        return direct, "x"
    kind = _kind_from_words([w for w in words if w not in _X_WORDS], x_context)
    if kind is None and len(parts) > 1 and set(words) <= {"key", "secret", "token", "id"}:
        kind = _kind_from_words(_words(parts[-2]) + words, x_context)
    if kind is not None:
        return kind, "x"
    if set(words) & _NON_CREDENTIAL or "password" in "".join(words) or "passwd" in words:
        return None, "setting"
    return None, "neutral"


# --------------------------------------------------------------------------------------------
# placeholders (FACTS.md section 5 "Real-world files": xxxxx, your-key-here, <CONSUMER KEY>,
# ***, the variable's own name, ${{ secrets.X }}, <%= ENV[...] %>, masked values of real length)

_FILLER_ONLY = re.compile(r"^[xX*•·.#_\-\s…?0]*$")
#: masked forms; a random value can hold `xxxx` by chance (about 1 in 10^4), never `xxxxxx`
_MASKED = re.compile(r"(?i)x{6,}|\*{3,}|•{2,}|·{2,}|\.{3,}|…")
_TEMPLATE = re.compile(
    r"\$\{\{.*?\}\}|\$\{[^}]*\}|^\$[A-Za-z_]\w*$|<%.*?%>|\{\{.*?\}\}|%\([^)]*\)[sd]|^%[A-Za-z_]\w*%$"
    r"|^<[^<>]*>$|^\[[^\[\]]*\]$|^\{[^{}]*\}$|^@[A-Za-z_]\w*@$|^\$\(.*\)$"
)
_REFERENCE = re.compile(
    r"(?i)getenv|environ\b|environ\[|process\.env|\bENV\[|\benv\(|\bENV\.fetch|System\.getenv"
    r"|GetEnvironmentVariable|os\.Getenv|\bsecrets\.|\bvars\.|\bconfig\(|\bsettings\.|Deno\.env"
    r"|import\.meta\.env|\bgetattr\(|\bconfig\[|\bConfiguration\["
)
_PLACEHOLDER_WORDS = frozenset(
    """
your yours my insert enter replace paste put here placeholder example sample dummy fake changeme
redacted hidden removed todo tbd fixme none null nil undefined empty secret token key value foo bar
""".split()
)
_EMPTY_WORDS = frozenset({"", "none", "null", "nil", "undefined", "~", "-", "n/a", "na", "tbd", "todo"})


def is_placeholder(value: str, name: str | None = None) -> bool:
    """True when `value` is a stand-in, not a credential (empty, masked, template, reference...)."""
    v = value.strip().strip("\"'`‘’“”").strip()
    if v.lower() in _EMPTY_WORDS or _FILLER_ONLY.match(v):
        return True
    if _MASKED.search(v) or _TEMPLATE.search(v) or _REFERENCE.search(v):
        return True
    words = _words(v)
    if not words:
        return True
    if v.isalpha() and (v.islower() or v.isupper()) and len(v) < 30:
        return True  # `changeme`, `SECRET`: X credentials mix cases and digits
    if (len(words) > 1 or not v.isalnum()) and all(w.isalpha() for w in words):
        # YOUR_CONSUMER_KEY, your-key-here, <CONSUMER KEY>, yourConsumerKey: words only (a random
        # token splits into chunks with digits, never into words alone)
        if any(len(w) > 2 for w in words if w in _PLACEHOLDER_WORDS):
            return True
    vn = "".join(words)
    if parse_field(v) is not None:
        return True
    if name:
        nn = "".join(_words(name.split(".")[-1].split(":")[-1]))
        if nn and len(nn) >= 3 and (vn == nn or (nn in vn and len(vn) < len(nn) + 12)):
            return True
    if " " in v.strip() and all(w.isalpha() for w in words):
        return True  # prose ("put the key here"), never a credential
    return False


# --------------------------------------------------------------------------------------------
# tree walking for JSON and YAML


@dataclass(frozen=True)
class _Leaf:
    value: str = dc_field(repr=False)
    line: int
    block: bool = False  # a YAML `|` / `>` block: its text starts on the next line


_Tree = dict[str, Any] | list[Any] | _Leaf | None


def _yaml_tree(node: yaml.Node | None) -> _Tree:
    if node is None:
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Tree] = {}
        for k, v in node.value:
            key = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
            out[key] = _yaml_tree(v)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_tree(v) for v in node.value]
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":null") and node.value in ("", "~", "null", "Null", "NULL"):
            return _Leaf("", node.start_mark.line + 1)
        return _Leaf(str(node.value), node.start_mark.line + 1, node.style in ("|", ">"))
    return None


class _Locator:
    """Finds the line of each JSON key/value, walking the text in document order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def find(self, s: str) -> int:
        for enc in (json.dumps(s), json.dumps(s, ensure_ascii=False)):
            i = self.text.find(enc, self.pos)
            if i >= 0:
                self.pos = i + len(enc)
                return self._line(i)
        return self._line(self.pos)

    def find_scalar(self, s: str) -> int:
        i = self.text.find(s, self.pos)
        if i >= 0:
            self.pos = i + len(s)
            return self._line(i)
        return self._line(self.pos)


def _json_tree(obj: Any, loc: _Locator) -> _Tree:
    if isinstance(obj, dict):
        out: dict[str, _Tree] = {}
        for k, v in obj.items():
            loc.find(str(k))
            out[str(k)] = _json_tree(v, loc)
        return out
    if isinstance(obj, list):
        return [_json_tree(v, loc) for v in obj]
    if obj is None:
        return _Leaf("", loc.find_scalar("null"))
    if isinstance(obj, str):
        return _Leaf(obj, loc.find(obj))
    s = json.dumps(obj)
    return _Leaf(s, loc.find_scalar(s))


_KV_ITEM = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s*=(.*)$", re.S)


def _walk_generic(tree: _Tree, parts: tuple[str, ...], shown: str = "") -> Iterator[Candidate]:
    """Every leaf of a JSON/YAML tree; `parts` are the keys (for hints), `shown` the dotted path
    with list indexes (`jobs.post.steps[1].with.consumer-key`)."""
    if isinstance(tree, dict):
        # an OAuth 2.0 token answer (RFC 6749 5.1; tweepy's token.json): its `access_token` is an
        # OAuth 2.0 user token, not the OAuth 1.0a one (FACTS.md section 5 "Real-world files")
        tt = tree.get("token_type")
        oauth2 = (isinstance(tt, _Leaf) and tt.value.lower() == "bearer") or (
            "access_token" in tree and ("refresh_token" in tree or "expires_in" in tree)
        )
        for k, v in tree.items():
            sub = f"{shown}.{k}" if shown else k
            if oauth2 and k in ("access_token", "refresh_token") and isinstance(v, _Leaf):
                hint = Kind.OAUTH2_ACCESS_TOKEN if k == "access_token" else Kind.OAUTH2_REFRESH_TOKEN
                yield Candidate(sub, v.value, v.line, parts=parts + (k,), hint=hint)
                continue
            yield from _walk_generic(v, parts + (k,), sub)
    elif isinstance(tree, list):
        for i, item in enumerate(tree):
            if isinstance(item, _Leaf):
                m = _KV_ITEM.match(item.value)
                if m:  # compose `environment: [- KEY=value]`
                    name = m.group(1)
                    yield Candidate(
                        f"{shown}.{name}" if shown else name,
                        _unquote(m.group(2).strip())[0],
                        item.line,
                        parts=parts + (name,),
                    )
                    continue
            # a list of plain values is one setting; a list of mappings gets indexes
            yield from _walk_generic(item, parts, shown if isinstance(item, _Leaf) else f"{shown}[{i}]")
    elif isinstance(tree, _Leaf):
        if parts:
            yield Candidate(shown, tree.value, tree.line, parts=parts)
        if not parts or any(ch.isspace() for ch in tree.value.strip()):
            # a bare list item, or prose ("notes: my key is ..."): look for credential-shaped tokens
            first = tree.line + (1 if tree.block else 0)
            for tm in _TOKEN.finditer(tree.value):
                line = first + tree.value.count("\n", 0, tm.start())
                yield Candidate(None, tm.group(0).rstrip(".,;:)"), line, col=tm.start())


def _leaf(tree: _Tree, *path: str) -> _Leaf | None:
    for p in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(p)
    return tree if isinstance(tree, _Leaf) else None


# twurl: profiles: {username: {consumer_key: {username, consumer_key, consumer_secret, token,
# secret}}}, configuration: {default_profile: [username, consumer_key]}, bearer_tokens: {ck: bearer}
# (FACTS.md section 5)
_TWURL_KEYS = {
    "consumer_key": Kind.CONSUMER_KEY,
    "consumer_secret": Kind.CONSUMER_SECRET,
    "token": Kind.ACCESS_TOKEN,
    "secret": Kind.ACCESS_TOKEN_SECRET,
}


def _is_twurlrc(tree: _Tree) -> bool:
    return (
        isinstance(tree, dict)
        and isinstance(tree.get("profiles"), dict)
        and (
            "configuration" in tree
            or "bearer_tokens" in tree
            or any(
                isinstance(v, dict)
                and any(isinstance(a, dict) and ("consumer_key" in a or "token" in a) for a in v.values())
                for v in tree["profiles"].values()
            )
        )
    )


def _walk_twurlrc(tree: dict[str, Any]) -> tuple[list[Candidate], str | None]:
    out: list[Candidate] = []
    ck_profile: dict[str, str] = {}
    profiles = tree.get("profiles") or {}
    for user, apps in profiles.items():
        if not isinstance(apps, dict):
            continue
        many = len(apps) > 1
        for ck, entry in apps.items():
            prof = f"{user} ({ck[:6]})" if many else user
            ck_profile[ck] = prof
            if not isinstance(entry, dict):
                continue
            for key, sub in entry.items():
                if not isinstance(sub, _Leaf):
                    continue
                kind = _TWURL_KEYS.get(key)
                out.append(
                    Candidate(
                        key,
                        sub.value,
                        sub.line,
                        prof,
                        parts=(key,),
                        hint=kind,
                        structural=kind is None and key == "username",
                    )
                )
    default = None
    dp = tree.get("configuration", {}).get("default_profile") if isinstance(tree.get("configuration"), dict) else None
    if isinstance(dp, list) and len(dp) >= 2 and all(isinstance(x, _Leaf) for x in dp[:2]):
        default = ck_profile.get(dp[1].value) or (dp[0].value if dp[0].value in profiles else None)
    bearers = tree.get("bearer_tokens")
    if isinstance(bearers, dict):
        for ck, tok in bearers.items():
            if isinstance(tok, _Leaf):
                out.append(
                    Candidate(
                        "bearer_tokens",
                        tok.value,
                        tok.line,
                        ck_profile.get(ck),
                        parts=("bearer_tokens",),
                        hint=Kind.BEARER_TOKEN,
                    )
                )
    for key, sub in tree.items():
        if key not in ("profiles", "configuration", "bearer_tokens"):
            out.extend(_walk_generic(sub, (key,), key))
    return out, default


# xurl >= 1.0 `~/.xurl/auth.yml`: apps: {name: {client_id, client_secret, redirect_uri,
# default_user, oauth2_tokens: {user: {type, oauth2: {access_token, refresh_token,
# expiration_time}}}, oauth1_token: {type, oauth1: {access_token, token_secret, consumer_key,
# consumer_secret}}, bearer_token: {type, bearer}}}, default_app. Before 1.0 `~/.xurl` was one JSON
# file with oauth2_tokens / oauth1_tokens / bearer_token at the top (FACTS.md section 5).
_XURL_APP_KEYS = {"client_id": Kind.CLIENT_ID, "client_secret": Kind.CLIENT_SECRET}
_XURL_O1 = {
    "access_token": Kind.ACCESS_TOKEN,
    "token_secret": Kind.ACCESS_TOKEN_SECRET,
    "consumer_key": Kind.CONSUMER_KEY,
    "consumer_secret": Kind.CONSUMER_SECRET,
}
_XURL_O2 = {"access_token": Kind.OAUTH2_ACCESS_TOKEN, "refresh_token": Kind.OAUTH2_REFRESH_TOKEN}
_XURL_STRUCTURAL = {"type", "expiration_time", "default_user", "redirect_uri", "file_path"}


def _is_xurl(tree: _Tree) -> bool:
    if not isinstance(tree, dict):
        return False
    if isinstance(tree.get("apps"), dict) and (
        "default_app" in tree
        or any(
            isinstance(a, dict) and ({"oauth2_tokens", "oauth1_token", "bearer_token", "client_id"} & set(a))
            for a in tree["apps"].values()
        )
    ):
        return True
    return bool({"oauth2_tokens", "oauth1_tokens"} & set(tree)) and all(
        k in ("oauth2_tokens", "oauth1_tokens", "bearer_token", "file_path") for k in tree
    )


def _walk_xurl_app(app: dict[str, Any], prof: str | None) -> Iterator[Candidate]:
    for key, sub in app.items():
        if key in _XURL_APP_KEYS and isinstance(sub, _Leaf):
            yield Candidate(key, sub.value, sub.line, prof, parts=(key,), hint=_XURL_APP_KEYS[key])
        elif key == "oauth2_tokens" and isinstance(sub, dict):
            for user, tok in sub.items():
                for k2, leaf in ((tok.get("oauth2") or {}) if isinstance(tok, dict) else {}).items():
                    if isinstance(leaf, _Leaf):
                        yield Candidate(
                            f"oauth2_tokens.{user}.{k2}",
                            leaf.value,
                            leaf.line,
                            prof,
                            parts=(k2,),
                            hint=_XURL_O2.get(k2),
                            structural=k2 not in _XURL_O2,
                        )
        elif key in ("oauth1_token", "oauth1_tokens") and isinstance(sub, dict):
            for k2, leaf in ((sub.get("oauth1") or {}) if isinstance(sub.get("oauth1"), dict) else {}).items():
                if isinstance(leaf, _Leaf):
                    yield Candidate(
                        f"{key}.{k2}",
                        leaf.value,
                        leaf.line,
                        prof,
                        parts=(k2,),
                        hint=_XURL_O1.get(k2),
                        structural=k2 not in _XURL_O1,
                    )
        elif key == "bearer_token" and isinstance(sub, dict):
            leaf = sub.get("bearer")
            if isinstance(leaf, _Leaf):
                yield Candidate(
                    "bearer_token", leaf.value, leaf.line, prof, parts=("bearer_token",), hint=Kind.BEARER_TOKEN
                )
        elif isinstance(sub, _Leaf):
            yield Candidate(key, sub.value, sub.line, prof, parts=(key,), structural=key in _XURL_STRUCTURAL)


def _walk_xurl(tree: dict[str, Any]) -> tuple[list[Candidate], str | None]:
    apps = tree.get("apps")
    if not isinstance(apps, dict):
        return list(_walk_xurl_app(tree, None)), None
    out: list[Candidate] = []
    for name, app in apps.items():
        if isinstance(app, dict):
            out.extend(_walk_xurl_app(app, name))
    d = tree.get("default_app")
    default = d.value if isinstance(d, _Leaf) and d.value in apps else None
    return out, default


# --------------------------------------------------------------------------------------------
# line-based extraction (dotenv, INI, twarc, properties, HOCON, code, portal text, free text)

_COMMENT = re.compile(r"^\s*(?:#+|//+|;+|REM\s|::|<!--|/\*+|--(?=\s))\s?")
_BLOCK_OPEN = {"/*": "*/", "<!--": "-->"}
_SECTION = re.compile(r"^\s*\[\s*([^\[\]=]+?)\s*\]\s*$")
_DOCKER_ENV = re.compile(r"^\s*(?:ENV|ARG)\s+([A-Za-z_]\w*)\s+(?!=)(\S.*?)\s*$")
_PHP_DEFINE = re.compile(r"""define\(\s*(["'])(?P<name>[^"']+)\1\s*,\s*(?P<value>"[^"]*"|'[^']*')""")
_LABEL_VALUE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 .()/\-]{1,40}?)\s*[:=]\s*(?P<value>\S+)\s*$")
_ASSIGN = re.compile(
    r"""
    (?:(?P<q>["'`])(?P<qname>[^"'`\n]{1,120})(?P=q)       # "quoted name"
     | (?<![\w.$@\-])(?P<name>[A-Za-z_$@][\w.\-$@]*(?:\[["']?[\w.\-]+["']?\])*)  # bare name, subscripts
    )
    (?:\s*:\s*[A-Za-z_][\w.]*(?:\[[\w., |]*\])?(?=\s*=[^=>]))?   # a type annotation `name: str = `
    \s*(?P<op>=>|:=|\?=|=(?![=>])|:(?![:/]))[ \t]*
    (?P<value>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`|\$\{[^}\n]*\}+|<%.*?%>|[^\s,;&(){}"'\]]*)
    """,
    re.X,
)
_DOCKER_OTHER = re.compile(
    r"^(?:FROM|RUN|CMD|WORKDIR|COPY|ADD|EXPOSE|ENTRYPOINT|LABEL|USER|VOLUME|HEALTHCHECK|SHELL|ONBUILD)\s"
)
_CODE = re.compile(
    r"(?m)^\s*(?:import\s|from\s+\S+\s+import\s|def\s|class\s|const\s|let\s|var\s|module\.exports|<\?php"
    r"|package\s|using\s|require\(|function\s|return\s|public\s|private\s|func\s)"
)
_PS_ENV = re.compile(r"\$env:(?=[A-Za-z_])", re.I)
_FLAG = re.compile(r"""(?<!\S)--?(?P<name>[A-Za-z][\w-]*[A-Za-z])[ =](?P<value>"[^"\n]*"|'[^'\n]*'|[^\s"'-]\S*)""")
_TOKEN = re.compile(r"[A-Za-z0-9%_\-+/=.]{16,}")  # dots too: a JWT or a domain stays one token
_SHELL_PREFIX = re.compile(r"^\s*(?:export|set|setx|declare(?:\s+-x)?|local|readonly|ENV|ARG|-)\s+")
_TWARC_KEYS = frozenset({"consumer_key", "consumer_secret", "access_token", "access_token_secret", "bearer_token"})


def _unquote(v: str) -> tuple[str, bool]:
    """Remove one pair of syntax quotes (they are the file's syntax, not a paste mistake)."""
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'`":
        inner = v[1:-1]
        if v[0] == '"':
            inner = inner.replace('\\"', '"')
        elif v[0] == "'":
            inner = inner.replace("\\'", "'")
        return inner, True
    return v, False


@dataclass
class _LineScan:
    cands: list[Candidate] = dc_field(default_factory=list)
    styles: dict[str, int] = dc_field(default_factory=dict)
    sections: list[str] = dc_field(default_factory=list)

    def add(self, cand: Candidate, style: str) -> None:
        self.cands.append(cand)
        self.styles[style] = self.styles.get(style, 0) + 1


class _Spans:
    """Parts of a line already taken by a value (sorted, disjoint), searched by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def covers(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _label_kind(label: str) -> Kind | None:
    """A portal label -> kind; `Consumer Key (API Key)` counts as `Consumer Key`."""
    return parse_field(label) or parse_field(re.sub(r"\s*\([^)]*\)", "", label))


def _is_label_line(s: str) -> Kind | None:
    s = s.strip().rstrip(":").strip()
    if not s or len(s) > 40 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9 .()\-]*", s):
        return None
    if " " not in s and not s[0].isupper():
        return None
    return _label_kind(s)


def _style_of(body: str, m: re.Match[str], shell: bool) -> str:
    op = m.group("op")
    before = bool(body[: m.start()].strip()) if m.start() < 64 else True  # (bounded: long lines)
    if shell and op == "=" and not before:
        return "dotenv"
    if before:
        return "code"
    if m.group("qname") is not None:
        return "code" if op != ":" else "json-ish"
    if op == "=":
        gap = body[m.end("name") : m.start("op")] if m.group("name") else ""
        after = body[m.end("op") : m.start("value")]
        if gap or after:
            return "ini"
        return "dotenv"
    if op == ":":
        return "yaml"
    return "code"


def _scan_lines(text: str, only_comments: bool = False) -> _LineScan:
    out = _LineScan()
    section: str | None = None
    pending: tuple[str, Kind, int] | None = None  # a portal label waiting for its value line
    block_end: str | None = None  # inside a /* ... */ or <!-- ... --> block: its closer
    for lineno, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.strip()
        if not line:
            continue
        commented = False
        cm = _COMMENT.match(line)
        if block_end is not None:
            commented = True
            if block_end in line:
                line, block_end = line[: line.index(block_end)].strip(), None
            line = re.sub(r"^\*+\s?", "", line)  # the ` * ` margin of a doc comment
        elif cm and not line.startswith("---"):
            commented = True
            opener = cm.group(0).strip()
            line = line[cm.end() :].strip()
            closer = _BLOCK_OPEN.get("/*" if opener.startswith("/*") else opener)
            if closer is not None:
                if closer in line:
                    line = line[: line.index(closer)].strip()  # exact: a value may end in - or /
                else:
                    block_end = closer
        elif only_comments:
            continue
        if not line:
            continue
        sm = _SECTION.match(line)
        if sm and not commented:
            section = sm.group(1)
            out.sections.append(section)
            pending = None
            continue
        # portal text: a label on its own line, the value on one of the next lines
        lk = _is_label_line(line)
        if lk is not None:
            pending = (line.strip().rstrip(":").strip(), lk, lineno)
            continue
        if pending is not None and lineno - pending[2] <= 3:
            if re.fullmatch(r"[A-Za-z]{1,12}", line):
                continue  # a button between the label and its value: Copy, Regenerate, Show
            if " " not in line and len(line) >= 8:
                out.add(Candidate(pending[0], line, lineno, section, commented, (pending[0],), pending[1]), "portal")
                pending = None
                continue
        else:
            pending = None
        lv = _LABEL_VALUE.match(line)
        if lv and " " in lv.group("label").strip() and _label_kind(lv.group("label").strip()) is not None:
            lab = lv.group("label").strip()
            out.add(
                Candidate(
                    lab,
                    _unquote(lv.group("value"))[0],
                    lineno,
                    section,
                    commented,
                    (lab,),
                    _label_kind(lab),
                    col=lv.start("value"),
                ),
                "portal",
            )
            continue
        used = _Spans()
        shell = False
        body = line
        dm = _DOCKER_ENV.match(body)
        if dm:
            val = _unquote(dm.group(2))[0]
            out.add(Candidate(dm.group(1), val, lineno, section, commented, (dm.group(1),)), "dotenv")
            continue
        body = _PS_ENV.sub("", body)  # PowerShell `$env:NAME = "..."`
        sp = _SHELL_PREFIX.match(body)
        if sp:
            body = body[sp.end() :]
            shell = True
        for fm in _FLAG.finditer(body):  # `twurl authorize --consumer-key KEY`
            if _name_info((fm.group("name"),))[1] == "x":
                val = _unquote(fm.group("value"))[0]
                out.add(
                    Candidate(
                        fm.group("name"), val, lineno, section, commented, (fm.group("name"),), col=fm.start("value")
                    ),
                    "code",
                )
                used.add(fm.start(), fm.end())
        for pm in _PHP_DEFINE.finditer(body):
            name = pm.group("name")
            out.add(
                Candidate(
                    name, _unquote(pm.group("value"))[0], lineno, section, commented, (name,), col=pm.start("value")
                ),
                "code",
            )
            used.add(*pm.span())
        for m in [] if _DOCKER_OTHER.match(body) else _ASSIGN.finditer(body):
            if used.covers(m.start()):
                continue
            name = m.group("qname") if m.group("qname") is not None else m.group("name")
            rawv, op = m.group("value"), m.group("op")
            if op == ":" and not rawv and m.group("qname") is None:
                continue  # `key:` opening a block, or prose
            if op == ":" and m.group("name") and body[m.start("name") - 1 : m.start("name")] == "/":
                continue
            val, quoted = _unquote(rawv)
            style = _style_of(body, m, shell)
            end = m.end()
            follows = body[m.end("value") : m.end("value") + 1]
            if not quoted and follows == "{":
                continue  # a block or a literal opens (HOCON `twitter {`, Go `Config{`)
            if not quoted and (follows == "(" or rawv.endswith("[")):
                # an expression: `os.getenv("X")`, `os.environ["X"]` is a reference (a placeholder);
                # anything else (`tweepy.Client(`) is code: look inside it instead
                close = body.find(")" if follows == "(" else "]", m.end("value"))
                expr = body[m.start("value") : close + 1 if close >= 0 else len(body)]
                if not _REFERENCE.search(expr):
                    continue
                val, end = expr, m.start("value") + len(expr)
            elif not quoted and rawv.lower() in ("bearer", "oauth", "basic"):
                continue  # an Authorization header: the token that follows is found as free text
            elif not quoted and op == "=" and (shell or style == "dotenv"):
                # dotenv: an unquoted value runs to the end of the line, minus an inline comment
                # or a next `NAME=` (Dockerfile `ENV A=1 B=2`)
                rest = re.split(r"\s+#", body[m.start("value") :], maxsplit=1)[0]
                rest = re.split(r"\s+(?=[A-Za-z_]\w*=)", rest, maxsplit=1)[0].rstrip()
                val, end = rest, m.start("value") + len(rest)
            parts = tuple(p for p in re.split(r"[\[\]\"']+", name) if p)
            out.add(Candidate(name, val, lineno, section, commented, parts or (name,), col=m.start("value")), style)
            used.add(m.start(), end)
        # whatever is left: credential-shaped tokens in free text (python-twitter-tools' two bare
        # lines, a curl command, a chat message)
        for tm in _TOKEN.finditer(body):
            if used.covers(tm.start()):
                continue
            tok = tm.group(0).rstrip(".,;:)")
            out.add(Candidate(None, tok, lineno, section, commented, (), col=tm.start()), "free")
    return out


def _line_format(ls: _LineScan, text: str) -> str:
    st = ls.styles
    named = [c for c in ls.cands if c.name is not None]
    if st.get("portal", 0) and st.get("portal", 0) >= len(named) / 2:
        return "portal-text"
    twarc_names = [c for c in named if c.name in _TWARC_KEYS]
    if twarc_names and len(twarc_names) == len(named) and (st.get("ini", 0) >= len(named) / 2 or ls.sections):
        return "twarc"
    if ls.sections and (st.get("ini", 0) + st.get("dotenv", 0)) >= len(named) / 2 and named:
        return "ini"
    if _CODE.search(text):
        return "text"  # Python / JS / PHP / Go ... settings
    counts = {k: st.get(k, 0) for k in ("dotenv", "ini", "yaml")}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] and counts[best] >= st.get("code", 0) + st.get("json-ish", 0):
        return best
    return "text"


# --------------------------------------------------------------------------------------------
# format detection


def _try_json(text: str) -> Any:
    s = text.strip()
    if not s or s[0] not in "{[":
        return None
    try:
        return json.loads(s)
    except (ValueError, RecursionError):
        pass
    # JSON with comments and trailing commas (.NET appsettings.json): blank them, keep the lines
    cleaned = re.sub(r"(?m)^\s*//.*$", "", s)
    cleaned = re.sub(r",(\s*[}\]])", r"\1", cleaned)
    try:
        return json.loads(cleaned)
    except (ValueError, RecursionError):
        return None


_YAML_SHAPED = re.compile(r"^[ \t]*(?:- |[^\s:#][^:\n]{0,200}:(?:[ \t]|$))", re.M)
#: libyaml when present (10x faster on a big paste), the pure-Python loader otherwise
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _try_yaml(text: str) -> _Tree:
    if not _YAML_SHAPED.search(text):
        return None  # no `key:` and no `- item` line: not YAML, skip the parser
    try:
        docs = list(yaml.compose_all(text, Loader=_YAML_LOADER))
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    docs = [d for d in docs if d is not None]
    if len(docs) != 1 or not isinstance(docs[0], (yaml.MappingNode, yaml.SequenceNode)):
        return None
    return _yaml_tree(docs[0])


def _nested(tree: _Tree) -> bool:
    if isinstance(tree, dict):
        return any(isinstance(v, (dict, list)) for v in tree.values())
    return isinstance(tree, list)


def _filename_format(filename: str | None) -> str | None:
    if not filename:
        return None
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    path = filename.replace("\\", "/").lower()
    if base == ".twurlrc":
        return "twurlrc"
    if base == ".twarc" or path.endswith("twarc/config"):
        return "twarc"
    if base == "auth.yml" and "xurl" in path or base == ".xurl":
        return "xurl"
    if base.startswith(".env") or base.endswith(".env"):
        return "dotenv"
    if base.endswith(".json"):
        return "json"
    if base.endswith((".yml", ".yaml")):
        return "yaml"
    if base.endswith((".ini", ".cfg", ".properties", ".conf", ".toml")):
        return "ini"
    return None


def extract(text: str, filename: str | None = None) -> tuple[str, list[Candidate], str | None]:
    """(format, candidates in line order, default profile) - the parsing layer, no classification."""
    fmt, cands, default = _extract(text, filename)
    cands.sort(key=lambda c: (c.line, c.col))  # stable: walkers already list a line's values in order
    return fmt, cands, default


def _extract_structured(text: str) -> tuple[str, list[Candidate], str | None] | None:
    """JSON and nested YAML, walked as trees (None: the text is neither)."""
    obj = _try_json(text)
    if obj is not None and isinstance(obj, (dict, list)):
        tree = _json_tree(obj, _Locator(text))
        comments = _scan_lines(text, only_comments=True).cands
        if _is_xurl(tree):
            cands, default = _walk_xurl(tree)  # type: ignore[arg-type]
            return "xurl", cands + comments, default
        return "json", list(_walk_generic(tree, ())) + comments, None
    tree = _try_yaml(text)
    if tree is not None:
        comments = _scan_lines(text, only_comments=True).cands
        if _is_twurlrc(tree):
            cands, default = _walk_twurlrc(tree)  # type: ignore[arg-type]
            return "twurlrc", cands + comments, default
        if _is_xurl(tree):
            cands, default = _walk_xurl(tree)  # type: ignore[arg-type]
            return "xurl", cands + comments, default
        if _nested(tree):
            return "yaml", list(_walk_generic(tree, ())) + comments, None
    return None


def _extract(text: str, filename: str | None) -> tuple[str, list[Candidate], str | None]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        structured = _extract_structured(text)
    except RecursionError:  # absurdly deep nesting: read it line by line instead
        structured = None
    if structured is not None:
        return structured
    ls = _scan_lines(text)
    fmt = _line_format(ls, text)
    hinted = _filename_format(filename)
    if hinted in ("twarc", "ini", "dotenv", "yaml") and fmt in ("dotenv", "ini", "yaml", "twarc", "text"):
        fmt = hinted if not (hinted == "ini" and fmt == "twarc") else fmt
    cands = ls.cands
    if fmt not in ("ini", "twarc"):
        # `[x]` lines are INI sections (profiles) only in an INI file, not footnotes in free text
        cands = [replace(c, profile=None) for c in cands]
    if fmt == "twarc":
        cands = [replace(c, hint=parse_field(c.name) if c.name else None) for c in cands]
    default = "main" if fmt == "twarc" and "main" in ls.sections else None
    return fmt, cands, default


# --------------------------------------------------------------------------------------------
# classification


@dataclass
class Finding:
    kind: Kind
    field: str | None
    line: int
    confidence: str
    fingerprint: str
    hygiene: list[str]
    matches_field: bool | None
    message: str
    profile: str | None = None
    commented: bool = False
    #: the kind the name suggested (None: no name, or a name that says nothing)
    named_kind: Kind | None = None
    _value: str = dc_field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "field": self.field,
            "line": self.line,
            "confidence": self.confidence,
            "fingerprint": self.fingerprint,
            "hygiene": list(self.hygiene),
            "matches_field": self.matches_field,
            "message": self.message,
            "profile": self.profile,
            "commented": self.commented,
        }


@dataclass
class ScanResult:
    format: str
    findings: list[Finding] = dc_field(default_factory=list)
    placeholders: list[str] = dc_field(default_factory=list)
    ignored: list[str] = dc_field(default_factory=list)
    default_profile: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "findings": [f.to_dict() for f in self.findings],
            "placeholders": list(self.placeholders),
            "ignored": list(self.ignored),
        }

    @property
    def mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.matches_field is False]

    @property
    def found_x(self) -> bool:
        """At least one X credential (an xAI key alone is not one)."""
        return any(f.kind in FIELDS for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0: X credentials found, all match their names; 1: none found, or a mismatch."""
        return 0 if self.found_x and not self.mismatches else 1

    def profiles(self) -> list[str]:
        """Profile names in the file, the file's default first."""
        seen: list[str] = []
        for f in self.findings:
            if f.profile is not None and f.profile not in seen:
                seen.append(f.profile)
        if self.default_profile in seen:
            seen.remove(self.default_profile)
            seen.insert(0, self.default_profile)
        return seen

    def values(self, profile: str | None = None) -> dict[Kind, str]:
        """The best value per kind, for filling fields: the given profile (default: the file's
        default profile, else the first one) plus values outside any profile."""
        profs = self.profiles()
        chosen = profile if profile is not None else (profs[0] if profs else None)
        best: dict[Kind, tuple[tuple[int, ...], str]] = {}
        for i, f in enumerate(self.findings):
            if f.kind not in FIELDS or f.profile not in (None, chosen):
                continue
            rank = (
                0 if f.commented else 1,
                {True: 2, None: 1, False: 0}[f.matches_field],
                _CONFIDENCE_RANK.get(f.confidence, 0),
                1 if f.profile == chosen else 0,
                -i,
            )
            if f.kind not in best or rank > best[f.kind][0]:
                best[f.kind] = (rank, f._value)
        return {k: best[k][1] for k in FIELDS if k in best}

    def __repr__(self) -> str:
        return (
            f"ScanResult(format={self.format!r}, findings={len(self.findings)}, "
            f"placeholders={self.placeholders!r}, ignored={self.ignored!r})"
        )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _credible(cls: Any, value: str) -> bool:
    """A value with no telling name counts only when its shape is convincing."""
    if cls.kind in (Kind.UNKNOWN,):
        return False
    if cls.confidence == "high":
        return True
    mixed = any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value)
    return cls.confidence == "medium" and mixed


def scan(text: str, filename: str | None = None) -> ScanResult:
    """Find every X credential in `text` (a whole file or paste). See the module docstring."""
    from xkeys.core.shapes import classify  # A's module; imported here so extraction stands alone

    fmt, cands, default = extract(text, filename)
    default = _safe_name(default)
    result = ScanResult(fmt, default_profile=default)
    placeholders: list[str] = []
    ignored: list[str] = []
    seen: set[tuple[str | None, int, str, str | None]] = set()
    for c in cands:
        if c.structural:
            continue
        # every name shown (field, profile, lists, messages) is a name, never a pasted value
        c = replace(c, name=_safe_name(c.name), profile=_safe_name(c.profile))
        hint: Kind | None
        if c.hint is not None:
            hint, verdict = c.hint, "x"
        elif c.name is not None:
            hint, verdict = _name_info(c.parts or (c.name,))
        else:
            hint, verdict = None, "free"
        if verdict == "other":
            ignored.append(c.name or "")
            continue
        if c.name is not None and is_placeholder(c.raw, c.name):
            _stand_in(c, verdict, placeholders, ignored)
            continue
        if not c.raw.strip():
            continue
        cls = classify(c.raw, field=hint)
        value = cls.value
        if cls.kind is Kind.UNKNOWN and cls.details.get("placeholder") and c.name is not None:
            _stand_in(c, verdict, placeholders, ignored)  # shapes knows a placeholder form this does not
            continue
        looks_like = str(cls.details.get("looks_like") or "")
        if cls.kind is Kind.UNKNOWN and looks_like and "web address" not in looks_like:
            # another service's credential (a GitHub token, a JWT...) whatever its name says
            if c.name is not None:
                ignored.append(c.name)
            continue
        if c.name is None and (not _credible(cls, value) or is_placeholder(value)):
            continue
        if verdict in ("setting", "neutral") and not _credible(cls, value):
            if _secretish_name(c.parts or (c.name or "",), verdict) or _secretish_value(value):
                ignored.append(c.name or "")  # a secret of something else; plain settings stay unlisted
            continue
        if verdict == "x" and cls.kind is Kind.UNKNOWN and len(value) < 16:
            placeholders.append(c.name or "")  # `API_KEY=abc`, `token: 1` - no credential there
            continue
        fp = redact.fingerprint(value)
        key = (c.profile, c.line, fp, c.name)
        if key in seen or (c.name is None and (c.profile, c.line, fp, "*") in seen):
            continue  # the same value again (free text inside a named value counts once)
        seen.update({key, (c.profile, c.line, fp, "*")})
        result.findings.append(_finding(c, cls, hint, value))
    # a name can itself be a value (a YAML key that is a consumer key): scrub every name shown
    red = redact.Redactor(
        _values_inside(
            [f._value for f in result.findings],
            [
                n
                for n in (
                    *placeholders,
                    *ignored,
                    *(f.field for f in result.findings),
                    *(f.profile for f in result.findings),
                    default,
                )
                if n
            ],
        )
    )
    for f in result.findings:
        f.field = red.scrub(f.field) if f.field is not None else None
        f.profile = red.scrub(f.profile) if f.profile is not None else None
        f.message = red.scrub(f.message)
    result.placeholders = _dedupe([red.scrub(n) for n in placeholders])
    result.ignored = _dedupe([red.scrub(n) for n in ignored if n])
    if result.default_profile is not None:
        result.default_profile = red.scrub(result.default_profile)
    return result


def _stand_in(c: Candidate, verdict: str, placeholders: list[str], ignored: list[str]) -> None:
    """A named value that holds no credential: an X name goes to `placeholders`, another
    secret's name to `ignored`, a plain setting nowhere."""
    if verdict == "x":
        placeholders.append(c.name or "")
    elif _secretish_name(c.parts or (c.name or "",), verdict):
        ignored.append(c.name or "")


_CRED_RUN = re.compile(r"[A-Za-z0-9%_\-+/=]{12,}")
_PIECE_SPLIT = re.compile(r"[%_\-+/=]+")
_WORD_CHUNK = re.compile(r"[a-z]+[0-9]{0,3}|[0-9]{1,4}")


def _name_like(run: str) -> bool:
    """A 12+ character run of a name is made of words (`TWITTER_CONSUMER_KEY`, `ConsumerAPIKey`,
    `oauth2_tokens`); a pasted value is not (`u8jzPde0IgxLd6G...`): digits inside letters, short
    case-flipping chunks."""
    for piece in _PIECE_SPLIT.split(run):
        if not piece:
            continue
        chunks = _words(piece)  # camelCase split, lower-cased
        if not all(_WORD_CHUNK.fullmatch(ch) and len(ch) <= 20 for ch in chunks):
            return False
        if (
            not (piece.isupper() or piece.islower())
            and len(piece) >= 8
            and (
                len(piece) / len(chunks) < 3.5
                or len(re.findall(r"[0-9]+", piece)) > 1
                or (len(piece) >= 16 and sum(len(ch) <= 2 for ch in chunks) > 1)
            )
        ):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _safe_name_run(name: str) -> str:
    return _CRED_RUN.sub(lambda m: m.group(0) if _name_like(m.group(0)) else "[redacted]", name)


def _safe_name(name: str | None) -> str | None:
    """A name as shown: any part of it that looks like a credential (a YAML key that is a whole
    pasted line, a key glued to the next name) is replaced by `[redacted]`."""
    return None if name is None else _safe_name_run(name)


_SECRETISH_WORDS = (
    frozenset(
        {
            "password",
            "passwd",
            "pwd",
            "pass",
            "token",
            "tokens",
            "key",
            "keys",
            "apikey",
            "credential",
            "credentials",
            "auth",
            "private",
            "signing",
        }
    )
    | _SECRET_WORDS
)


def _secretish_name(parts: tuple[str, ...], verdict: str) -> bool:
    """`ignored` lists other secrets by name, not every setting of the file (ports, log levels)."""
    return verdict != "setting" and bool(set(_words(parts[-1])) & _SECRETISH_WORDS)


def _secretish_value(v: str) -> bool:
    return (
        len(v) >= 16
        and not any(ch.isspace() for ch in v)
        and "://" not in v
        and any(ch.isdigit() for ch in v)
        and any(ch.isupper() for ch in v)
        and any(ch.islower() for ch in v)
    )


def _finding(c: Candidate, cls: Any, hint: Kind | None, value: str) -> Finding:
    matches: bool | None = cls.matches_field if hint is not None else None
    kind: Kind = cls.kind
    if hint is not None and kind is Kind.UNKNOWN:
        matches = False
    name = c.name
    # shapes' sentence, minus a pointer to `details` that scan does not output
    said = (cls.message or "").replace(" (see details)", "")
    if name is None:
        msg = said or f"This looks like {_article(label(kind))} {label(kind)}."
    elif kind is Kind.UNKNOWN:
        msg = f"Named as {name}, but this does not look like any X credential: {said}".strip()
    elif hint is None or matches is False:
        # FACTS.md section 5: name and shape disagreeing is a warning, never a reason to drop it
        msg = f"This looks like {_article(label(kind))} {label(kind)}, named as {name}."
        if matches is False and said:
            if said.startswith("This looks like"):
                said = said.split(": ", 1)[1] if ": " in said else ""
                said = said[:1].upper() + said[1:]
            msg = f"{msg} {said}".strip()
    else:
        msg = said or f"This is {_article(label(kind))} {label(kind)}."
    if c.commented:
        msg = "Commented out, but still a leaked value: " + msg[:1].lower() + msg[1:]
    return Finding(
        kind=kind,
        field=name,
        line=c.line,
        confidence=cls.confidence,
        fingerprint=redact.fingerprint(value),
        hygiene=list(cls.hygiene),
        matches_field=matches,
        message=msg,
        profile=c.profile,
        commented=c.commented,
        named_kind=hint,
        _value=value,
    )


def _values_inside(values: list[str], names: list[str]) -> list[str]:
    """The values that share a 12-character run with one of the names (usually none): only those
    need a Redactor, which is costly to build for thousands of values."""
    n = redact.MIN_RUN
    windows = {name[i : i + n] for name in names for i in range(len(name) - n + 1)}
    if not windows:
        return []
    return [v for v in values if any(v[i : i + n] in windows for i in range(len(v) - n + 1))]


def _dedupe(items: list[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out
