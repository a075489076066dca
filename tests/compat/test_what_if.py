"""`POST /v2.0/data-plane-what-if` and `portwatch what-if` against the real server.

For every scenario of the fixture (Tests/Fixtures/fabric-small.json: a leaf, one spine of two, both
spines, a bond member, a host, a vswitch, maintenance, a recovery, and maintenance plus events
together), the prediction is compared, port by port, with what the same requests then do; asking
commits nothing (no port change, no fault, no notification on the live stream).
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest
import requests

from conftest import HERE, PORTWATCH_BIN, Api

ROOT = HERE.parent.parent

FABRIC = json.loads((ROOT / "Tests" / "Fixtures" / "fabric-small.json").read_text())
PHYSNET1 = {"provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 100}
PHYSNET2 = {"provider:network_type": "vlan", "provider:physical_network": "physnet2", "provider:segmentation_id": 200}
PORTS = [("p-a1", "compute-a1", 1), ("p-a2", "compute-a2", 1), ("p-a2e", "compute-a2", 2), ("p-a3", "compute-a3", 1),
         ("p-a4", "compute-a4", 1), ("p-b1", "compute-b1", 1), ("p-b2", "compute-b2", 1), ("p-b4", "compute-b4", 1)]


def event(kind, rid, state):
    return {"resource_type": kind, "resource_id": rid, "state": state, "source": "onos"}


def maintenance(kind, rid, active=True):
    return {"resource_type": kind, "resource_id": rid, "active": active}


# name, real events first, hypothetical events, hypothetical maintenance, expected summary
SCENARIOS = [
    ("leaf", [], [event("switch", "leaf-a3", "down")], [], {"down": 2, "degraded": 0, "up": 0}),
    ("one-spine", [], [event("switch", "spine-a1", "down")], [], {"down": 0, "degraded": 5, "up": 0}),
    ("both-spines", [], [event("switch", "spine-a1", "down"), event("switch", "spine-a2", "down")], [],
     {"down": 5, "degraded": 0, "up": 0}),
    ("bond-member", [], [event("host_nic", "compute-a1:eth0", "down")], [], {"down": 0, "degraded": 1, "up": 0}),
    ("host", [], [event("host", "compute-b2", "down")], [], {"down": 1, "degraded": 0, "up": 0}),
    ("vswitch", [], [event("vswitch", "compute-b4", "down")], [], {"down": 1, "degraded": 0, "up": 0}),
    ("maintenance", [event("switch", "leaf-a3", "down")], [], [maintenance("switch", "leaf-a3")],
     {"down": 0, "degraded": 0, "up": 2}),
    ("recovery", [event("switch", "leaf-a3", "down")], [event("switch", "leaf-a3", "up")], [],
     {"down": 0, "degraded": 0, "up": 2}),
    ("combined", [event("switch", "leaf-a1", "down")], [event("switch", "leaf-b1", "down")],
     [maintenance("switch", "leaf-a1")], {"down": 1, "degraded": 1, "up": 3}),
]


@pytest.fixture
def fabric_server(server_factory):
    srv = server_factory(["--flap-hold-down", "0"]).start()
    api = Api(srv.url)
    assert api.put("/v2.0/topology", FABRIC).status_code == 200
    nets = {1: api.create_network(**PHYSNET1)["id"], 2: api.create_network(**PHYSNET2)["id"]}
    ports = {name: api.create_port(nets[net], name=name, **{"binding:host_id": host, "device_id": f"vm-{host}"})["id"]
             for name, host, net in PORTS}
    return srv, api, ports


def states(api, ports):
    out = {}
    for pid in ports.values():
        view = api.get(f"/v2.0/ports/{pid}/data-plane").json()["data_plane"]
        out[pid] = (view.get("state"), view.get("data_plane_status"))
    return out


@pytest.mark.parametrize("name,setup,events,maint,summary", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_prediction_is_what_the_real_requests_then_do(fabric_server, name, setup, events, maint, summary):
    srv, api, ports = fabric_server
    if setup:
        assert api.post("/v2.0/data-plane-events", {"events": setup}).status_code == 200
    before = states(api, ports)
    faults = api.get("/v2.0/data-plane-faults").json()
    stream = requests.get(srv.url + "/v2.0/portwatch/stream", stream=True, timeout=60)
    body = {}
    if events:
        body["events"] = events
    if maint:
        body["maintenance"] = maint
    r = api.post("/v2.0/data-plane-what-if", body)
    assert r.status_code == 200, r.text
    prediction = r.json()["what_if"]
    assert prediction["summary"] == summary
    assert states(api, ports) == before, "asking changes no port"
    assert api.get("/v2.0/data-plane-faults").json() == faults, "nor a fault or maintenance"

    for change in maint:
        assert api.put("/v2.0/topology/maintenance", {"maintenance": change}).status_code == 200
    if events:
        assert api.post("/v2.0/data-plane-events", {"events": events}).status_code == 200
    after = states(api, ports)
    predicted = {p["id"]: p for p in prediction["ports"]}
    for pid, p in predicted.items():
        assert (p["state_before"], p["state"]) == (before[pid][0], after[pid][0]), (name, pid)
        assert p.get("data_plane_status_after") == after[pid][1], (name, pid)
    for pid in set(ports.values()) - set(predicted):
        assert after[pid][0] == before[pid][0], (name, pid, "changed without being predicted")
    # The what-if wrote nothing to the outbox: the stream's first record is the real request's.
    if any(after[p][1] != before[p][1] for p in ports.values()):
        first = next(line for line in stream.iter_lines(decode_unicode=True) if line.startswith("event:"))
        assert first.startswith("event: port.update"), first
    stream.close()


def test_the_cli_predicts_and_applies_nothing(fabric_server):
    srv, api, ports = fabric_server
    run = lambda *args: subprocess.run([PORTWATCH_BIN, "what-if", *args, "--url", srv.url], capture_output=True,
                                       text=True, timeout=120)
    out = run("switch", "leaf-a3", "down", "--format", "json")
    assert out.returncode == 0, out.stderr
    prediction = json.loads(out.stdout)["what_if"]
    assert sorted(p["name"] for p in prediction["ports"]) == ["p-a3", "p-a4"]
    out = run("switch", "spine-a1", "down", "--and", "switch", "spine-a2", "down")
    assert out.returncode == 0, out.stderr
    assert "would go DOWN: 5" in out.stdout and "p-a1" in out.stdout, out.stdout
    out = run("host", "compute-a3", "maintenance")
    assert out.returncode == 0 and "would go DOWN: 0" in out.stdout, out.stdout + out.stderr
    out = run("switch", "nope", "down")
    assert out.returncode == 1 and "404 PhysicalResourceNotFound" in out.stderr, out.stderr
    out = run("link", "x", "maintenance")
    assert out.returncode == 64, out.stderr
    assert api.get(f"/v2.0/ports/{ports['p-a3']}").json()["port"]["data_plane_status"] is None
    assert api.get("/v2.0/data-plane-faults").json()["faults"] == []


def test_the_stream_carries_fabric_changes_when_asked(fabric_server):
    srv, api, _ = fabric_server
    r = requests.get(srv.url + "/v2.0/portwatch/stream?fabric=maybe", timeout=30)
    assert r.status_code == 400
    stream = requests.get(srv.url + "/v2.0/portwatch/stream?fabric=true", stream=True, timeout=60)
    assert stream.status_code == 200
    # A fault on a switch no port depends on: no port notification, only the fabric event.
    assert api.post("/v2.0/data-plane-events", {"events": [event("switch", "leaf-b3", "down")]}).status_code == 200
    lines = stream.iter_lines(decode_unicode=True)
    seen = []
    deadline = time.monotonic() + 120  # heartbeats every 15 s keep the loop turning
    for line in lines:
        assert time.monotonic() < deadline, seen
        seen.append(line)
        if line.startswith("data:") and seen[-2:-1] == ["event: portwatch.fabric.update"]:
            break
    assert json.loads(seen[-1][len("data:"):])["revision"] >= 1, seen
    stream.close()
