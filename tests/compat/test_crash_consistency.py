"""Crash consistency, black box: `kill -9` (and a few SIGTERMs) at random moments while API
writes, fault events and topology edits run, and after every restart the invariants that a
crash must not break:

a) every acknowledged write (a 2xx answer) is still there, unless a later acknowledged write
   superseded it; a write whose request was in flight at the kill may have happened or not;
b) every port's `data_plane_status` is the verdict the documented rules give for the
   acknowledged state: the manual value while one is set, else DOWN when no path survives,
   else ACTIVE when correlation ever marked the port DOWN, else null; the engine's
   assessment (`GET /v2.0/ports/{id}/data-plane`) and the fault list
   (`GET /v2.0/data-plane-faults`) agree with the same model;
c) the outbox sequence (read back through the SSE stream) is exactly 1..max, without gaps;
d) the webhook receives every record committed after it was created.

The fabric is small enough to compute verdicts independently: two spines, three leaves each
with an uplink to both spines, six hosts single-homed to one leaf each (h1, h2 on leaf-1, ...),
and a host `hx` without cables that the workload adds and deletes through
/v2.0/topology/hosts. Per docs/topology.md a port bound to a fixed host is down when its
host, its leaf or both spines are down, degraded with one spine down; a port on `hx` is down
when `hx` is, and up while `hx` is not in the topology (a host a binding names is a host; its
fault records go when the topology drops it).

The model collapses uncertainty after each restart: whatever the server shows for a write that
was in flight must be one of the two possible outcomes, and becomes the model's value.
Run with `-s` to see the counts.
"""

from __future__ import annotations

import http.server
import json
import os
import random
import re
import subprocess
import threading
import time
import uuid

import pytest
import requests

from conftest import PORTWATCH_BIN, PortwatchServer, needs_own_server

# ------------------------------------------------------------------ fabric and verdict model

SPINES = ["spine-1", "spine-2"]
LEAVES = ["leaf-1", "leaf-2", "leaf-3"]
HOSTS = {"h1": "leaf-1", "h2": "leaf-1", "h3": "leaf-2", "h4": "leaf-2", "h5": "leaf-3", "h6": "leaf-3"}
DYNAMIC_HOST = "hx"
SOURCE = "chaos"

CONVERGENCE_TIMEOUT = 30.0  # generous: how long a restarted server may take to settle
REQUEST_TIMEOUT = 30.0
MAX_ROUNDS = 22
TIME_BUDGET = 120.0  # seconds of chaos rounds; the loop also ends after MAX_ROUNDS
SIGTERM_ROUNDS = {3, 9, 15, 20}  # rounds that stop with SIGTERM (exit 0 required) instead of SIGKILL
PORTS_PER_WRITER = (4, 10)  # each writer keeps between these many ports


def topology_document() -> dict:
    """The fabric above, in the documented schema (docs/topology.md)."""
    switches, links = [], []
    for spine in SPINES:
        switches.append({"id": spine, "role": "spine",
                         "ports": [{"name": f"Ethernet{i}"} for i in range(1, len(LEAVES) + 1)]})
    hosts_of = {leaf: [h for h, l in HOSTS.items() if l == leaf] for leaf in LEAVES}
    for k, leaf in enumerate(LEAVES, start=1):
        ports = [{"name": f"Ethernet{i}"} for i in range(1, len(hosts_of[leaf]) + 1)]
        ports += [{"name": "Ethernet49"}, {"name": "Ethernet50"}]
        switches.append({"id": leaf, "name": leaf, "role": "leaf", "ports": ports})
        links.append({"a": {"switch": leaf, "port": "Ethernet49"}, "b": {"switch": SPINES[0], "port": f"Ethernet{k}"}})
        links.append({"a": {"switch": leaf, "port": "Ethernet50"}, "b": {"switch": SPINES[1], "port": f"Ethernet{k}"}})
        for i, host in enumerate(hosts_of[leaf], start=1):
            links.append({"a": {"switch": leaf, "port": f"Ethernet{i}"}, "b": {"host": host, "nic": "eth0"}})
    hosts = [host_document(h) for h in HOSTS]
    return {"switches": switches, "hosts": hosts, "links": links}


def host_document(host_id: str) -> dict:
    return {"id": host_id, "nics": [{"name": "eth0"}], "tunnelInterface": "eth0"}


def expected_state(host: str, down: set, hx_present: bool):
    """The engine's state for a port bound to `host` (docs/topology.md, 'What makes a port DOWN')."""
    if host == DYNAMIC_HOST:
        if not hx_present:
            # a host only bindings name: the port depends on it alone (its records went with it)
            return "up"
        return "down" if ("host", DYNAMIC_HOST) in down else "up"
    leaf = HOSTS[host]
    if ("host", host) in down or ("switch", leaf) in down or all(("switch", s) in down for s in SPINES):
        return "down"
    if any(("switch", s) in down for s in SPINES):
        return "degraded"
    return "up"


# ------------------------------------------------------------------ helpers

def webhook_allow_args() -> list:
    """`--webhook-allow 127.0.0.0/8` when this binary has the flag (loopback webhooks)."""
    try:
        out = subprocess.run([PORTWATCH_BIN, "serve", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return ["--webhook-allow", "127.0.0.0/8"] if "--webhook-allow" in out.stdout + out.stderr else []


def api_session() -> requests.Session:
    s = requests.Session()
    s.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    return s


def call(session, method, url, body=None):
    """One request: the response, or None when no answer came (connection error, timeout)."""
    try:
        return session.request(method, url, data=None if body is None else json.dumps(body),
                               timeout=REQUEST_TIMEOUT)
    except requests.RequestException:
        return None


def poll(check, timeout=CONVERGENCE_TIMEOUT, interval=0.2):
    """Calls check() (a list of problems) until it returns none or `timeout` passes; returns
    the last list of problems."""
    deadline = time.monotonic() + timeout
    while True:
        problems = check()
        if not problems or time.monotonic() > deadline:
            return problems
        time.sleep(interval)


class SSEReader:
    """Reads the outbox through `GET /v2.0/portwatch/stream?last_event_id=N` until `stop(event)`
    says so; gives up when nothing arrives for `idle_timeout` (the stream sends heartbeats)."""

    def __init__(self, url, after, idle_timeout=30.0):
        self.url, self.after, self.idle_timeout = url, after, idle_timeout

    def read_until(self, stop, max_total=600.0):
        events = []
        deadline = time.monotonic() + max_total
        with requests.get(self.url + "/v2.0/portwatch/stream", params={"last_event_id": str(self.after)},
                          stream=True, timeout=(10, self.idle_timeout)) as r:
            r.raise_for_status()
            buffer = b""
            for chunk in r.iter_content(chunk_size=65536):
                blocks = (buffer + chunk).split(b"\n\n")
                buffer = blocks.pop()
                for block in blocks:
                    event = self._parse(block.decode("utf-8", "replace"))
                    if event is None:
                        continue
                    events.append(event)
                    if stop(event):
                        return events
                if time.monotonic() > deadline:
                    break
        raise AssertionError(f"stream ended before the expected event; read {len(events)} events "
                             f"after {self.after}, last {events[-1][:2] if events else None}")

    @staticmethod
    def _parse(block):
        fields = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            fields[key] = value[1:] if value.startswith(" ") else value
        if "id" not in fields:
            return None
        return int(fields["id"]), fields.get("event"), fields.get("data", "")


class WebhookReceiver:
    """Loopback HTTP receiver that records X-Portwatch-Sequence of every delivery."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sequences = set()
        self.deliveries = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                seq = self.headers.get("X-Portwatch-Sequence")
                with receiver.lock:
                    receiver.deliveries += 1
                    if seq is not None:
                        receiver.sequences.add(int(seq))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def missing(self, wanted):
        with self.lock:
            return sorted(set(wanted) - self.sequences)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def outbox_marker(url, session, label):
    """Creates a network named `label`; returns its name (its network.create.end marks a point in
    the outbox after everything committed before)."""
    r = session.post(url + "/v2.0/networks", data=json.dumps({"network": {"name": label}}), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 201, r.text
    return label


def is_marker(label):
    def stop(event):
        _, event_type, data = event
        return (event_type == "network.create.end" and f'"{label}"' in data
                and json.loads(data)["network"]["name"] == label)
    return stop


def metric_value(url, name):
    text = requests.get(url + "/metrics", timeout=REQUEST_TIMEOUT).text
    m = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})?\s+([0-9.e+]+)$", text, re.M)
    return float(m.group(1)) if m else None


# ------------------------------------------------------------------ the world model

class PortRecord:
    """What the test knows about one port: sets of possible values (one value once settled)."""

    def __init__(self, name, host, network_id):
        self.id = None
        self.name = name  # the name it was created with (finds an in-flight create)
        self.names = {name}
        self.host = host
        self.network_id = network_id
        self.exists = {True, False}  # until the create is acknowledged
        self.manual = {None}
        self.min_revision = 0
        self.ever_correlated = False  # correlation's value was seen non-null (it never returns to null)

    def __repr__(self):
        return (f"Port({self.id or self.name}, host={self.host}, exists={self.exists}, names={self.names}, "
                f"manual={self.manual}, rev>={self.min_revision})")


class Stats:
    """Counts of the workload's requests (printed at the end)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.acknowledged = 0
        self.rejected = 0
        self.unanswered = 0

    def count(self, method, response):
        with self.lock:
            self.requests += 1
            if response is None or response.status_code >= 500:
                self.unanswered += 1
            elif response.status_code >= 300:
                self.rejected += 1
            elif method != "GET":
                self.acknowledged += 1


class World:
    """The acknowledged state: ports, fault states, whether hx is in the topology."""

    def __init__(self):
        self.ports = {}  # key (uuid of the record) -> PortRecord; owned by writer threads
        self.faults = {}  # (type, id) -> set of possible states (True = down)
        for s in SPINES + LEAVES:
            self.faults[("switch", s)] = {False}
        for h in HOSTS:
            self.faults[("host", h)] = {False}
        self.hx_present = {False}
        self.faults[("host", DYNAMIC_HOST)] = {False}
        self.problems = []  # (round, text)
        self.unexpected = []  # 4xx answers to writes that should have succeeded
        self.stats = Stats()

    def down_set(self):
        return {r for r, states in self.faults.items() if states == {True}}


# ------------------------------------------------------------------ workload threads

class Workload(threading.Thread):
    """Base of the workload threads: loops `step()` until told to stop or a request gets no
    answer (the server is gone: that request stays 'in flight' and the thread ends)."""

    pause = 0.02  # longest sleep between two requests, seconds

    def __init__(self, world, url, stop, seed):
        super().__init__(daemon=True)
        self.world, self.url, self.stop_flag = world, url, stop
        self.rng = random.Random(seed)
        self.session = api_session()
        self.error = None

    def request(self, method, path, body=None):
        r = call(self.session, method, self.url + path, body)
        self.world.stats.count(method, r)
        if r is not None and r.status_code >= 500 and r.status_code != 503:  # 503: shutting down
            self.world.unexpected.append(f"{method} {path} -> {r.status_code} {r.text[:300]}")
        return r

    def unexpected(self, what, r):
        self.world.unexpected.append(f"{what} -> {r.status_code} {r.text[:300]}")

    def run(self):
        try:
            while not self.stop_flag.is_set():
                if not self.step():
                    return
                time.sleep(self.rng.uniform(0.0, self.pause))
        except Exception as e:  # a bug in the test: re-raised by the main thread
            self.error = e


class PortWriter(Workload):
    """Creates, renames, deletes ports of its own network and PUTs data_plane_status on them."""

    def __init__(self, world, url, stop, seed, network_id, keys):
        super().__init__(world, url, stop, seed)
        self.network_id = network_id
        self.keys = keys  # keys of world.ports this writer owns

    def live(self):
        self.keys[:] = [k for k in self.keys if k in self.world.ports]  # the checker forgets deleted ports
        return [k for k in self.keys if self.world.ports[k].exists == {True}]

    def step(self):
        live = self.live()
        low, high = PORTS_PER_WRITER
        choice = self.rng.random()
        if len(live) < low or (choice < 0.2 and len(live) < high):
            return self.create()
        port = self.world.ports[self.rng.choice(live)]
        if choice < 0.4:
            return self.rename(port)
        if choice < 0.85:
            return self.set_manual(port, self.rng.choice(["DOWN", "ACTIVE", None, None]))
        if choice < 0.93 and len(live) > low:
            return self.delete(port)
        r = self.request("GET", f"/v2.0/ports/{port.id}")
        return r is not None and r.status_code < 500

    def create(self):
        host = self.rng.choice(list(HOSTS) + [DYNAMIC_HOST])
        name = f"p-{uuid.uuid4().hex[:10]}"
        rec = PortRecord(name, host, self.network_id)
        key = uuid.uuid4().hex
        self.world.ports[key] = rec
        self.keys.append(key)
        r = self.request("POST", "/v2.0/ports",
                         {"port": {"network_id": self.network_id, "name": name, "binding:host_id": host}})
        if r is None or r.status_code >= 500:
            return False  # in flight: exists is {True, False}, found by name after the restart
        if r.status_code != 201:
            rec.exists = {False}
            self.unexpected(f"create port {name}", r)
            return True
        port = r.json()["port"]
        rec.id, rec.exists, rec.min_revision = port["id"], {True}, port["revision_number"]
        return True

    def update(self, rec, attrs, field, value):
        r = self.request("PUT", f"/v2.0/ports/{rec.id}", {"port": attrs})
        possible = getattr(rec, field)
        if r is None or r.status_code >= 500:
            possible.add(value)
            return False
        if r.status_code != 200:
            self.unexpected(f"update port {rec.id} {attrs}", r)
            return True
        possible.clear()
        possible.add(value)
        rec.min_revision = max(rec.min_revision, r.json()["port"]["revision_number"])
        return True

    def rename(self, rec):
        name = f"n-{uuid.uuid4().hex[:10]}"
        return self.update(rec, {"name": name}, "names", name)

    def set_manual(self, rec, value):
        return self.update(rec, {"data_plane_status": value}, "manual", value)

    def delete(self, rec):
        r = self.request("DELETE", f"/v2.0/ports/{rec.id}")
        if r is None or r.status_code >= 500:
            rec.exists = {True, False}
            return False
        if r.status_code != 204:
            self.unexpected(f"delete port {rec.id}", r)
            return True
        rec.exists = {False}
        return True


class FaultInjector(Workload):
    """Switch and fixed-host faults from one source: down, up, and fast flaps (down then up at
    once, inside the hold-down). Sets `held_flap` when a flap's recovery was held by damping."""

    pause = 0.15

    def __init__(self, world, url, stop, seed, held_flap):
        super().__init__(world, url, stop, seed)
        self.held_flap = held_flap
        self.resources = [("switch", s) for s in SPINES + LEAVES] + [("host", h) for h in HOSTS]

    def post(self, resource, down):
        body = {"events": [{"resource_type": resource[0], "resource_id": resource[1],
                            "state": "down" if down else "up", "source": SOURCE, "reason": "chaos"}]}
        r = self.request("POST", "/v2.0/data-plane-events", body)
        states = self.world.faults[resource]
        if r is None or r.status_code >= 500:
            states.add(down)
            return None
        if r.status_code != 200:
            self.unexpected(f"fault {resource} down={down}", r)
            return r
        states.clear()
        states.add(down)
        return r

    def step(self):
        down_now = [res for res in self.resources if self.world.faults[res] == {True}]
        up_now = [res for res in self.resources if self.world.faults[res] == {False}]
        choice = self.rng.random()
        if choice < 0.45 and up_now:
            resource = self.rng.choice(up_now)
            first = self.post(resource, True)
            if first is None:
                return False
            second = self.post(resource, False)
            if second is None:
                return False
            if second.status_code == 200 and second.json().get("held_ports", 0) > 0:
                self.held_flap.set()
            return True
        if choice < 0.75 and up_now and len(down_now) < 2:
            return self.post(self.rng.choice(up_now), True) is not None
        if down_now:
            return self.post(self.rng.choice(down_now), False) is not None
        return True


class TopologyEditor(Workload):
    """Adds and deletes host hx through /v2.0/topology/hosts, and faults it while present."""

    pause = 0.25

    def step(self):
        w = self.world
        hx = ("host", DYNAMIC_HOST)
        if w.hx_present == {False}:
            r = self.request("POST", "/v2.0/topology/hosts", {"host": host_document(DYNAMIC_HOST)})
            if r is None or r.status_code >= 500:
                w.hx_present = {True, False}
                return False
            if r.status_code != 201:
                self.unexpected("add host hx", r)
                return True
            w.hx_present = {True}
            w.faults[hx] = {False}
            return True
        choice = self.rng.random()
        if choice < 0.35:
            r = self.request("DELETE", f"/v2.0/topology/hosts/{DYNAMIC_HOST}")
            if r is None or r.status_code >= 500:
                w.hx_present = {True, False}
                w.faults[hx].add(False)  # a removed host takes its fault records with it
                return False
            if r.status_code != 204:
                self.unexpected("delete host hx", r)
                return True
            w.hx_present = {False}
            w.faults[hx] = {False}
            return True
        is_down = w.faults[hx] == {True}
        # toggle hx's fault, or flap it (down and up at once, inside the hold-down)
        states = [not is_down] if choice < 0.8 or is_down else [True, False]
        for down in states:
            body = {"events": [{"resource_type": "host", "resource_id": DYNAMIC_HOST,
                                "state": "down" if down else "up", "source": SOURCE}]}
            r = self.request("POST", "/v2.0/data-plane-events", body)
            if r is None or r.status_code >= 500:
                w.faults[hx].add(down)
                return False
            if r.status_code != 200:
                self.unexpected(f"fault hx down={down}", r)
                return True
            w.faults[hx] = {down}
        return True


# ------------------------------------------------------------------ checks after a restart

class Checker:
    """The checks after a restart. (The data-plane view leaves out null members: dp.get.)"""

    def __init__(self, world, srv, round_no):
        self.world, self.srv, self.round = world, srv, round_no
        self.session = api_session()

    def get(self, path, params=None):
        r = self.session.get(self.srv.url + path, params=params, timeout=REQUEST_TIMEOUT)
        return r

    def problem(self, text):
        self.world.problems.append((self.round, text))

    # a) acknowledged writes, and collapse of the in-flight ones
    def settle_writes(self, network_ids):
        w = self.world
        r = self.get("/v2.0/ports", params=[("network_id", n) for n in network_ids])
        assert r.status_code == 200, r.text
        on_server = {p["id"]: p for p in r.json()["ports"]}
        by_name = {p["name"]: p for p in on_server.values()}
        claimed = set()
        for key, rec in list(w.ports.items()):
            if rec.id is None:  # create in flight at the kill
                found = by_name.get(rec.name)
                if found is None:
                    rec.exists = {False}
                    continue
                rec.id, rec.min_revision = found["id"], found["revision_number"]
            present = rec.id in on_server
            if present not in rec.exists:
                self.problem(f"port {rec.id} (acknowledged {'create' if present is False else 'delete'}) "
                             f"is {'missing' if not present else 'still there'} after the restart: {rec}")
            rec.exists = {present}
            if not present:
                continue
            claimed.add(rec.id)
            got = on_server[rec.id]
            if got["name"] not in rec.names:
                self.problem(f"port {rec.id}: name {got['name']!r}, acknowledged {rec.names}")
            rec.names = {got["name"]}
            if got["revision_number"] < rec.min_revision:
                self.problem(f"port {rec.id}: revision_number {got['revision_number']} < acknowledged "
                             f"{rec.min_revision}")
            rec.min_revision = got["revision_number"]
            if got["binding:host_id"] != rec.host:
                self.problem(f"port {rec.id}: binding:host_id {got['binding:host_id']!r}, expected {rec.host!r}")
            dp = self.get(f"/v2.0/ports/{rec.id}/data-plane").json()["data_plane"]
            if dp.get("manual_override") not in {m for m in rec.manual}:
                self.problem(f"port {rec.id}: manual data_plane_status {dp['manual_override']!r}, "
                             f"acknowledged {rec.manual}")
            rec.manual = {dp.get("manual_override")}
        for pid in set(on_server) - claimed:
            self.problem(f"port {pid} ({on_server[pid]['name']}) exists but no create of it was sent")
        # forget deleted ports that are confirmed gone
        for key in [k for k, rec in w.ports.items() if rec.exists == {False}]:
            del w.ports[key]

        # faults and the dynamic host
        hx = self.get(f"/v2.0/topology/hosts/{DYNAMIC_HOST}")
        assert hx.status_code in (200, 404), hx.text
        present = hx.status_code == 200
        if present not in w.hx_present:
            self.problem(f"host {DYNAMIC_HOST} {'present' if present else 'absent'} after the restart, "
                         f"acknowledged {w.hx_present}")
        w.hx_present = {present}
        if not present:
            w.faults[("host", DYNAMIC_HOST)] = {False}
        faults = self.get("/v2.0/data-plane-faults").json()
        held = {(f["resource_type"], f["resource_id"]) for f in faults["faults"]}
        others = [f for f in faults["faults"]
                  if f["source"] != SOURCE or (f["resource_type"], f["resource_id"]) not in w.faults]
        if others:
            self.problem(f"faults nobody reported: {others}")
        for resource, states in w.faults.items():
            down = resource in held
            if down not in states:
                self.problem(f"fault state of {resource}: server says {'down' if down else 'up'}, "
                             f"acknowledged {'down' if True in states else 'up'}")
            w.faults[resource] = {down}
        if faults.get("maintenance"):
            self.problem(f"maintenance windows nobody opened: {faults['maintenance']}")

    # b) data_plane_status equals the verdict
    def verdict_problems(self):
        w = self.world
        down = w.down_set()
        hx_present = w.hx_present == {True}
        problems = []
        live = [rec for rec in w.ports.values() if rec.exists == {True}]
        r = self.get("/v2.0/ports", params=[("id", rec.id) for rec in live] or None)
        listed = {p["id"]: p for p in r.json()["ports"]} if live else {}
        observed = []
        for rec in live:
            state = expected_state(rec.host, down, hx_present)
            (manual,) = rec.manual
            dp = self.get(f"/v2.0/ports/{rec.id}/data-plane").json()["data_plane"]
            correlated = dp.get("correlated_data_plane_status")
            if state == "down":
                allowed = {"DOWN"}
            elif rec.ever_correlated:
                allowed = {"ACTIVE"}
            else:
                allowed = {None, "ACTIVE"}
            want = {manual} if manual is not None else allowed
            shown = listed.get(rec.id, {}).get("data_plane_status", "<missing>")
            why = (f"port {rec.id} on {rec.host} (leaf {HOSTS.get(rec.host, '-')}), faults {sorted(down)}, "
                   f"hx present {hx_present}, manual {manual!r}")
            if dp.get("state") != state:
                problems.append(f"{why}: engine state {dp['state']!r}, expected {state!r}")
            if correlated not in allowed:
                problems.append(f"{why}: correlated status {correlated!r}, expected one of {allowed}")
            if shown not in want or dp.get("data_plane_status") != shown:
                problems.append(f"{why}: data_plane_status {shown!r} (data-plane view "
                                f"{dp['data_plane_status']!r}), expected one of {want}")
            observed.append((rec, correlated))
        if not problems:
            for rec, correlated in observed:
                rec.ever_correlated = rec.ever_correlated or correlated is not None
        return problems


# ------------------------------------------------------------------ the test

def start_workload(world, url, network_ids, writer_keys, rng, held_flap):
    stop = threading.Event()
    threads = [PortWriter(world, url, stop, rng.random(), network_ids[i], writer_keys[i])
               for i in range(len(network_ids))]
    threads.append(FaultInjector(world, url, stop, rng.random(), held_flap))
    threads.append(TopologyEditor(world, url, stop, rng.random()))
    for t in threads:
        t.start()
    return stop, threads


def test_kill_9_at_random_points_keeps_every_invariant(tmp_path):
    """Proves (a)-(d) of the module docstring across 15-25 crashes (SIGKILL) and a few SIGTERMs,
    some of them right after a fault was cleared inside the hold-down."""
    needs_own_server()
    seed = int(os.environ.get("PORTWATCH_CHAOS_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"\nchaos seed {seed} (PORTWATCH_CHAOS_SEED={seed} repeats the random choices, not the timing)")
    srv = PortwatchServer(tmp_path, extra_args=["--flap-hold-down", "1", *webhook_allow_args()], name="chaos")
    srv.start()
    receiver = WebhookReceiver()
    world = World()
    session = api_session()
    t_start = time.monotonic()
    kills = sigterms = rounds = verdict_rounds = aimed = 0
    try:
        r = session.put(srv.url + "/v2.0/topology", data=json.dumps(topology_document()), timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200, r.text
        network_ids = []
        for i in range(2):
            r = session.post(srv.url + "/v2.0/networks", data=json.dumps({"network": {"name": f"chaos-{i}"}}),
                             timeout=REQUEST_TIMEOUT)
            assert r.status_code == 201, r.text
            network_ids.append(r.json()["network"]["id"])
        # the outbox so far, then the webhook: it must get every record after this point
        label = outbox_marker(srv.url, session, "marker-setup")
        events = SSEReader(srv.url, 0).read_until(is_marker(label))
        ids = [e[0] for e in events]
        assert ids == list(range(1, len(ids) + 1)), f"outbox sequence at start: {ids}"
        verified = ids[-1]
        r = session.post(srv.url + "/v2.0/portwatch/webhooks",
                         data=json.dumps({"webhook": {"url": receiver.url, "event_types": ["*"]}}),
                         timeout=REQUEST_TIMEOUT)
        assert r.status_code == 201, r.text
        webhook_id = r.json()["webhook"]["id"]
        webhook_from = verified + 1
        writer_keys = [[] for _ in network_ids]

        for round_no in range(1, MAX_ROUNDS + 1):
            if time.monotonic() - t_start > TIME_BUDGET:
                break
            rounds = round_no
            held_flap = threading.Event()
            stop, threads = start_workload(world, srv.url, network_ids, writer_keys, rng, held_flap)
            time.sleep(rng.uniform(0.5, 4.0))
            if round_no % 2 == 0:  # aim the kill right after a flap whose recovery is being held
                held_flap.clear()
                aimed += held_flap.wait(timeout=5)
            use_sigterm = round_no in SIGTERM_ROUNDS
            stop.set()
            if use_sigterm:
                rc = srv.stop()
                sigterms += 1
                if rc != 0:
                    world.problems.append((round_no, f"exit status {rc!r} after SIGTERM (expected 0):\n"
                                                     f"{srv.log_tail()}"))
            else:
                srv.kill()
                kills += 1
            for t in threads:
                t.join(timeout=REQUEST_TIMEOUT * 2)
                assert not t.is_alive(), f"workload thread {t} did not end"
                if t.error:
                    raise t.error
            srv.start()
            checker = Checker(world, srv, round_no)
            checker.settle_writes(network_ids)
            remaining = poll(checker.verdict_problems)
            verdict_rounds += bool(remaining)
            for p in remaining:
                world.problems.append((round_no, f"after {CONVERGENCE_TIMEOUT:.0f} s: {p}"))
            label = outbox_marker(srv.url, session, f"marker-{round_no}")
            events = SSEReader(srv.url, verified).read_until(is_marker(label))
            ids = [e[0] for e in events]
            if ids != list(range(verified + 1, verified + 1 + len(ids))):
                gaps = sorted(set(range(verified + 1, ids[-1] + 1)) - set(ids))
                world.problems.append((round_no, f"outbox sequence not gap-free after {verified}: missing {gaps[:20]}, "
                                                 f"duplicates {len(ids) - len(set(ids))}"))
            verified = max(verified, ids[-1])
            if verdict_rounds >= 2:
                break  # ports that never converge would only repeat themselves: report what was found

        # c) the whole outbox, from the start
        label = outbox_marker(srv.url, session, "marker-final")
        events = SSEReader(srv.url, 0).read_until(is_marker(label))
        ids = [e[0] for e in events]
        final = ids[-1]
        if ids != list(range(1, final + 1)):
            gaps = sorted(set(range(1, final + 1)) - set(ids))
            world.problems.append(("final", f"outbox sequence 1..{final} has gaps {gaps[:20]} "
                                            f"({len(gaps)} missing, {len(ids) - len(set(ids))} duplicates)"))
        gauge = metric_value(srv.url, "portwatch_outbox_sequence")
        if gauge is not None and gauge < final:
            world.problems.append(("final", f"portwatch_outbox_sequence {gauge} < newest sequence {final}"))

        # d) every record committed after the webhook's creation reaches it (progress-bounded)
        wanted = range(webhook_from, final + 1)
        last_missing, last_progress, deadline = None, time.monotonic(), time.monotonic() + 300
        while True:
            missing = receiver.missing(wanted)
            if not missing or time.monotonic() > deadline:
                break
            if missing != last_missing:
                last_missing, last_progress = missing, time.monotonic()
            elif time.monotonic() - last_progress > 30:
                break
            time.sleep(0.2)
        if missing:
            dead = session.get(srv.url + f"/v2.0/portwatch/webhooks/{webhook_id}/dead-letters",
                               timeout=REQUEST_TIMEOUT).json().get("dead_letters", [])
            world.problems.append(("final", f"webhook never received {len(missing)} of {len(wanted)} records "
                                            f"(first {missing[:20]}); dead letters: {len(dead)}"))

        elapsed = time.monotonic() - t_start
        s = world.stats
        print(f"rounds {rounds}, kill -9 survived {kills}, SIGTERM {sigterms} (stops right after a held "
              f"recovery: {aimed}), requests sent {s.requests}, "
              f"acknowledged writes {s.acknowledged}, rejected {s.rejected}, unanswered (in flight) "
              f"{s.unanswered}, outbox records {final}, webhook deliveries {receiver.deliveries}, "
              f"{elapsed:.0f} s")
        report = [f"round {r}: {p}" for r, p in world.problems] + [f"unexpected answer: {u}" for u in world.unexpected]
        assert not report, ("crash consistency violated (seed %d):\n  " % seed) + "\n  ".join(report[:40]) + \
            f"\n--- server log tail:\n{srv.log_tail(40)}"
        srv.assert_clean_stop()
    finally:
        receiver.close()
        if srv.proc is not None:
            srv.kill()


# ------------------------------------------------------------------ the key scenario, deterministic

@pytest.mark.parametrize("stop_with", ["SIGKILL", "SIGTERM"])
def test_fault_cleared_inside_hold_down_then_stopped_recovers_after_restart(tmp_path, stop_with):
    """A leaf goes down (its port is committed DOWN at once), and recovers at once, inside the
    5 s hold-down, so the recovery is held by flap damping; the server is then stopped at once
    (kill -9, or SIGTERM with exit 0). After the restart the fault is gone, so the port must
    become ACTIVE (recovery is always written) -- waiting up to 30 s."""
    needs_own_server()
    srv = PortwatchServer(tmp_path, extra_args=["--flap-hold-down", "5"], name=f"flap-{stop_with.lower()}")
    srv.start()
    s = api_session()
    try:
        assert s.put(srv.url + "/v2.0/topology", data=json.dumps(topology_document()),
                     timeout=REQUEST_TIMEOUT).status_code == 200
        net = s.post(srv.url + "/v2.0/networks", data=json.dumps({"network": {"name": "flap"}}),
                     timeout=REQUEST_TIMEOUT).json()["network"]
        port = s.post(srv.url + "/v2.0/ports", data=json.dumps({"port": {
            "network_id": net["id"], "name": "flap-port", "binding:host_id": "h1"}}),
            timeout=REQUEST_TIMEOUT).json()["port"]

        def event(state):
            r = s.post(srv.url + "/v2.0/data-plane-events", data=json.dumps({"events": [
                {"resource_type": "switch", "resource_id": "leaf-1", "state": state, "source": SOURCE}]}),
                timeout=REQUEST_TIMEOUT)
            assert r.status_code == 200, r.text
            return r.json()

        def attached():
            dp = s.get(srv.url + f"/v2.0/ports/{port['id']}/data-plane", timeout=REQUEST_TIMEOUT).json()
            return [] if dp["data_plane"]["attached"] else ["not attached yet"]

        assert not poll(attached), srv.log_tail()  # correlation follows port creates asynchronously
        down = event("down")
        assert down["changed_ports"] == 1, down  # the first change of a port commits at once

        def port_is(value):
            got = s.get(srv.url + f"/v2.0/ports/{port['id']}", timeout=REQUEST_TIMEOUT).json()["port"]
            return [] if got["data_plane_status"] == value else [f"data_plane_status {got['data_plane_status']!r}"]

        assert not poll(lambda: port_is("DOWN")), srv.log_tail()
        up = event("up")
        if up["held_ports"] != 1:
            pytest.skip(f"the recovery was not held (the 5 s hold-down passed already?): {up}")
        if stop_with == "SIGKILL":
            srv.kill()
        else:
            rc = srv.stop()
            assert rc == 0, f"exit status {rc!r} after SIGTERM:\n{srv.log_tail()}"
        srv.start()
        faults = s.get(srv.url + "/v2.0/data-plane-faults", timeout=REQUEST_TIMEOUT).json()["faults"]
        assert faults == [], f"leaf-1 was cleared before the stop, yet the server holds {faults}"
        problems = poll(lambda: port_is("ACTIVE"))
        dp = s.get(srv.url + f"/v2.0/ports/{port['id']}/data-plane", timeout=REQUEST_TIMEOUT).json()["data_plane"]
        assert not problems, (
            f"after leaf-1 down+up inside the hold-down and {stop_with}, the port's data_plane_status is still "
            f"not ACTIVE {CONVERGENCE_TIMEOUT:.0f} s after the restart ({problems}); engine assessment: "
            f"state {dp['state']!r}, correlated {dp['correlated_data_plane_status']!r}\n"
            f"--- server log tail:\n{srv.log_tail(30)}")
        assert dp.get("state") == "up" and dp.get("correlated_data_plane_status") == "ACTIVE", dp
        srv.assert_clean_stop()
    finally:
        if srv.proc is not None:
            srv.kill()


def test_faults_of_a_removed_host_stay_gone_after_restart(tmp_path):
    """A removed host takes its fault records with it (the fault list shows none once it is
    re-added); a restart must rebuild that same state, not resurrect the stored fault."""
    needs_own_server()
    srv = PortwatchServer(tmp_path, name="removed-host")
    srv.start()
    s = api_session()
    try:
        def go(method, path, body=None, expect=200):
            r = s.request(method, srv.url + path, data=None if body is None else json.dumps(body),
                          timeout=REQUEST_TIMEOUT)
            assert r.status_code == expect, f"{method} {path} -> {r.status_code} {r.text}"
            return r

        go("PUT", "/v2.0/topology", topology_document())
        go("POST", "/v2.0/topology/hosts", {"host": host_document(DYNAMIC_HOST)}, 201)
        go("POST", "/v2.0/data-plane-events", {"events": [
            {"resource_type": "host", "resource_id": DYNAMIC_HOST, "state": "down", "source": SOURCE}]})
        go("DELETE", f"/v2.0/topology/hosts/{DYNAMIC_HOST}", expect=204)
        go("POST", "/v2.0/topology/hosts", {"host": host_document(DYNAMIC_HOST)}, 201)
        before = go("GET", "/v2.0/data-plane-faults").json()["faults"]
        assert before == [], before
        srv.kill()
        srv.start()
        after = go("GET", "/v2.0/data-plane-faults").json()["faults"]
        assert after == before, (f"before the restart the server held no fault for the re-added host "
                                 f"{DYNAMIC_HOST}; after kill -9 and restart it holds {after}")
        srv.assert_clean_stop()
    finally:
        if srv.proc is not None:
            srv.kill()


STORM_HOSTS = 50
STORM_PORTS_PER_HOST = 100  # 5,000 ports: a storm this size is rendered while the store writes it
STORM_KILL_ROUNDS = 4


def test_kill_9_during_a_storm_commits_it_all_or_nothing(tmp_path):
    """A leaf fails behind 5,000 ports: enough for their payloads and audit lines to be rendered
    while SQLite already writes the port states (BackgroundRendering). The server is killed with
    `kill -9` at a random moment while the event commits. After each restart the storm is all there
    or not at all: every port DOWN with exactly one `port.update.end` each after the event, or none;
    and an acknowledged event is all there."""
    needs_own_server()
    seed = int(os.environ.get("PORTWATCH_CHAOS_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"seed {seed}")
    srv = PortwatchServer(tmp_path, extra_args=["--flap-hold-down", "0"], name="storm-kill")
    srv.start()
    s = api_session()
    total = STORM_HOSTS * STORM_PORTS_PER_HOST
    hosts = [f"storm-{h}" for h in range(STORM_HOSTS)]
    try:
        topology = {
            "switches": [{"id": "leaf-s", "role": "leaf", "ports": [{"name": f"Ethernet{h}"} for h in range(STORM_HOSTS)]}],
            "hosts": [{"id": h, "nics": [{"name": "eth0"}], "physnetMappings": {"physnet1": "eth0"}} for h in hosts],
            "links": [{"a": {"switch": "leaf-s", "port": f"Ethernet{i}"}, "b": {"host": h, "nic": "eth0"}}
                      for i, h in enumerate(hosts)]}
        r = s.put(srv.url + "/v2.0/topology", data=json.dumps(topology), timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200, r.text
        r = s.post(srv.url + "/v2.0/networks", data=json.dumps({"network": {
            "name": "storm", "provider:network_type": "vlan", "provider:physical_network": "physnet1",
            "provider:segmentation_id": 100}}), timeout=REQUEST_TIMEOUT)
        assert r.status_code == 201, r.text
        network = r.json()["network"]["id"]
        ids = set()
        for host in hosts:
            r = s.post(srv.url + "/v2.0/ports", data=json.dumps({"ports": [
                {"network_id": network, "name": f"{host}-{i}", "binding:host_id": host}
                for i in range(STORM_PORTS_PER_HOST)]}), timeout=REQUEST_TIMEOUT)
            assert r.status_code == 201, r.text
            ids |= {p["id"] for p in r.json()["ports"]}

        def event(state, timeout=REQUEST_TIMEOUT):
            return s.post(srv.url + "/v2.0/data-plane-events", data=json.dumps({"event": {
                "resource_type": "switch", "resource_id": "leaf-s", "state": state, "source": SOURCE}}),
                timeout=timeout)

        def statuses():
            r = s.get(srv.url + "/v2.0/ports", params={"network_id": network, "fields": ["id", "data_plane_status"]},
                      timeout=REQUEST_TIMEOUT)
            assert r.status_code == 200, r.text
            return {p["id"]: p["data_plane_status"] for p in r.json()["ports"]}

        def all_are(value):
            got = statuses()
            wrong = [i for i in ids if got.get(i) != value]
            return [f"{len(wrong)} of {total} ports not {value}"] if wrong else []

        # Correlation attaches new ports asynchronously: the first failure tells when all are attached.
        def attached():
            r = event("down")
            assert r.status_code == 200, r.text
            if r.json()["changed_ports"] == total:
                return []
            assert event("up").status_code == 200
            return [f"{r.json()['changed_ports']} of {total} ports changed"]

        assert not poll(attached), srv.log_tail()
        started = time.monotonic()
        assert event("up").status_code == 200
        commit_time = time.monotonic() - started
        assert not poll(lambda: all_are("ACTIVE")), srv.log_tail()

        for round_no in range(STORM_KILL_ROUNDS):
            before = outbox_marker(srv.url, s, f"storm-before-{round_no}")
            answer = {}

            def send():
                try:
                    answer["response"] = event("down", timeout=60)
                except requests.RequestException as error:
                    answer["error"] = error

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(rng.uniform(0, 1.5 * commit_time))
            srv.kill()
            sender.join()
            acknowledged = "response" in answer and answer["response"].status_code == 200
            srv.start()

            got = statuses()
            down = [i for i in ids if got.get(i) == "DOWN"]
            assert len(down) in (0, total), (
                f"round {round_no} (seed {seed}): {len(down)} of {total} ports DOWN after kill -9 mid-storm")
            if acknowledged:
                assert len(down) == total, f"round {round_no}: the event was acknowledged, yet no port is DOWN"
            after = outbox_marker(srv.url, s, f"storm-after-{round_no}")
            events = SSEReader(srv.url, 0).read_until(is_marker(after))
            start = next(n for n, e in enumerate(events) if is_marker(before)(e))
            updates = [json.loads(data)["port"] for _, kind, data in events[start:] if kind == "port.update.end"]
            assert sorted(p["id"] for p in updates) == sorted(down), (
                f"round {round_no} (seed {seed}): {len(updates)} port.update.end after the event for "
                f"{len(down)} ports DOWN")
            assert all(p["data_plane_status"] == "DOWN" for p in updates)
            print(f"round {round_no}: killed after {'the commit' if down else 'nothing committed'}"
                  f"{' (acknowledged)' if acknowledged else ''}")
            if down:
                assert event("up").status_code == 200
                assert not poll(lambda: all_are("ACTIVE")), srv.log_tail()
        srv.assert_clean_stop()
    finally:
        if srv.proc is not None:
            srv.kill()
