"""Property-based fuzzing of the real server (hypothesis), black box.

One server (module scope) with the fabric of Tests/Fixtures/fabric-small.json, a few networks,
ports, tags and a webhook. Hypothesis draws a method, a path from templates that cover the
whole API (with ids that exist, ids that do not, and odd characters), a query string, a body
(random JSON, resource-shaped JSON, raw bytes: invalid UTF-8, truncated JSON, deep nesting,
very long strings) and identity headers, and checks for every request:

* an HTTP answer arrives (30 s socket timeout: a hang fails);
* the status is never 5xx, and a 5xx body would not leak internal error text;
* the server process is still alive;
* a rejected write (4xx) changes nothing: GET /v2.0/networks, /v2.0/ports, /v2.0/topology and
  /v2.0/data-plane-faults (as admin) return equal JSON before and after, nothing normalised
  (`updated_at` and `revision_number` included).

The server runs with `--flap-hold-down 0`, so nothing changes in the background after a write
is answered except the attachment refresh that follows an accepted port write (the snapshot
before a write waits until two reads agree). Shrinking is off (every shrink step would be a
request against a live, changing server); the failing example is printed as drawn.

Explicit tests pin the body limits: over 1 MiB is 413 with a Neutron error body, nesting
beyond 64 levels is 400, invalid UTF-8 is 400, garbage on the socket is 400 or a close.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import PortwatchServer, needs_own_server

ROOT = Path(__file__).resolve().parents[2]
FABRIC = ROOT / "Tests" / "Fixtures" / "fabric-small.json"
ANSWER_TIMEOUT = 30.0
MIB = 1024 * 1024
READ_ONLY = {"GET", "HEAD", "OPTIONS"}
# What an internal error could leak (Swift error descriptions, file names, library names).
LEAK = re.compile(r"\.swift\b|Swift\.|DecodingError|NIO[A-Z]|GRDB|SQLite|sqlite3|Fatal error|"
                  r"Optional\(|Hummingbird|Error\(|codingPath|debugDescription", re.I)

# ------------------------------------------------------------------ raw HTTP

class Answer:
    """What came back for one raw request."""

    def __init__(self, status=None, headers=None, body=b"", error=None):
        self.status, self.headers, self.body, self.error = status, headers or {}, body, error

    def text(self, n=400):
        return self.body[:n].decode("utf-8", "replace")

    def __repr__(self):
        return f"Answer(status={self.status}, error={self.error!r}, body={self.text(200)!r})"


def encode_chunked(body: bytes, size=65536) -> bytes:
    out = bytearray()
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


def raw_request(port, method, target: bytes, headers=(), body: bytes | None = None, chunked=False,
                timeout=ANSWER_TIMEOUT) -> Answer:
    """One HTTP/1.1 request on a fresh connection, written byte for byte as given (no
    normalisation of the target or headers). The body is sent from a second thread, so an
    early answer (413) is read even while the upload is refused."""
    head = [method.encode("latin-1", "replace") + b" " + target + b" HTTP/1.1",
            f"Host: 127.0.0.1:{port}".encode(), b"Connection: close"]
    head += [k + b": " + v for k, v in headers]
    if body is not None:
        head.append(b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}".encode())
    payload = b"\r\n".join(head) + b"\r\n\r\n" + (
        (encode_chunked(body) if chunked else body) if body is not None else b"")
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        return Answer(error=f"connect: {e!r}")
    sender = threading.Thread(target=_send_all, args=(sock, payload), daemon=True)
    sender.start()
    try:
        resp = http.client.HTTPResponse(sock, method=method)
        resp.begin()
        headers_ = {k.lower(): v for k, v in resp.getheaders()}
        if headers_.get("content-type", "").startswith("text/event-stream"):
            body_ = b""  # a live stream: the head is the answer
        else:
            body_ = resp.read()
        return Answer(resp.status, headers_, body_)
    except socket.timeout:
        return Answer(error="timeout")
    except (http.client.HTTPException, OSError) as e:
        return Answer(error=f"closed: {e!r}")
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes the sender if it is still blocked
        except OSError:
            pass
        sock.close()
        sender.join(timeout=5)


def _send_all(sock, payload):
    try:
        sock.sendall(payload)
    except OSError:
        pass  # the server answered (and closed) before reading everything


# ------------------------------------------------------------------ the server and its state

class Fuzzed:
    """The module's server, its fixture data, and snapshots of its state."""

    def __init__(self, workdir):
        self.srv = PortwatchServer(workdir, extra_args=["--flap-hold-down", "0"], name="fuzz")
        self.session = requests.Session()
        self.requests = 0
        self.statuses = Counter()  # answers to the fuzzed requests, by status (or 'closed')
        self.crashes = []
        self.snapshot = None  # the last snapshot, valid while `dirty` is False
        self.dirty = True

    # plumbing
    @property
    def url(self):
        return self.srv.url

    def http(self, method, path, body=None):
        self.requests += 1
        return self.session.request(method, self.url + path, timeout=ANSWER_TIMEOUT,
                                    data=None if body is None else json.dumps(body),
                                    headers={"Content-Type": "application/json"})

    def raw(self, *args, **kw):
        self.requests += 1
        return raw_request(self.srv.port, *args, **kw)

    def alive(self):
        return self.srv.proc is not None and self.srv.proc.poll() is None

    def ensure_running(self):
        """Restarts the server (same database) if an earlier test killed it."""
        if not self.alive():
            if self.srv.proc is not None:
                self.crashes.append(f"exit status {self.srv.proc.returncode}")
                self.srv.kill()
            self.srv.start()
            self.session = requests.Session()
            self.dirty = True

    # fixture data
    def load(self):
        topology = json.loads(FABRIC.read_text())
        r = self.http("PUT", "/v2.0/topology", topology)
        assert r.status_code == 200, r.text
        self.topology = topology
        for i in range(2):
            r = self.http("POST", "/v2.0/networks", {"network": {"name": f"fuzz-net-{i}"}})
            assert r.status_code == 201, r.text
        net = r.json()["network"]["id"]
        for host in ["compute-a1", "compute-a3", "compute-b1", ""]:
            r = self.http("POST", "/v2.0/ports", {"port": {"network_id": net, "name": f"fuzz-{host or 'unbound'}",
                                                           "binding:host_id": host}})
            assert r.status_code == 201, r.text
        pid = r.json()["port"]["id"]
        assert self.http("PUT", f"/v2.0/ports/{pid}/tags", {"tags": ["red", "blue"]}).status_code == 200
        r = self.http("POST", "/v2.0/data-plane-events", {"events": [
            {"resource_type": "switch", "resource_id": "leaf-a3", "state": "down", "source": "fuzz"}]})
        assert r.status_code == 200, r.text
        r = self.http("POST", "/v2.0/portwatch/webhooks", {"webhook": {"url": "http://127.0.0.1:9/fuzz"}})
        assert r.status_code in (201, 400), r.text  # 400 when loopback webhooks are refused

    def restore(self):
        """Keeps enough fixture data around for 'ids that exist' (the fuzz may delete it)."""
        snap = self.take()
        if len(snap["topology"].get("topology", {}).get("switches", [])) < 4:
            self.http("PUT", "/v2.0/topology", self.topology)
        nets = snap["networks"]["networks"]
        if not nets:
            self.http("POST", "/v2.0/networks", {"network": {"name": "fuzz-net"}})
            nets = self.http("GET", "/v2.0/networks").json()["networks"]
        if len(snap["ports"]["ports"]) < 3:
            for host in ["compute-a1", "compute-b2"]:
                self.http("POST", "/v2.0/ports", {"port": {"network_id": nets[0]["id"], "binding:host_id": host}})
        if len(snap["ports"]["ports"]) > 60:  # keep the lists small
            for p in snap["ports"]["ports"][40:]:
                self.http("DELETE", f"/v2.0/ports/{p['id']}")
        if len(nets) > 40:
            used = {p["network_id"] for p in snap["ports"]["ports"]}
            for n in nets[20:]:
                if n["id"] not in used:
                    self.http("DELETE", f"/v2.0/networks/{n['id']}")
        hooks = self.http("GET", "/v2.0/portwatch/webhooks").json().get("webhooks", [])
        for hook in hooks[3:]:  # webhooks the fuzz created keep retrying in the background
            self.http("DELETE", f"/v2.0/portwatch/webhooks/{hook['id']}")
        self.dirty = True

    SNAPSHOT = {"networks": "/v2.0/networks", "ports": "/v2.0/ports", "topology": "/v2.0/topology",
                "faults": "/v2.0/data-plane-faults"}

    def take(self):
        snap = {}
        for key, path in self.SNAPSHOT.items():
            r = self.http("GET", path)
            assert r.status_code == 200, f"GET {path} -> {r.status_code} {r.text[:300]}"
            snap[key] = r.json()
        return snap

    def stable_snapshot(self):
        """The state before a write: the last snapshot if nothing was accepted since, else two
        consecutive reads that agree (bounded)."""
        if not self.dirty and self.snapshot is not None:
            return self.snapshot
        snap = self.take()
        for _ in range(20):
            time.sleep(0.02)
            again = self.take()
            if again == snap:
                break
            snap = again
        self.snapshot, self.dirty = snap, False
        return snap

    def ids(self):
        snap = self.stable_snapshot()
        topo = snap["topology"].get("topology", {})
        return {
            "network": [n["id"] for n in snap["networks"]["networks"]],
            "port": [p["id"] for p in snap["ports"]["ports"]],
            "switch": [s["id"] for s in topo.get("switches", [])],
            "host": [h["id"] for h in topo.get("hosts", [])],
            "link": [link_id(l) for l in topo.get("links", [])],
            "tag": ["red", "blue"],
            "ext": ["portwatch-data-plane", "data-plane-status", "tag", "binding"],
            "webhook": [w["id"] for w in self.http("GET", "/v2.0/portwatch/webhooks").json().get("webhooks", [])],
            "mac": [p["mac_address"] for p in snap["ports"]["ports"]],
        }


def link_id(link):
    if link.get("id"):
        return link["id"]

    def end(e):
        return f"{e['switch']}:{e['port']}" if "switch" in e else f"{e['host']}:{e['nic']}"
    return f"{end(link['a'])}--{end(link['b'])}"


def diff(before, after):
    """Which parts of a snapshot differ, with the first differing item."""
    out = []
    for key in before:
        if before[key] != after.get(key):
            b, a = json.dumps(before[key], sort_keys=True), json.dumps(after.get(key), sort_keys=True)
            i = next((i for i, (x, y) in enumerate(zip(b, a)) if x != y), min(len(a), len(b)))
            out.append(f"{key}: before ...{b[max(0, i - 150):i + 150]}... after ...{a[max(0, i - 150):i + 150]}...")
    return out


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    needs_own_server()
    f = Fuzzed(tmp_path_factory.mktemp("fuzz"))
    f.srv.start()
    f.load()
    yield f
    print(f"\nfuzz: {f.requests} requests sent, fuzzed answers by status {dict(sorted(f.statuses.items(), key=str))}, "
          f"server restarts after a crash: {f.crashes or 'none'}")
    if f.alive():
        f.srv.assert_clean_stop()
    else:
        f.srv.kill()


@pytest.fixture
def server(fuzz):
    fuzz.ensure_running()
    fuzz.restore()
    fuzz.dirty = True
    return fuzz


# ------------------------------------------------------------------ strategies

WRITE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
PATHS = [
    "/", "/v2.0", "/v2.0/", "/v2.0/extensions", "/v2.0/extensions/{ext}", "/v2.0/extensions/{word}",
    "/v2.0/networks", "/v2.0/networks.json", "/v2.0/networks/{network}", "/v2.0/networks/{network}.json",
    "/v2.0/networks/{network}/tags", "/v2.0/networks/{network}/tags/{tag}",
    "/v2.0/ports", "/v2.0/ports.json", "/v2.0/ports/{port}", "/v2.0/ports/{port}.json",
    "/v2.0/ports/{port}/tags", "/v2.0/ports/{port}/tags/{tag}", "/v2.0/ports/{port}/tags/{word}",
    "/v2.0/ports/{port}/data-plane", "/v2.0/ports/{port}/data-plane-history",
    "/v2.0/topology", "/v2.0/topology/switches", "/v2.0/topology/switches/{switch}",
    "/v2.0/topology/hosts", "/v2.0/topology/hosts/{host}", "/v2.0/topology/links", "/v2.0/topology/links/{link}",
    "/v2.0/topology/maintenance", "/v2.0/topology/{word}",
    "/v2.0/data-plane-events", "/v2.0/data-plane-events/doctor", "/v2.0/data-plane-events/alertmanager",
    "/v2.0/data-plane-events/onos", "/v2.0/data-plane-events/opendaylight", "/v2.0/data-plane-events/{word}",
    "/v2.0/data-plane-faults", "/v2.0/data-plane-faults/{word}",
    "/v2.0/portwatch/webhooks", "/v2.0/portwatch/webhooks/{webhook}",
    "/v2.0/portwatch/webhooks/{webhook}/dead-letters", "/v2.0/portwatch/stream", "/metrics",
    "/{word}", "/v2.0/{word}", "/v2.0/ports/{port}/{word}", "/v2.0/networks/{word}/{word}/{word}",
    "//v2.0//ports", "/v2.0/ports/", "/v2.0/../v2.0/ports", "/v2.0/%2e%2e/ports", "/v2.0/ports/%00",
    "/v2.0/ports/{port}%2Fdata-plane", "*",
]
QUERY_KEYS = ["fields", "id", "name", "network_id", "sort_key", "sort_dir", "limit", "marker", "page_reverse",
              "tags", "tags-any", "not-tags", "not-tags-any", "admin_state_up", "binding:host_id", "status",
              "device_owner", "device_id", "mac_address", "project_id", "tenant_id", "shared", "mtu",
              "revision_number", "description", "data_plane_status", "last_event_id", "max_events",
              "event_types", "router:external", "provider:network_type", "fixed_ips", "x"]
QUERY_VALUES = ["", "0", "1", "2", "-1", "abc", "True", "False", "true", "asc", "desc", "name", "id", "status",
                "data_plane_status", "DOWN", "ACTIVE", "99999999999999999999", "-99999999999999999999", "1e308",
                "nan", "inf", "0x10", " 1", "red,blue", "*", "port.*", "%", "\u00e9", "\U0001f600", "a" * 300]
RESOURCE_ATTRS = {
    "port": ["network_id", "name", "description", "admin_state_up", "mac_address", "device_id", "device_owner",
             "fixed_ips", "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "binding:host_id",
             "binding:profile", "binding:vnic_type", "port_security_enabled", "data_plane_status", "tags",
             "project_id", "tenant_id", "id", "status", "revision_number", "created_at", "bogus"],
    "network": ["name", "description", "admin_state_up", "shared", "mtu", "provider:network_type",
                "provider:physical_network", "provider:segmentation_id", "router:external", "port_security_enabled",
                "availability_zone_hints", "tags", "project_id", "tenant_id", "id", "status", "subnets", "bogus"],
    "webhook": ["url", "event_types", "project_id", "tenant_id", "secret", "max_attempts", "bogus"],
    "maintenance": ["resource_type", "resource_id", "active", "source", "bogus"],
    "switch": ["id", "name", "mac", "role", "pod", "ports", "bogus"],
    "host": ["id", "nics", "bonds", "physnetMappings", "tunnelInterface", "bogus"],
    "link": ["a", "b", "id", "bogus"],
    "event": ["resource_type", "resource_id", "state", "time", "source", "severity", "correlation_id", "reason",
              "bogus"],
}
PLAUSIBLE = ["DOWN", "ACTIVE", "down", "up", "switch", "host", "link", "switch_port", "host_nic", "bond",
             "leaf-a1", "spine-a1", "compute-a1", "compute-zz", "spine", "leaf", "core", "eth0", "Ethernet1",
             "fa:16:3e:00:00:01", "not-a-mac", "http://127.0.0.1:9/x", "ftp://x", "port.*", "normal", "direct",
             "vxlan", "vlan", "flat", "physnet1", "2026-11-25T10:00:00Z", "yesterday", "critical", "{network}",
             "{port}", "{mac}", ""]

weird_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["..", ".", "%", "%zz", "%00", "a/b", "a?b", "a#b", "a b", "\u00e9", "\U0001f600", "\ufeff", "x" * 5000,
     "null", "None", "-1", "0", "00000000-0000-0000-0000-000000000000", "{}", "[]", "'", '"', "\\"])


def placeholder_value(kind, ids, data):
    """An id of `kind` that exists, one that does not, or an odd string. (What is drawn never
    depends on the server's state -- hypothesis requires that -- only how it is used.)"""
    existing = ids.get(kind) or []
    choice = data.draw(st.sampled_from(["existing", "existing", "missing", "weird"]), label=f"{kind} id kind")
    if choice == "existing":
        index = data.draw(st.integers(0, 1000), label=f"existing {kind} index")
        return existing[index % len(existing)] if existing else str(uuid.uuid4())
    if choice == "weird":
        return data.draw(weird_text, label=f"weird {kind}")
    return str(uuid.uuid4())


def draw_target(data, ids, template) -> tuple[bytes, bool]:
    """(request target bytes, raw) -- raw targets carry unencoded bytes and may be refused by
    closing the connection."""
    raw = "{" in template and data.draw(st.integers(0, 3), label="raw target") == 3  # now and then

    def fill(match):
        kind = match.group(1)
        if kind == "word":
            value = data.draw(weird_text, label="word")
        else:
            value = placeholder_value(kind, ids, data)
        return value if raw else urllib.parse.quote(value, safe="")

    path = re.sub(r"\{(\w+)\}", fill, template)
    query = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_KEYS) | weird_text,
                                         st.sampled_from(QUERY_VALUES) | weird_text |
                                         st.sampled_from(["{port}", "{network}"])), max_size=5), label="query")
    pairs = []
    for k, v in query:
        if v in ("{port}", "{network}"):
            existing = ids.get(v[1:-1]) or [str(uuid.uuid4())]
            v = existing[0]
        pairs.append((k, v))
    target = path
    if pairs:
        target += "?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)
    if template.startswith("/v2.0/portwatch/stream") and not pairs:
        target += "?last_event_id=0&max_events=1"
    if raw:
        encoded = target.encode("utf-8", "surrogatepass")
        # keep the request line parseable: no CR, LF, space
        encoded = encoded.replace(b"\r", b"%0D").replace(b"\n", b"%0A").replace(b" ", b"%20")
        return encoded, True
    return target.encode("ascii"), False


IDENTITIES = [  # None (admin, no headers) is the most frequent: policy answers (401/403) say little
    None, None, None,
    [(b"X-User-Id", b"admin-user"), (b"X-Project-Id", b"fake_project_id"), (b"X-Roles", b"admin,member,reader")],
    [(b"X-User-Id", b"u1"), (b"X-Project-Id", b"fake_project_id"), (b"X-Roles", b"member,reader")],
    [(b"X-User-Id", b"u2"), (b"X-Project-Id", b"proj-a"), (b"X-Roles", b"member,reader")],
    [(b"X-User-Id", b"u3"), (b"X-Project-Id", b"proj-a"), (b"X-Roles", b"reader")],
    [(b"X-User-Id", b"u4"), (b"X-Project-Id", b"fake_project_id"), (b"X-Roles", b"data_plane_integrator")],
    [(b"X-User-Id", b""), (b"X-Project-Id", b""), (b"X-Roles", b"")],
]


def draw_headers(data):
    headers = list(data.draw(st.sampled_from(IDENTITIES), label="identity") or [])
    if data.draw(st.integers(0, 9), label="odd identity") == 9:  # rarely (hypothesis favours 0)
        headers.append((b"X-Roles", data.draw(weird_text, label="roles").encode("utf-8", "surrogatepass")
                        .replace(b"\r", b"").replace(b"\n", b"")))
    ctype = data.draw(st.sampled_from([b"application/json", b"application/json", b"application/yaml", b"text/plain",
                                       None]), label="content type")
    if ctype:
        headers.append((b"Content-Type", ctype))
    extra = data.draw(st.sampled_from([None, (b"If-Match", b"revision_number=1"), (b"If-Match", b"revision_number=x"),
                                       (b"Last-Event-ID", b"0"), (b"Last-Event-ID", b"-5"),
                                       (b"Accept", b"application/xml")]), label="extra header")
    if extra:
        headers.append(extra)
    return headers


def json_values():
    leaves = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70) | st.integers(-10, 10)
              | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -1e308, 5e-324, 0.1])
              | st.text(max_size=30) | st.sampled_from(PLAUSIBLE))
    return st.recursive(leaves, lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(st.text(max_size=12) | st.sampled_from(sum(RESOURCE_ATTRS.values(), [])),
                                          children, max_size=4), max_leaves=16)


# Values that are right for an attribute, most of the time (json_values() supplies the wrong ones).
ATTR_VALUES = {
    "network_id": st.just("{network}"), "name": st.text(max_size=40), "description": st.text(max_size=40),
    "admin_state_up": st.booleans(), "mac_address": st.sampled_from(["{mac}", "fa:16:3e:00:00:01", "zz"]),
    "device_owner": st.sampled_from(["compute:nova", "network:dhcp", ""]), "device_id": st.text(max_size=10),
    "binding:host_id": st.sampled_from(["compute-a1", "compute-b2", "compute-zz", ""]),
    "binding:profile": st.sampled_from([{}, {"local_link_information": [
        {"switch_id": "52:54:00:0a:00:01", "port_id": "Ethernet1", "switch_info": "leaf-a1"}]},
        {"local_group_information": {"name": "bond0"}}]),
    "binding:vnic_type": st.sampled_from(["normal", "direct", "baremetal", "bogus"]),
    "data_plane_status": st.sampled_from(["DOWN", "ACTIVE", None, "UP"]), "tags": st.lists(st.text(max_size=8)),
    "fixed_ips": st.sampled_from([[], [{"ip_address": "10.0.0.5"}], [{"subnet_id": "nope"}]]),
    "allowed_address_pairs": st.sampled_from([[], [{"ip_address": "10.0.0.0/24"}], [{"mac_address": "x"}]]),
    "shared": st.booleans(), "mtu": st.integers(-1, 70000),
    "provider:network_type": st.sampled_from(["flat", "vlan", "vxlan", "geneve", "local", "bogus"]),
    "provider:physical_network": st.sampled_from(["physnet1", "physnet2", ""]),
    "provider:segmentation_id": st.integers(-1, 5000),
    "url": st.sampled_from(["http://127.0.0.1:9/x", "https://hooks.example/x", "ftp://x", "http://", "x"]),
    "event_types": st.sampled_from([["*"], ["port.*"], [], "port.*", [""]]),
    "max_attempts": st.integers(-1, 200), "secret": st.text(max_size=10),
    "resource_type": st.sampled_from(["switch", "host", "link", "switch_port", "host_nic", "bond", "planet"]),
    "resource_id": st.sampled_from(["leaf-a1", "spine-a1", "compute-a1", "compute-a1:eth0", "nowhere", ""]),
    "state": st.sampled_from(["down", "up", "DOWN", "sideways"]), "active": st.booleans(),
    "source": st.text(max_size=10), "severity": st.sampled_from(["critical", "warning", "bogus"]),
    "time": st.sampled_from(["2026-11-25T10:00:00Z", "2099-01-01T00:00:00Z", "yesterday", "0001-01-01T00:00:00Z"]),
    "id": st.sampled_from(["leaf-new", "leaf-a1", "compute-a1", "compute-new", ""]),
    "role": st.sampled_from(["spine", "leaf", "core", "floor"]),
    "ports": st.sampled_from([[], [{"name": "Ethernet1"}], [{"name": "Ethernet1"}, {"name": "Ethernet1"}]]),
    "nics": st.sampled_from([[], [{"name": "eth0"}], [{"nope": 1}]]),
    "a": st.sampled_from([{"switch": "leaf-a1", "port": "Ethernet1"}, {"host": "compute-a1", "nic": "eth0"}, {}]),
    "b": st.sampled_from([{"switch": "spine-a1", "port": "Ethernet1"}, {"host": "compute-zz", "nic": "eth0"}]),
}


def resource(kind):
    """An attribute dictionary for `kind`: mostly plausible values, some of any type."""
    def attr(name):
        good = ATTR_VALUES.get(name, st.text(max_size=10))
        return st.one_of(good, good, json_values())
    return st.lists(st.sampled_from(RESOURCE_ATTRS[kind]), max_size=6, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({n: attr(n) for n in names}))


FOREIGN = st.sampled_from([
    {"alerts": [{"status": "firing", "labels": {"alertname": "LeafDown", "switch": "leaf-a1"}}], "version": "4"},
    {"alerts": [{"status": "resolved", "labels": {"instance": "compute-a1"}}], "version": "4"},
    {"event": {"type": "DEVICE_AVAILABILITY_CHANGED", "subject": {"id": "of:0000000000000001"}}},
    {"notification": {"eventTime": "x", "data-changed-notification": {}}},
    [{"time": "2026-11-25T10:00:00Z", "type": "compute.host.down", "details": {"hostname": "compute-a1",
                                                                                  "status": "down"}}],
    {"time": "2026-11-25T10:00:00Z", "type": "compute.host.down", "details": {"hostname": "nowhere"}},
])


def body_of(kind):
    """JSON shaped like the body `kind` of route takes, or random JSON."""
    shaped = {
        "network": resource("network").map(lambda r: {"network": r})
        | st.lists(resource("network"), max_size=3).map(lambda items: {"networks": items}),
        "port": resource("port").map(lambda r: {"port": r})
        | st.lists(resource("port"), max_size=3).map(lambda items: {"ports": items}),
        "tags": st.lists(st.text(max_size=20) | st.integers() | st.none(), max_size=6).map(lambda t: {"tags": t}),
        "topology": st.fixed_dictionaries({}, optional={"switches": st.lists(resource("switch"), max_size=2),
                                                        "hosts": st.lists(resource("host"), max_size=2),
                                                        "links": st.lists(resource("link"), max_size=2)}),
        "switch": resource("switch").map(lambda r: {"switch": r}),
        "host": resource("host").map(lambda r: {"host": r}),
        "link": resource("link").map(lambda r: {"link": r}),
        "maintenance": resource("maintenance").map(lambda r: {"maintenance": r}),
        "events": st.lists(resource("event"), max_size=3).map(lambda items: {"events": items})
        | resource("event").map(lambda r: {"event": r}),
        "webhook": resource("webhook").map(lambda r: {"webhook": r}),
        "foreign": FOREIGN,
    }
    if kind is None:
        return json_values()
    return st.one_of(shaped[kind], shaped[kind], shaped[kind], json_values(),
                     st.sampled_from(list(shaped)).flatmap(lambda k: shaped[k]))


# (method, path template, body kind): the routes that take writes.
WRITE_ROUTES = [
    ("POST", "/v2.0/networks", "network"), ("PUT", "/v2.0/networks/{network}", "network"),
    ("DELETE", "/v2.0/networks/{network}", None),
    ("POST", "/v2.0/ports", "port"), ("PUT", "/v2.0/ports/{port}", "port"), ("DELETE", "/v2.0/ports/{port}", None),
    ("PUT", "/v2.0/ports/{port}/tags", "tags"), ("POST", "/v2.0/ports/{port}/tags", "tags"),
    ("DELETE", "/v2.0/ports/{port}/tags", None), ("PUT", "/v2.0/ports/{port}/tags/{tag}", None),
    ("DELETE", "/v2.0/ports/{port}/tags/{tag}", None), ("PUT", "/v2.0/networks/{network}/tags", "tags"),
    ("PUT", "/v2.0/networks/{network}/tags/{word}", None),
    ("PUT", "/v2.0/topology", "topology"), ("POST", "/v2.0/topology/switches", "switch"),
    ("DELETE", "/v2.0/topology/switches/{switch}", None), ("POST", "/v2.0/topology/hosts", "host"),
    ("DELETE", "/v2.0/topology/hosts/{host}", None), ("POST", "/v2.0/topology/links", "link"),
    ("DELETE", "/v2.0/topology/links/{link}", None), ("PUT", "/v2.0/topology/maintenance", "maintenance"),
    ("POST", "/v2.0/data-plane-events", "events"), ("POST", "/v2.0/data-plane-events/doctor", "foreign"),
    ("PUT", "/v2.0/data-plane-events/doctor", "foreign"), ("POST", "/v2.0/data-plane-events/alertmanager", "foreign"),
    ("POST", "/v2.0/data-plane-events/onos", "foreign"), ("POST", "/v2.0/data-plane-events/opendaylight", "foreign"),
    ("POST", "/v2.0/portwatch/webhooks", "webhook"), ("DELETE", "/v2.0/portwatch/webhooks/{webhook}", None),
]
BODY_KINDS = sorted({k for _, _, k in WRITE_ROUTES if k})
WRITES = st.one_of(
    st.sampled_from(WRITE_ROUTES), st.sampled_from(WRITE_ROUTES),
    st.tuples(st.sampled_from(WRITE_METHODS), st.sampled_from(PATHS), st.sampled_from(BODY_KINDS + [None])))
READS = st.tuples(st.sampled_from(["GET", "GET", "GET", "HEAD", "OPTIONS"]), st.sampled_from(PATHS), st.none())


def fill_placeholders(value, ids):
    if isinstance(value, str) and value in ("{network}", "{port}", "{mac}"):
        existing = ids.get(value[1:-1]) or []
        return existing[0] if existing else str(uuid.uuid4())
    if isinstance(value, list):
        return [fill_placeholders(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill_placeholders(v, ids) for k, v in value.items()}
    return value


def raw_bodies():
    valid = [b'{"network": {"name": "x"}}', b'{"port": {"name": "y"}}', b'{"tags": ["a"]}',
             b'{"events": [{"resource_type": "switch", "resource_id": "leaf-a1", "state": "down"}]}']
    cuts = st.sampled_from(valid).flatmap(lambda v: st.integers(1, len(v) - 1).map(lambda i: v[:i]))
    return st.one_of(
        cuts,
        st.binary(max_size=300),
        st.sampled_from([
            b"", b" ", b"null", b"[]", b"{}", b"\xef\xbb\xbf{}", b'{"network": {"name": "\xff\xfe"}}',
            b'{"port": {"name": "\xc0\xaf"}}', b'{"network": {"name": "\xed\xa0\x80"}}',
            b'{"network": {"name": "\\ud800"}}', b'{"network": {"name": "a\x00b"}}',
            b'{"network": {"mtu": 1e999}}', b'{"network": {"mtu": 123456789012345678901234567890}}',
            b'{"network": {"name": "x"}}{"network": {}}', b'{"a": 1, "a": 2}', b"NaN", b"[Infinity]",
            b"[" * 100000, b"[" * 100000 + b"]" * 100000, b'{"a":' * 50000, b"{" * 65 + b"}" * 65,
            b'{"port": {"name": "' + b"x" * 2_000_000 + b'"}}', b'"' + b"\\" * 100001 + b'"',
            b'{"tags": [' + b'"t",' * 200000 + b'"t"]}', b"- a\n- b: [c\n", b"&a [*a, *a]",
        ]),
    )


def check_answer(server, what, answer, raw_target):
    """The properties every request has: an answer, not 5xx, no leak, the server alive."""
    log = server.srv.log_tail(30)
    assert server.alive(), f"the server died on {what}: {answer}\n--- server log tail:\n{log}"
    if answer.error and raw_target and answer.error.startswith("closed"):
        return  # a raw (unencoded) target may be refused by closing the connection
    assert answer.status is not None, f"no HTTP answer to {what}: {answer.error}\n--- server log tail:\n{log}"
    if answer.status >= 500:
        leak = LEAK.search(answer.text(4000))
        assert False, (f"{what} -> {answer.status}"
                       f"{' (and the body leaks internals: ' + leak.group(0) + ')' if leak else ''}: "
                       f"{answer.text()}\n--- server log tail:\n{log}")


def send_and_check(server, data, routes, body_strategy):
    """Draws one request from `routes` ((method, template, body kind) tuples) and checks it."""
    if server.dirty:
        server.restore()  # an accepted write may have removed fixture data
    ids = server.ids()
    method, template, kind = data.draw(routes, label="route")
    target, raw_target = draw_target(data, ids, template)
    headers = draw_headers(data)
    body = data.draw(body_strategy(kind, ids), label="body") if body_strategy else None
    chunked = body is not None and data.draw(st.booleans(), label="chunked")
    write = method not in READ_ONLY
    before = server.stable_snapshot() if write else None
    answer = server.raw(method, target, headers, body, chunked=chunked)
    server.statuses[answer.status or answer.error.split(":")[0]] += 1
    shown = body if body is None or len(body) < 300 else body[:200] + b"...(%d bytes)" % len(body)
    what = f"{method} {target[:300]!r} headers={headers} body={shown!r} chunked={chunked}"
    check_answer(server, what, answer, raw_target)
    if write and answer.status is not None and 400 <= answer.status < 500:
        after = server.take()
        changes = diff(before, after)
        assert not changes, (f"{what} was rejected ({answer.status} {answer.text(300)}) but changed the state:\n"
                             + "\n".join(changes))
        server.snapshot = after
    elif write:
        server.dirty = True


def json_body(kind, ids):
    encoded = body_of(kind).map(lambda v: json.dumps(fill_placeholders(v, ids), allow_nan=True).encode())
    return st.none() | encoded if kind is None else encoded  # bodiless routes: mostly no body


def raw_body(kind, ids):
    return raw_bodies()


FUZZ = settings(deadline=None, database=None, phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much,
                                       HealthCheck.large_base_example])


# ------------------------------------------------------------------ property tests

@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzz_reads_always_answered_never_5xx(server, data):
    """GET/HEAD/OPTIONS on every path template x query strings x identities: always an answer,
    never 5xx, the server stays up."""
    send_and_check(server, data, READS, None)


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzz_json_writes_rejected_change_nothing(server, data):
    """POST/PUT/DELETE/PATCH with random and resource-shaped JSON (wrong types, nulls, huge
    ints, 1e308, unicode, placeholder ids that exist): never 5xx, and a 4xx leaves networks,
    ports, topology and faults exactly as they were."""
    send_and_check(server, data, WRITES, json_body)


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_fuzz_raw_bodies_rejected_change_nothing(server, data):
    """Writes with raw bodies (invalid UTF-8, truncated JSON, 100,000-deep nesting, 2 MB strings,
    random bytes), sent with Content-Length or chunked: never 5xx, never a hang or a crash, and
    a 4xx changes nothing."""
    send_and_check(server, data, WRITES, raw_body)


# ------------------------------------------------------------------ explicit tests

def padded(obj, size):
    """`obj` as JSON padded with spaces (valid JSON) to exactly `size` bytes."""
    text = json.dumps(obj).encode()
    assert len(text) <= size
    return text[:-1] + b" " * (size - len(text)) + text[-1:]


def neutron_error_body(answer):
    try:
        body = json.loads(answer.body)
    except ValueError:
        return None
    return body.get("NeutronError") if isinstance(body, dict) else None


def oversized_write(server, kind):
    ids = server.ids()
    net, port = ids["network"][0], ids["port"][0]
    return {
        "port-create": ("POST", "/v2.0/ports", {"port": {"network_id": net, "name": "big"}}),
        "port-update": ("PUT", f"/v2.0/ports/{port}", {"port": {"name": "big"}}),
        "port-tags": ("PUT", f"/v2.0/ports/{port}/tags", {"tags": ["big"]}),
        "network-create": ("POST", "/v2.0/networks", {"network": {"name": "big"}}),
        "network-update": ("PUT", f"/v2.0/networks/{net}", {"network": {"name": "big"}}),
    }[kind]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("kind", ["port-create", "port-update", "port-tags", "network-create", "network-update"])
def test_body_over_1_mib_is_413_and_changes_nothing(server, kind, chunked):
    """A network/port/tag write whose body is valid JSON padded to 1 MiB + 1 byte (otherwise it
    would succeed) is answered 413 with a {"NeutronError": ...} body and changes nothing, whether
    the size is announced by Content-Length or the body is chunked."""
    method, path, obj = oversized_write(server, kind)
    before = server.stable_snapshot()
    answer = server.raw(method, path.encode(), [(b"Content-Type", b"application/json")], padded(obj, MIB + 1),
                        chunked=chunked)
    after = server.take()
    server.dirty = True
    assert server.alive(), server.srv.log_tail()
    assert answer.status == 413, f"{method} {path} with {MIB + 1} bytes -> {answer}"
    assert neutron_error_body(answer) is not None, f"413 body is not a NeutronError: {answer.text()}"
    assert not diff(before, after), "\n".join(diff(before, after))


def test_body_of_exactly_1_mib_is_accepted(server):
    """The limit is 'over 1 MiB': a port create of exactly 1,048,576 bytes is not refused for its size."""
    method, path, obj = oversized_write(server, "port-create")
    answer = server.raw(method, path.encode(), [(b"Content-Type", b"application/json")], padded(obj, MIB))
    server.dirty = True
    assert answer.status == 201, f"{method} {path} with exactly {MIB} bytes -> {answer}"


@pytest.mark.parametrize("shape", ["array", "object", "inside-port"])
def test_body_nested_100000_deep_is_400(server, shape):
    """100,000 levels of nesting get a 400 Neutron error (no crash, no hang, nothing changed);
    so do 100 levels (beyond the 64 the parser allows), while 20 levels inside binding:profile
    are an ordinary body, parsed and validated: the noauth admin then meets Neutron 29's rule that
    only the service role sets binding:profile."""
    net = server.ids()["network"][0]
    n = 100_000
    bodies = {
        "array": b"[" * n + b"]" * n,
        "object": b'{"a":' * n + b"1" + b"}" * n,
        "inside-port": (b'{"port": {"network_id": "' + net.encode() + b'", "binding:profile": ' + b'{"a":' * n
                        + b"1" + b"}" * n + b"}}"),
    }
    for depth, body in ((n, bodies[shape]),
                        (100, b'{"port": {"network_id": "' + net.encode() + b'", "binding:profile": '
                         + b'{"a":' * 98 + b"1" + b"}" * 98 + b"}}")):
        before = server.stable_snapshot()
        answer = server.raw("POST", b"/v2.0/ports", [(b"Content-Type", b"application/json")], body)
        assert server.alive(), f"the server died on a body nested {depth} deep:\n{server.srv.log_tail()}"
        assert answer.status == 400, f"body nested {depth} deep -> {answer}"
        assert neutron_error_body(answer) is not None, answer.text()
        after = server.take()
        assert not diff(before, after), "\n".join(diff(before, after))
    ok = (b'{"port": {"network_id": "' + net.encode() + b'", "binding:profile": ' + b'{"a":' * 18 + b"1"
          + b"}" * 18 + b"}}")
    answer = server.raw("POST", b"/v2.0/ports", [(b"Content-Type", b"application/json")], ok)
    server.dirty = True
    assert answer.status == 403, f"20 levels of nesting -> {answer}"
    assert neutron_error_body(answer)["message"] == (
        "(rule:create_port and rule:create_port:binding:profile) is disallowed by policy"), answer.text()


@pytest.mark.parametrize("bad", [b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"ok\x80"],
                         ids=["ff-fe", "overlong", "surrogate", "truncated-sequence", "lone-continuation"])
def test_invalid_utf8_in_json_string_is_400(server, bad):
    """Invalid UTF-8 inside a JSON string is a 400 Neutron error, and nothing is created or renamed."""
    ids = server.ids()
    before = server.stable_snapshot()
    for method, path in (("POST", "/v2.0/networks"), ("PUT", f"/v2.0/ports/{ids['port'][0]}")):
        key = "network" if path.endswith("networks") else "port"
        body = b'{"' + key.encode() + b'": {"name": "bad' + bad + b'name"}}'
        answer = server.raw(method, path.encode(), [(b"Content-Type", b"application/json")], body)
        assert server.alive(), server.srv.log_tail()
        assert answer.status == 400, f"{method} {path} with {body!r} -> {answer}"
        assert neutron_error_body(answer) is not None, answer.text()
    after = server.take()
    server.dirty = True
    assert not diff(before, after), "\n".join(diff(before, after))


GARBAGE = [  # not HTTP at all, or broken HTTP: 400 or a close
    b"\x00" * 1024,
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),  # a TLS ClientHello
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /v2.0/networks HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /v2.0/networks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
    bytes((i * 37 + 11) % 256 for i in range(4096)),
]
OVERSIZED = [  # syntactically HTTP but with a huge line: any 4xx or a close
    b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"b" * 200_000 + b"\r\n\r\n",
]


@pytest.mark.parametrize("garbage", GARBAGE + OVERSIZED,
                         ids=[f"garbage-{i}" for i in range(len(GARBAGE))] + ["long-url", "long-header"])
def test_garbage_on_the_socket_is_400_or_closed(server, garbage):
    """Bytes that are not (valid) HTTP get a 400 answer or a closed connection within 30 s, and
    the server keeps serving."""
    sock = socket.create_connection(("127.0.0.1", server.srv.port), timeout=ANSWER_TIMEOUT)
    server.requests += 1
    try:
        try:
            sock.sendall(garbage)
        except OSError:
            pass  # closed while we were still sending
        received = b""
        deadline = time.monotonic() + ANSWER_TIMEOUT
        try:
            while time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
                if b"\r\n\r\n" in received:
                    break
        except socket.timeout:
            pytest.fail(f"no answer and no close within {ANSWER_TIMEOUT:.0f} s for {garbage[:60]!r}")
        except ConnectionResetError:
            received = received or b""
    finally:
        sock.close()
    if received:
        status = received.split(b"\r\n", 1)[0]
        assert re.match(rb"HTTP/1\.[01] 4\d\d", status), f"{garbage[:60]!r} -> {received[:300]!r}"
        if garbage in GARBAGE:
            assert status.split()[1] == b"400", f"{garbage[:60]!r} -> {received[:300]!r}"
    assert server.alive(), server.srv.log_tail()
    r = requests.get(server.url + "/", timeout=ANSWER_TIMEOUT)
    server.requests += 1
    assert r.status_code == 200
