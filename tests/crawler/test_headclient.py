"""The lane's lean HEAD client (crawler.headclient) against real loopback servers, and against aiohttp.

The client replaces aiohttp for HEAD requests only because it answers the same:
each case that can be asked of both is asked of both and compared.
"""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
from pathlib import Path

import aiohttp
import pytest

from crawler import headclient
from crawler.headclient import HeadClient, TooManyRedirects, Unsupported
from crawler.linkstatus import HostPolicy, LanePlan, _Checker, _error_reason
from crawler.tls import client_context

HEADERS = {"User-Agent": "govcrawl-test 政务", "Accept": "*/*"}


class Server:
    """A raw HTTP/1.1 server on 127.0.0.1: each path answers with scripted bytes and behaviour."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None):
        self.ssl_context = ssl_context
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0, ssl=self.ssl_context)
        self.port = self.server.sockets[0].getsockname()[1]

    @property
    def base(self) -> str:
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    request = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.requests.append(request)
                method, target = request.split(b" ")[:2]
                if not await self.answer(method.decode(), target.decode(), writer):
                    return
        finally:
            writer.close()

    async def answer(self, method: str, target: str, writer: asyncio.StreamWriter) -> bool:
        """Write the answer for ``target``; False to end the connection."""
        path = target.split("?")[0]
        if path in FIXED:
            writer.write(FIXED[path])
        elif path.startswith("/hop/"):  # /hop/N redirects down to /hop/0, which answers
            n = int(path.rsplit("/", 1)[1])
            writer.write(f"HTTP/1.1 302 Found\r\nLocation: /hop/{n - 1}\r\nContent-Length: 0\r\n\r\n".encode()
                         if n else OK + b"\r\n")
        elif path in CLOSING:  # answered, then the connection ends (announced or not: a keep-alive timeout)
            writer.write(CLOSING[path])
            await writer.drain()
            return False
        elif path == "/hang-up":
            return False
        elif path == "/silent":
            await asyncio.sleep(5)
        elif path == "/hints":
            writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n")
            await writer.drain()
            writer.write(OK + b"\r\n")
        elif path == "/head-refused":  # many CMS: HEAD is an error, GET works
            status = b"405 Not Allowed" if method == "HEAD" else b"200 OK"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\n\r\n")
        else:
            writer.write(OK + b"X-Spaced:  a b  \r\n\r\n")
        await writer.drain()
        return True


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"v1\"\r\nLast-Modified: Wed, 01 Nov 2023 00:00:00 GMT\r\n"
# Paths answered with the same bytes every time, the connection kept.
FIXED = {
    "/loop": b"HTTP/1.1 301 Moved\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n",
    "/dots": b"HTTP/1.1 301 Moved\r\nLocation: a/../b/./c%7e?q=%e4#frag\r\n\r\n",
    "/see-other": b"HTTP/1.1 303 See Other\r\nLocation: /ok\r\n\r\n",
    "/no-location": b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
    "/mailto": b"HTTP/1.1 302 Found\r\nLocation: mailto:a@example.org\r\n\r\n",
    "/http10-keep": b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n",
    "/body": OK + b"\r\nhello",  # a HEAD answered with a body: the connection cannot be trusted after it
    "/garbage": b"ICY 200 OK\r\n\r\n",
    "/bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 0\n\n",
    "/busy": b"HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n",
    "/missing": b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
}
# Paths answered and then hung up on.
CLOSING = {
    "/close": OK + b"Connection: close\r\n\r\n",
    "/http10": b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n",
    "/hang-up-after": OK + b"\r\n",  # as if keeping the connection: the server's keep-alive timeout
}


def run(coro):
    return asyncio.run(coro)


async def _served(ssl_context: ssl.SSLContext | None = None) -> Server:
    server = Server(ssl_context)
    await server.start()
    return server


async def _lean(url: str, timeout: float = 5) -> headclient.HeadAnswer:
    client = HeadClient(HEADERS, client_context())
    try:
        return await client.head(url, timeout)
    finally:
        client.close()


async def _aiohttp(url: str) -> tuple[int, str, dict]:
    async with aiohttp.ClientSession(headers=HEADERS, auto_decompress=False,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.request("HEAD", url, allow_redirects=True, max_redirects=11,
                                   timeout=aiohttp.ClientTimeout(total=5)) as resp:
            return resp.status, str(resp.url), resp.headers.copy()


async def _in_turn(paths: list[str], server_context: ssl.SSLContext | None = None,
                   client_ssl: ssl.SSLContext | None = None) -> tuple[Server, list[headclient.HeadAnswer]]:
    """A new server asked for ``paths`` one after another by one client."""
    server = await _served(server_context)
    client = HeadClient(HEADERS, client_ssl)
    try:
        return server, [await client.head(server.base + path, 5) for path in paths]
    finally:
        client.close()


def test_answers_with_status_headers_and_keeps_the_connection():
    server, answers = run(_in_turn([f"/ok/{i}" for i in range(5)]))
    assert {a.status for a in answers} == {200}
    assert answers[0].headers["etag"] == '"v1"' and answers[0].headers["Content-Length"] == "5"
    assert answers[0].headers["X-Spaced"] == "a b"  # blanks around a value are not part of it
    assert server.connections == 1  # five requests, one connection


@pytest.mark.parametrize("path", [
    "/ok", "/a%2fb/%e4%b8%ad?x=%zz&y=1", "/%E6%96%87%E4%BB%B6.pdf", "/ok?", "/sp%20ace/", "/hop/3", "/dots",
    "/see-other", "/no-location", "/hints", "/busy", "/missing", "/head-refused", "/http10-keep",
])
def test_asks_and_answers_as_aiohttp_does(path):
    async def go():
        server = await _served()
        lean = await _lean(server.base + path)
        first = len(server.requests)
        theirs = await _aiohttp(server.base + path)
        return server, lean, theirs, first

    server, lean, (status, final, headers), first = run(go())
    assert (lean.status, lean.url) == (status, final)
    assert lean.headers.get("Retry-After") == headers.get("Retry-After")
    assert lean.headers.get("ETag") == headers.get("ETag")
    ours, theirs = server.requests[:first], server.requests[first:]
    assert len(ours) == len(theirs)  # the same redirects followed
    for mine, aio in zip(ours, theirs, strict=True):
        assert mine.split(b"\r\n")[0] == aio.split(b"\r\n")[0]  # method and target, requoted alike
        assert _header(mine, b"host") == _header(aio, b"host")
        assert _header(mine, b"user-agent") == _header(aio, b"user-agent")


def _header(request: bytes, name: bytes) -> bytes | None:
    for line in request.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def test_ten_redirects_are_followed_and_the_eleventh_is_a_loop_as_for_aiohttp():
    async def go():
        server = await _served()
        ten = await _lean(f"{server.base}/hop/10")
        with pytest.raises(TooManyRedirects):
            await _lean(f"{server.base}/hop/11")
        with pytest.raises(TooManyRedirects):
            await _lean(f"{server.base}/loop")
        with pytest.raises(aiohttp.TooManyRedirects):
            await _aiohttp(f"{server.base}/hop/11")
        return ten, await _aiohttp(f"{server.base}/hop/10")

    ten, (status, final, _) = run(go())
    assert (ten.status, ten.url) == (status, final) == (200, final)
    assert final.endswith("/hop/0")


@pytest.mark.parametrize(("path", "reused"), [
    ("/ok", True), ("/http10-keep", True), ("/close", False), ("/http10", False), ("/body", False),
    ("/hints", True),
])
def test_a_connection_is_reused_only_when_the_server_allows_it_and_the_answer_was_clean(path, reused):
    server, (first, second) = run(_in_turn([path, "/ok"]))
    assert first.status == 200 and second.status == 200
    assert second.headers["ETag"] == '"v1"'  # the second answer is its own, not the first one's leftovers
    assert server.connections == (1 if reused else 2)


def test_a_connection_the_server_closed_while_idle_is_asked_again_on_a_new_one():
    async def go():
        server = await _served()
        client = HeadClient(HEADERS)
        try:
            await client.head(f"{server.base}/hang-up-after", 5)
            await asyncio.sleep(0.05)  # the server's close has arrived: the idle connection is known dead
            second = await client.head(f"{server.base}/ok", 5)
            # the race: the server's close arrives only after the request went out on the reused connection
            connection = client._take(("http", "127.0.0.1", server.port))
            connection.closed = False
            client._give_back(("http", "127.0.0.1", server.port), connection)
            connection.transport.abort()
            third = await client.head(f"{server.base}/ok", 5)
        finally:
            client.close()
        return server, second, third

    server, second, third = run(go())
    assert second.status == third.status == 200
    assert server.connections == 3


def test_requests_in_flight_are_limited_as_aiohttp_limits_its_connections():
    async def go():
        server = await _served()
        live, most = 0, 0
        answer = server.answer

        async def counted(method, target, writer):
            nonlocal live, most
            live += 1
            most = max(most, live)
            await asyncio.sleep(0.05)
            live -= 1
            return await answer(method, target, writer)

        server.answer = counted
        client = HeadClient(HEADERS, limit=3)
        try:
            answers = await asyncio.gather(*(client.head(f"{server.base}/ok/{n}", 5) for n in range(12)))
        finally:
            client.close()
        return most, answers

    most, answers = run(go())
    assert most == 3 and {a.status for a in answers} == {200}


def test_failures_are_the_errors_the_lane_words():
    async def go():
        server = await _served()
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            closed_port = unused.getsockname()[1]
        errors = {}
        for name, url, timeout in [
            ("refused", f"http://127.0.0.1:{closed_port}/x", 5),
            ("hang-up", f"{server.base}/hang-up", 5),
            ("silent", f"{server.base}/silent", 0.3),
        ]:
            try:
                await _lean(url, timeout)
            except Exception as exc:  # noqa: BLE001 - the exception is what is tested
                errors[name] = exc
        return errors

    errors = run(go())
    assert _error_reason(errors["refused"]) == "连接被拒绝"
    assert _error_reason(errors["hang-up"]) == "连接被服务器中断"
    assert _error_reason(errors["silent"]) == "请求超时"
    assert _error_reason(socket.gaierror(-2, "Name or service not known")) == "域名无法解析"
    assert _error_reason(TooManyRedirects("11 redirects")) == "重定向循环或超过10次"
    assert _error_reason(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER]")) == "HTTPS 握手失败（证书或加密协议问题）"


@pytest.mark.parametrize("path", ["/garbage", "/bare-lf", "/mailto"])
def test_what_only_aiohttp_reads_as_aiohttp_does_is_left_to_it(path):
    async def go():
        server = await _served()
        with pytest.raises(Unsupported):
            await _lean(server.base + path)

    run(go())


def _plan(server: Server) -> LanePlan:
    return LanePlan(store_path="", run_id="r", internal_hosts=(f"127.0.0.1:{server.port}",),
                    internal_policy=HostPolicy(4, 0), external_policy=HostPolicy(4, 0), timeout=5,
                    external_timeout=5, retries=1, allow_private=True, user_agent="govcrawl-test")


@pytest.mark.parametrize("path", ["/ok", "/missing", "/hop/2", "/loop", "/head-refused", "/garbage", "/mailto",
                                  "/hang-up", "/no-location"])
def test_the_lane_judges_a_link_the_same_with_either_client(path):
    async def go():
        server = await _served()
        outcomes = []
        for lean in (True, False):
            heads = HeadClient(HEADERS) if lean else None
            async with aiohttp.ClientSession(headers=HEADERS, auto_decompress=False,
                                             cookie_jar=aiohttp.DummyCookieJar()) as session:
                checker = _Checker(_plan(server), heads=heads)
                outcomes.append(await checker.check(session, server.base + path, True))
            if heads:
                heads.close()
        return outcomes

    lean, aio = run(go())
    assert (lean.state, lean.http_status, lean.reason, lean.final_url, lean.method) == \
        (aio.state, aio.http_status, aio.reason, aio.final_url, aio.method)


def _self_signed(folder: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_https_with_a_self_signed_certificate_as_government_servers_often_have(tmp_path):
    server, answers = run(_in_turn(["/hop/1"] * 3, _self_signed(tmp_path), client_context()))
    assert [a.status for a in answers] == [200, 200, 200]
    assert answers[0].url == f"{server.base}/hop/0"
    assert server.connections == 1  # TLS handshake once, the connection kept
