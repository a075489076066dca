"""`GET /v2.0/ports/{id}` answered on the event loop is the route's answer.

The event loop answers a port show with no query and no suffix when the caller is known at once:
from the connection's bytes (PortReadPreParser) while every request on the connection is framed
plainly, behind NIO's decoder (PortReadFastPath) otherwise; `GET /v2.0/ports/{id}.json` always goes
through the router. These tests compare the paths for callers of every kind, check that a read follows
every write, that pipelined, split and chunked requests keep their order and their meaning whichever
path answers them, and that the request metrics count every path.
"""

import json
import re
import socket

import pytest
import requests

from conftest import Api, unique

ADMIN = {"X-User-Id": "u-admin", "X-Project-Id": "proj-admin", "X-Roles": "admin"}
MEMBER = {"X-User-Id": "u-member", "X-Project-Id": "proj-a", "X-Roles": "member,reader"}
# binding:profile is written by services (Nova) only.
SERVICE = {"X-User-Id": "u-nova", "X-Project-Id": "proj-admin", "X-Roles": "admin,service"}
OTHER = {"X-User-Id": "u-other", "X-Project-Id": "proj-b", "X-Roles": "member,reader"}
DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                  r"\d{4} \d\d:\d\d:\d\d GMT$")


@pytest.fixture
def headers_server(server_factory):
    srv = server_factory(["--auth", "headers"]).start()
    api = Api(srv.url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("net"), "shared": True}}, headers=ADMIN)
    assert net.status_code == 201, net.text
    net_id = net.json()["network"]["id"]
    ports = {}
    for who, headers, attrs in [
        ("member", MEMBER, {"description": 'quote " and \\ and \u00e9'}),
        ("admin", SERVICE, {"binding:host_id": "compute-1", "binding:profile": {"b": 1, "a": [True, None, "x"]}}),
    ]:
        r = api.post("/v2.0/ports", {"port": {"network_id": net_id, "name": unique(who), **attrs}},
                     headers=headers)
        assert r.status_code == 201, r.text
        ports[who] = r.json()["port"]["id"]
    # The member's port bound to a host by the admin: its binding attributes are hidden from the member.
    r = api.put(f"/v2.0/ports/{ports['member']}", {"port": {"binding:host_id": "compute-2"}}, headers=ADMIN)
    assert r.status_code == 200, r.text
    return srv, api, ports


def _fast_reads(url: str, stage: str) -> float:
    text = requests.get(url + "/metrics", timeout=30).text
    for line in text.splitlines():
        if line.startswith("portwatch_http_fast_reads_total") and f'stage="{stage}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _compare(api, port_id, headers):
    before = _fast_reads(api.url, "bytes")
    fast = api.get(f"/v2.0/ports/{port_id}", headers=headers)
    # python-requests keeps its connection (`Connection: keep-alive`), which has carried writes:
    # a port show the caller may see is still answered from the connection's bytes.
    assert _fast_reads(api.url, "bytes") == before + (1 if fast.status_code == 200 else 0)
    routed = api.get(f"/v2.0/ports/{port_id}.json", headers=headers)
    assert fast.status_code == routed.status_code, (fast.text, routed.text)
    assert fast.content == routed.content
    assert fast.headers.get("Content-Type") == routed.headers.get("Content-Type")
    for r in (fast, routed):
        assert re.fullmatch(r"req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            r.headers["x-openstack-request-id"]), r.headers
        assert DATE.match(r.headers["Date"]), r.headers
        assert int(r.headers["Content-Length"]) == len(r.content)
    assert fast.headers["x-openstack-request-id"] != routed.headers["x-openstack-request-id"]
    return fast


def test_every_caller_gets_the_routes_answer(headers_server):
    _, api, ports = headers_server
    for port_id in ports.values():
        assert _compare(api, port_id, ADMIN).status_code == 200
    # The member sees their own port without the admin-only binding attributes, and not the admin's.
    mine = _compare(api, ports["member"], MEMBER)
    assert mine.status_code == 200 and "binding:host_id" not in mine.json()["port"]
    assert _compare(api, ports["admin"], MEMBER).status_code == 404
    assert _compare(api, ports["member"], OTHER).status_code == 404
    assert _compare(api, "no-such-port", ADMIN).status_code == 404
    # No identity at all: 401 from the router's edge, either way.
    assert _compare(api, ports["member"], {}).status_code == 401


def test_a_read_follows_every_write(headers_server):
    _, api, ports = headers_server
    port_id = ports["member"]
    for n in range(20):
        # Alternate a write that changes a rendered attribute and one that only bumps state.
        body = {"port": {"name": f"n{n}"}} if n % 2 else {"port": {"data_plane_status": "DOWN" if n % 4 else "ACTIVE"}}
        r = api.put(f"/v2.0/ports/{port_id}", body, headers=ADMIN)
        assert r.status_code == 200, r.text
        written = r.json()["port"]
        seen = _compare(api, port_id, ADMIN).json()["port"]
        assert seen == written
        assert seen["revision_number"] == written["revision_number"]


def _raw_exchange(url: str, payload: bytes, answers: int, then_closed=False) -> list[tuple[int, dict, bytes]]:
    """Sends `payload` in one write and reads `answers` HTTP/1.1 responses off the connection
    (and, with `then_closed`, checks that the server then closes it)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(payload)
        return _read_answers(sock, answers, then_closed)


def _read_answers(sock, answers: int, then_closed=False) -> list[tuple[int, dict, bytes]]:
    buffer = b""
    out = []
    while len(out) < answers:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed after {len(out)} answers"
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(buffer) < length:
            chunk = sock.recv(65536)
            assert chunk
            buffer += chunk
        out.append((status, fields, buffer[:length]))
        buffer = buffer[length:]
    if then_closed:
        assert buffer == b"" and sock.recv(65536) == b"", "the connection stayed open"
    return out


def _request(method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_pipelined_requests_keep_their_order(headers_server):
    srv, _, ports = headers_server
    port_id = ports["member"]
    name = unique("piped")
    payload = (
        _request("GET", f"/v2.0/ports/{port_id}?fields=id", ADMIN)  # routed
        + _request("GET", f"/v2.0/ports/{port_id}", ADMIN)  # event loop, behind a routed one
        + _request("PUT", f"/v2.0/ports/{port_id}", ADMIN, f'{{"port": {{"name": "{name}"}}}}'.encode())
        + _request("GET", f"/v2.0/ports/{port_id}", ADMIN)  # must see the PUT
        + _request("GET", f"/v2.0/ports/{port_id}", ADMIN)
    )
    answers = _raw_exchange(srv.url, payload, 5)
    assert [status for status, _, _ in answers] == [200] * 5
    bodies = [json.loads(body)["port"] for _, _, body in answers]
    assert bodies[0] == {"id": port_id}
    assert bodies[1]["name"] != name and len(bodies[1]) > 10
    assert bodies[2]["name"] == name
    assert bodies[3] == bodies[2] == bodies[4]


def test_connection_close_is_honoured(headers_server):
    srv, _, ports = headers_server
    headers = {**ADMIN, "Connection": "close"}
    answers = _raw_exchange(srv.url, _request("GET", f"/v2.0/ports/{ports['admin']}", headers), 1, then_closed=True)
    assert answers[0][0] == 200


def test_http10_and_odd_requests_get_the_routes_answer(headers_server):
    srv, _, ports = headers_server
    port_id = ports["admin"]
    # HTTP/1.0 without keep-alive: answered, then the connection is closed.
    head = f"GET /v2.0/ports/{port_id} HTTP/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in ADMIN.items()) + "\r\n"
    answers = _raw_exchange(srv.url, head.encode(), 1, then_closed=True)
    assert answers[0][0] == 200 and json.loads(answers[0][2])["port"]["id"] == port_id
    # A GET with a body, then a plain one on the same connection: both answered, in order.
    payload = (_request("GET", f"/v2.0/ports/{port_id}", ADMIN, b'{"ignored": true}')
               + _request("GET", f"/v2.0/ports/{ports['member']}", ADMIN))
    answers = _raw_exchange(srv.url, payload, 2)
    assert [json.loads(body)["port"]["id"] for _, _, body in answers] == [port_id, ports["member"]]
    # The caller named twice in one field list: the headers are read as the router reads them.
    twice = _request("GET", f"/v2.0/ports/{ports['member']}", {**MEMBER, "X-Roles": "member"})
    twice = twice.replace(b"X-Roles: member\r\n", b"X-Roles: member\r\nX-Roles: reader\r\n")
    fast = _raw_exchange(srv.url, twice, 1)[0]
    routed = _raw_exchange(srv.url, twice.replace(f"{ports['member']} HTTP".encode(), f"{ports['member']}.json HTTP".encode()), 1)[0]
    assert fast[0] == routed[0] == 200 and fast[2] == routed[2]


def _requests_counted(url: str) -> float:
    text = requests.get(url + "/metrics", timeout=30).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("portwatch_http_requests_total") and 'method="GET"' in line and 'status="200"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_reads_answered_on_the_event_loop(headers_server):
    srv, api, ports = headers_server
    before = _requests_counted(srv.url)
    for _ in range(25):
        assert api.get(f"/v2.0/ports/{ports['admin']}", headers=ADMIN).status_code == 200
    # The /metrics read itself is a routed GET 200 counted after it renders: at least 25 more.
    after = _requests_counted(srv.url)
    assert 25 <= after - before <= 26


def test_split_chunked_and_pipelined_requests_keep_their_meaning(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    host, port = srv.url.removeprefix("http://").split(":")
    expected = api.get(f"/v2.0/ports/{port_id}.json", headers=ADMIN).json()["port"]

    # A port show, a PUT and a port show sent a byte at a time: framed across reads, answered in order.
    name = unique("split")
    payload = (_request("GET", f"/v2.0/ports/{port_id}", ADMIN)
               + _request("PUT", f"/v2.0/ports/{port_id}", ADMIN, f'{{"port": {{"name": "{name}"}}}}'.encode())
               + _request("GET", f"/v2.0/ports/{port_id}", ADMIN))
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for byte in payload:
            sock.sendall(bytes([byte]))
        answers = _read_answers(sock, 3)
    assert [status for status, _, _ in answers] == [200] * 3
    bodies = [json.loads(body)["port"] for _, _, body in answers]
    assert bodies[0] == expected
    assert bodies[1]["name"] == bodies[2]["name"] == name and bodies[2] == bodies[1]

    # A fast read, then a chunked PUT (NIO's alone from there), then reads: every answer in order.
    name = unique("chunked")
    body = f'{{"port": {{"name": "{name}"}}}}'.encode()
    chunked = (f"PUT /v2.0/ports/{port_id} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in ADMIN.items())
               + "Transfer-Encoding: chunked\r\n\r\n").encode()
    chunked += f"{len(body[:5]):x}\r\n".encode() + body[:5] + b"\r\n"
    chunked += f"{len(body[5:]):x}\r\n".encode() + body[5:] + b"\r\n0\r\n\r\n"
    payload = (_request("GET", f"/v2.0/ports/{port_id}", ADMIN) + chunked
               + _request("GET", f"/v2.0/ports/{port_id}", ADMIN) + _request("GET", f"/v2.0/ports/{ports['admin']}", ADMIN))
    answers = _raw_exchange(srv.url, payload, 4)
    assert [status for status, _, _ in answers] == [200] * 4
    bodies = [json.loads(body)["port"] for _, _, body in answers]
    assert bodies[0]["name"] != name and bodies[1]["name"] == bodies[2]["name"] == name
    assert bodies[3]["id"] == ports["admin"]

    # A body that spells a request is a body: the PUT's name is the text, and no second answer comes.
    smuggled = _request("GET", f"/v2.0/ports/{port_id}", ADMIN).decode()
    body = json.dumps({"port": {"description": smuggled}}).encode()
    payload = _request("PUT", f"/v2.0/ports/{port_id}", ADMIN, body) + _request("GET", f"/v2.0/ports/{ports['admin']}", ADMIN)
    answers = _raw_exchange(srv.url, payload, 2)
    assert [status for status, _, _ in answers] == [200, 200]
    assert json.loads(answers[0][2])["port"]["description"] == smuggled
    assert json.loads(answers[1][2])["port"]["id"] == ports["admin"]


def test_reads_are_answered_from_bytes_after_writes_on_the_same_connection(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    before = _fast_reads(srv.url, "bytes")
    session = Api(srv.url)
    for n in range(5):
        r = session.put(f"/v2.0/ports/{port_id}", {"port": {"name": f"again-{n}"}}, headers=ADMIN)
        assert r.status_code == 200, r.text
        seen = session.get(f"/v2.0/ports/{port_id}", headers=ADMIN)
        assert seen.status_code == 200 and seen.json()["port"] == r.json()["port"]
    assert _fast_reads(srv.url, "bytes") == before + 5
