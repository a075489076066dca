"""`PUT /v2.0/ports/{id}` written from the event loop is the route's write and the route's answer.

The event loop hands a port update to the writer itself (PortReadFastPath) when the caller is known at
once and the body, its `port` object and `If-Match` parse as the route parses them; the answer is
written once the write is durable. `PUT /v2.0/ports/{id}.json` always goes through the router. These
tests compare the two for successes and every kind of refusal, check that what a connection sends
while an update is being written waits for its answer, and that the metrics count both paths.
"""

import json
import socket

import requests

from conftest import Api, unique
# headers_server: a network and two ports, the member's and the admin's (imported as a fixture).
from test_event_loop_reads import ADMIN, MEMBER, OTHER, _raw_exchange, _read_answers, _request, headers_server  # noqa: F401

# Attributes every write changes.
MOVING = ("updated_at", "revision_number")


def _fast_writes(url: str) -> float:
    for line in requests.get(url + "/metrics", timeout=30).text.splitlines():
        if line.startswith("portwatch_http_fast_writes_total "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _put(api, path, body, headers):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.s.put(api.url + path, data=data, headers={"Content-Type": "application/json", **headers}, timeout=30)


def _revision(api, port_id):
    return api.get(f"/v2.0/ports/{port_id}", headers=ADMIN).json()["port"]["revision_number"]


def _compare(api, port_id, body, headers, fast_expected, if_match=None):
    """The same update sent to the event loop, then to the router (`.json`); returns both answers."""
    answers = []
    for suffix in ("", ".json"):
        sent = dict(headers)
        if if_match == "current":
            sent["If-Match"] = f"revision_number={_revision(api, port_id)}"
        elif if_match is not None:
            sent["If-Match"] = if_match
        before = _fast_writes(api.url)
        r = _put(api, f"/v2.0/ports/{port_id}{suffix}", body, sent)
        taken = _fast_writes(api.url) - before
        assert taken == (1 if fast_expected and suffix == "" else 0), (suffix, r.status_code, r.text)
        answers.append(r)
    fast, routed = answers
    assert fast.status_code == routed.status_code, (fast.text, routed.text)
    assert fast.headers["Content-Type"] == routed.headers["Content-Type"] == "application/json"
    assert int(fast.headers["Content-Length"]) == len(fast.content)
    assert fast.headers["x-openstack-request-id"].startswith("req-")
    assert fast.headers["x-openstack-request-id"] != routed.headers["x-openstack-request-id"]
    if fast.status_code == 200:
        mine, theirs = fast.json()["port"], routed.json()["port"]
        for key in MOVING:
            mine.pop(key), theirs.pop(key)
        assert mine == theirs
    else:
        assert fast.json() == routed.json()
    return fast, routed


def test_updates_get_the_routes_answers(headers_server):
    _, api, ports = headers_server
    member, admin = ports["member"], ports["admin"]
    cases = [
        # (port, body, caller, taken on the event loop, If-Match, expected status)
        (member, {"port": {"data_plane_status": "DOWN"}}, ADMIN, True, None, 200),
        (member, {"port": {"data_plane_status": "ACTIVE", "name": "both"}}, ADMIN, True, None, 200),
        (member, {"port": {"data_plane_status": None}}, ADMIN, True, None, 200),
        (member, {"port": {"description": "by its owner"}}, MEMBER, True, None, 200),
        (member, {"port": {"data_plane_status": "DOWN"}}, ADMIN, True, "current", 200),
        # Refused by the write: answered from the event loop with the route's error.
        (member, {"port": {"data_plane_status": "DOWN"}}, MEMBER, True, None, 403),
        (admin, {"port": {"name": "not mine"}}, OTHER, True, None, 404),
        ("no-such-port", {"port": {"data_plane_status": "DOWN"}}, ADMIN, True, None, 404),
        (member, {"port": {"data_plane_status": "DOWN"}}, ADMIN, True, "revision_number=1", 412),
        # Refused before the write: left to the router.
        (member, {"port": {"data_plane_status": "BROKEN"}}, ADMIN, False, None, 400),
        (member, {"port": {"mac_address": "not a mac"}}, ADMIN, False, None, 400),
        (member, {"ports": [{"name": "bulk"}]}, ADMIN, False, None, 400),
        (member, {"network": {"name": "x"}}, ADMIN, False, None, 400),
        (member, b"{not json", ADMIN, False, None, 400),
        (member, b"", ADMIN, False, None, 400),
        (member, {"port": {"data_plane_status": "DOWN"}}, ADMIN, False, "revision_number=x", 400),
        (member, {"port": {"data_plane_status": "DOWN"}}, {}, False, None, 401),
    ]
    for port_id, body, caller, fast, if_match, status in cases:
        answer, _ = _compare(api, port_id, body, caller, fast, if_match)
        assert answer.status_code == status, (body, caller, answer.text)
    assert api.get(f"/v2.0/ports/{member}", headers=ADMIN).json()["port"]["name"] == "both"


def test_pipelined_updates_and_reads_keep_their_order(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    revision = _revision(api, port_id)
    name = unique("piped")
    payload = (
        _request("PUT", f"/v2.0/ports/{port_id}", ADMIN, b'{"port": {"data_plane_status": "DOWN"}}')
        + _request("GET", f"/v2.0/ports/{port_id}", ADMIN)
        # Stale by the time it runs: the PUT before it moved the revision.
        + _request("PUT", f"/v2.0/ports/{port_id}", {**ADMIN, "If-Match": f"revision_number={revision}"},
                   b'{"port": {"data_plane_status": "ACTIVE"}}')
        + _request("PUT", f"/v2.0/ports/{port_id}", ADMIN, json.dumps({"port": {"name": name}}).encode())
        + _request("GET", f"/v2.0/ports/{port_id}?fields=name&fields=data_plane_status", ADMIN)
        + _request("PUT", f"/v2.0/ports/{port_id}.json", ADMIN, b'{"port": {"data_plane_status": "ACTIVE"}}')
        + _request("GET", f"/v2.0/ports/{port_id}", ADMIN)
    )
    answers = _raw_exchange(srv.url, payload, 7)
    assert [status for status, _, _ in answers] == [200, 200, 412, 200, 200, 200, 200]
    bodies = [json.loads(body) for _, _, body in answers]
    assert bodies[0]["port"]["data_plane_status"] == "DOWN"
    assert bodies[0]["port"]["revision_number"] == revision + 1
    assert bodies[1] == bodies[0]
    assert bodies[2]["NeutronError"]["type"] == "RevisionNumberConstraintFailed"
    assert bodies[3]["port"]["name"] == name and bodies[3]["port"]["revision_number"] == revision + 2
    assert bodies[4] == {"port": {"name": name, "data_plane_status": "DOWN"}}
    assert bodies[5]["port"]["data_plane_status"] == "ACTIVE"
    assert bodies[6] == bodies[5]


def test_an_update_sent_a_byte_at_a_time_is_written_once(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    revision = _revision(api, port_id)
    host, port = srv.url.removeprefix("http://").split(":")
    payload = (_request("PUT", f"/v2.0/ports/{port_id}", ADMIN, b'{"port": {"data_plane_status": "DOWN"}}')
               + _request("GET", f"/v2.0/ports/{port_id}", ADMIN))
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for byte in payload:
            sock.sendall(bytes([byte]))
        answers = _read_answers(sock, 2)
    assert [status for status, _, _ in answers] == [200, 200]
    assert json.loads(answers[0][2]) == json.loads(answers[1][2])
    assert json.loads(answers[1][2])["port"]["revision_number"] == revision + 1


def test_an_update_is_answered_when_the_client_stops_sending(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    host, port = srv.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(_request("PUT", f"/v2.0/ports/{port_id}", ADMIN, b'{"port": {"data_plane_status": "DOWN"}}'))
        # The end of the client's input arrives while the write is on its way to the store.
        sock.shutdown(socket.SHUT_WR)
        answers = _read_answers(sock, 1)
    assert answers[0][0] == 200
    assert json.loads(answers[0][2])["port"]["data_plane_status"] == "DOWN"
    assert api.get(f"/v2.0/ports/{port_id}", headers=ADMIN).json()["port"]["data_plane_status"] == "DOWN"


def test_a_large_or_unframed_update_goes_to_the_router(headers_server):
    srv, api, ports = headers_server
    port_id = ports["member"]
    before = _fast_writes(srv.url)
    # A body over the event loop's limit (16 KiB), still within the route's.
    description = "x" * 20000
    r = _put(api, f"/v2.0/ports/{port_id}", {"port": {"description": description}}, ADMIN)
    assert r.status_code == 400 and "description" in r.json()["NeutronError"]["message"], r.text
    # HTTP/1.0, and a Connection list naming close: answered, then closed.
    body = b'{"port": {"data_plane_status": "DOWN"}}'
    head = (f"PUT /v2.0/ports/{port_id} HTTP/1.0\r\nContent-Length: {len(body)}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in ADMIN.items()) + "\r\n").encode()
    answers = _raw_exchange(srv.url, head + body, 1, then_closed=True)
    assert answers[0][0] == 200
    closing = _request("PUT", f"/v2.0/ports/{port_id}", {**ADMIN, "Connection": "close"}, body)
    assert _raw_exchange(srv.url, closing, 1, then_closed=True)[0][0] == 200
    assert _fast_writes(srv.url) == before
    # And a plain one is taken.
    assert _put(api, f"/v2.0/ports/{port_id}", {"port": {"data_plane_status": "ACTIVE"}}, ADMIN).status_code == 200
    assert _fast_writes(srv.url) == before + 1


def test_metrics_count_updates_on_both_paths(headers_server):
    srv, api, ports = headers_server

    def counted(status):
        total = 0.0
        for line in requests.get(srv.url + "/metrics", timeout=30).text.splitlines():
            if (line.startswith("portwatch_http_requests_total") and 'method="PUT"' in line
                    and f'status="{status}"' in line):
                total += float(line.rsplit(" ", 1)[1])
        return total

    ok, missing = counted(200), counted(404)
    for n in range(10):
        suffix = "" if n % 2 else ".json"
        assert _put(api, f"/v2.0/ports/{ports['admin']}{suffix}", {"port": {"name": f"m{n}"}}, ADMIN).status_code == 200
        assert _put(api, f"/v2.0/ports/gone{suffix}", {"port": {"name": "x"}}, ADMIN).status_code == 404
    assert counted(200) == ok + 10
    assert counted(404) == missing + 10


def test_fast_writes_can_be_turned_off(server_factory, monkeypatch):
    monkeypatch.setenv("PORTWATCH_FAST_WRITES", "0")
    srv = server_factory(["--auth", "headers"]).start()
    api = Api(srv.url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("net")}}, headers=ADMIN).json()["network"]
    port = api.post("/v2.0/ports", {"port": {"network_id": net["id"]}}, headers=ADMIN).json()["port"]
    r = _put(api, f"/v2.0/ports/{port['id']}", {"port": {"data_plane_status": "DOWN"}}, ADMIN)
    assert r.status_code == 200 and r.json()["port"]["data_plane_status"] == "DOWN"
    assert _fast_writes(srv.url) == 0


def _one_answer(sock, head_request=False):
    """Reads one answer off `sock`; an answer to HEAD has no body whatever its Content-Length."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = 0 if head_request else int(fields.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a body"
        rest += chunk
    assert len(rest) == length, f"{len(rest) - length} bytes more than the answer"
    return int(lines[0].split()[1]), rest


def test_answers_to_head_keep_their_place_after_event_loop_answers(headers_server):
    # NIO's encoder pairs each answer with the request NIO decoded, and leaves the body out of the
    # answer to a HEAD: an answer written past it once shifted a later HEAD's pairing onto a GET,
    # whose body was then never sent.
    srv, api, ports = headers_server
    port_id = ports["member"]
    host, port = srv.url.removeprefix("http://").split(":")
    body = b'{"port": {"data_plane_status": "DOWN"}}'
    chunk = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    chunked = (f"PUT /v2.0/ports/{port_id}.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               + "".join(f"{k}: {v}\r\n" for k, v in ADMIN.items()) + "\r\n").encode() + chunk
    before = _fast_writes(srv.url)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        exchanges = [
            (_request("PUT", f"/v2.0/ports/{port_id}", ADMIN, body), False),  # written from the event loop
            (_request("HEAD", f"/v2.0/ports/{port_id}", ADMIN), True),
            (_request("GET", "/v2.0/networks", ADMIN), False),
            (_request("HEAD", "/v2.0/ports", ADMIN), True),
            (_request("PUT", f"/v2.0/ports/{port_id}", ADMIN, body), False),
            (_request("GET", f"/v2.0/ports/{port_id}?fields=id", ADMIN), False),
            # Chunked: the connection's bytes are NIO's alone from here, and port shows are
            # answered behind its decoder.
            (chunked, False),
            (_request("GET", f"/v2.0/ports/{port_id}", ADMIN), False),
            (_request("HEAD", f"/v2.0/ports/{port_id}", ADMIN), True),
            (_request("GET", f"/v2.0/ports/{port_id}", ADMIN), False),
            (_request("GET", "/v2.0/networks", ADMIN), False),
        ]
        answers = []
        for payload, is_head in exchanges:
            sock.sendall(payload)
            answers.append(_one_answer(sock, is_head))
    # Neutron serves no HEAD on ports: 405, without a body.
    assert [status for status, _ in answers] == [405 if is_head else 200 for _, is_head in exchanges]
    for (payload, is_head), (_, content) in zip(exchanges, answers):
        assert (content == b"") == is_head, (payload[:60], content[:80])
    assert json.loads(answers[2][1])["networks"] and json.loads(answers[10][1]) == json.loads(answers[2][1])
    assert json.loads(answers[5][1]) == {"port": {"id": port_id}}
    assert json.loads(answers[7][1]) == json.loads(answers[9][1])
    assert _fast_writes(srv.url) == before + 2
