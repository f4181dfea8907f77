"""xkeys.core.http: the shared client, retries and transport failures named as diagnoses.

Network faults are real sockets on 127.0.0.1 (a closed port, a listener that never answers, a
listener that resets); HTTP answers come from the sandbox (tests/test_probes_*.py).
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import httpx
import pytest

from xkeys.core import http


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Listener:
    """A TCP listener on 127.0.0.1 that accepts and then hangs or resets (no HTTP at all)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            if self.mode == "reset":
                conn.recv(65536)
                # SO_LINGER 0: close() sends RST instead of FIN
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            else:
                self._conns.append(conn)  # hold it open, never answer

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for c in self._conns:
            c.close()
        self.sock.close()


@pytest.fixture
def hang() -> Iterator[_Listener]:
    lst = _Listener("hang")
    yield lst
    lst.close()


@pytest.fixture
def reset() -> Iterator[_Listener]:
    lst = _Listener("reset")
    yield lst
    lst.close()


def test_api_base_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XKEYS_API_BASE", raising=False)
    assert http.resolve_api_base() == "https://api.x.com"
    assert http.resolve_api_base(environ={"XKEYS_API_BASE": "http://127.0.0.1:5000/"}) == "http://127.0.0.1:5000"
    assert (
        http.resolve_api_base("https://api.twitter.com", environ={"XKEYS_API_BASE": "http://x"})
        == "https://api.twitter.com"
    )
    for bad in ("api.x.com", "ftp://api.x.com", "http://", "https://api.x.com/?a=1"):
        with pytest.raises(http.ApiBaseError):
            http.resolve_api_base(bad)
    with pytest.raises(http.ApiBaseError, match="XKEYS_API_BASE"):
        http.resolve_api_base(environ={"XKEYS_API_BASE": "nonsense"})


async def test_client_has_timeouts_on_every_phase_and_a_user_agent() -> None:
    async with http.create_client("http://127.0.0.1:1", 3.5) as client:
        t = client.timeout
        assert (t.connect, t.read, t.write, t.pool) == (3.5, 3.5, 3.5, 3.5)
        assert client.headers["user-agent"].startswith("xkeys/")
        assert str(client.base_url) == "http://127.0.0.1:1"
    with pytest.raises(ValueError):
        http.make_timeout(0)


async def test_closed_port_is_network_unreachable_without_retry() -> None:
    async with http.create_client(f"http://127.0.0.1:{_closed_port()}", 2) as client:
        with pytest.raises(http.TransportFailure) as err:
            await http.send(client, "GET", "/2/users/me")
    assert err.value.diagnosis == "network-unreachable"
    assert err.value.kind == "refused"
    assert "127.0.0.1" in str(err.value)


async def test_unresolvable_host_is_network_unreachable() -> None:
    async with http.create_client("http://no-such-host.invalid", 3) as client:
        with pytest.raises(http.TransportFailure) as err:
            await http.send(client, "GET", "/2/users/me")
    assert err.value.diagnosis == "network-unreachable"
    assert err.value.kind in ("dns", "connect-timeout", "unreachable")


async def test_silent_server_times_out_as_x_server_error(hang: _Listener) -> None:
    async with http.create_client(f"http://127.0.0.1:{hang.port}", 0.3) as client:
        with pytest.raises(http.TransportFailure) as err:
            await http.send(client, "GET", "/2/users/me")
    assert err.value.diagnosis == "x-server-error"
    assert err.value.kind == "read-timeout"
    assert hang.accepted == 1  # a timeout is not retried (it would double the wait)


async def test_reset_is_retried_once_then_named(reset: _Listener) -> None:
    async with http.create_client(f"http://127.0.0.1:{reset.port}", 2) as client:
        with pytest.raises(http.TransportFailure) as err:
            await http.send(client, "GET", "/2/users/me", backoff=0.01)
    assert err.value.diagnosis == "x-server-error"
    assert err.value.kind in ("reset", "protocol")
    assert reset.accepted == 2  # one request + one retry


async def test_tls_to_a_plain_listener_is_named(hang: _Listener) -> None:
    # an https:// base pointing at something that does not speak TLS: the handshake fails or hangs
    async with http.create_client(f"https://127.0.0.1:{hang.port}", 0.5) as client:
        with pytest.raises(http.TransportFailure) as err:
            await http.send(client, "GET", "/2/users/me")
    assert err.value.diagnosis in ("network-unreachable", "x-server-error")


def test_classify_never_copies_exception_text() -> None:
    secret = "Sx9Kq2Lm4Np6Rt8Vw0Yz1Ab3Cd5Ef7Gh9Ij2Kl4Mn6Op8Qr0St"
    req = httpx.Request("GET", "https://api.x.com/2/users/me")
    for exc in (
        httpx.ConnectError(f"boom {secret}", request=req),
        httpx.ReadError(f"x {secret}", request=req),
        httpx.RemoteProtocolError(secret, request=req),
        RuntimeError(secret),
    ):
        f = http.classify_transport_error(exc, req)
        assert secret[:12] not in f.message
        assert f.diagnosis in ("network-unreachable", "x-server-error")


def test_basic_auth_is_rfc6749_encoded() -> None:
    import base64

    h = http.basic_auth_header("id:with", "se cret/+")
    raw = base64.b64decode(h.split()[1]).decode()
    assert raw == "id%3Awith:se%20cret%2F%2B"


def test_oauth1_signing_signs_the_exact_url_and_hides_secrets() -> None:
    from urllib.parse import unquote

    from oauthlib.common import Request as OReq
    from oauthlib.oauth1.rfc5849 import signature

    ck, cs, tok, ts = "Qm7Rk2Lp9Xa4Bv8Nc3Td6Wf1G", "c" * 50, "12345-" + "t" * 30, "s" * 45
    auth = http.OAuth1Auth(ck, cs, tok, ts)
    assert cs not in repr(auth)
    req = httpx.Request("POST", "http://127.0.0.1:8080/oauth/x?b=2&a=1", data={"status": "hi there"})
    auth.sign(req)
    header = req.headers["authorization"]
    assert header.startswith("OAuth ") and cs not in header and ts not in header
    params = signature.collect_parameters(
        uri_query="b=2&a=1", body=req.content.decode(), headers={"Authorization": header}, exclude_oauth_signature=False
    )
    params = [(unquote(k), unquote(v)) for k, v in params]  # the header parser does not decode
    oreq = OReq(str(req.url), "POST", body=req.content.decode(), headers={"Authorization": header})
    oreq.params = [(k, v) for k, v in params if k != "oauth_signature"]
    oreq.signature = dict(params)["oauth_signature"]
    assert signature.verify_hmac_sha1(oreq, cs, ts)
    assert not signature.verify_hmac_sha1(oreq, cs, "x" * 45)


def test_header_safe() -> None:
    assert http.header_safe("AAAA%3Dabc")
    assert not http.header_safe("abc def")
    assert not http.header_safe("abc\u200b")
    assert not http.header_safe("")
