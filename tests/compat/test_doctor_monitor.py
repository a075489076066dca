"""OPNFV Doctor's monitors pointed at Portwatch unchanged, with no topology document loaded.

The requests are made as Doctor's sample monitor makes them (`doctor_tests/monitor/sample.py`
`report_error`): `PUT <inspector>/events` with a JSON list, `datetime.now().isoformat()` times and
the sample inspector's headers; the Vitrage inspector's `POST /v1/event` with one bare event. A host
named by a port's `binding:host_id` is a host: its ports go DOWN on `compute.host.down` and back to
ACTIVE on `status: up`; ports of other hosts are untouched; malformed bodies are 400 and change
nothing.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

import requests

from conftest import Api, eventually, unique

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def report(url: str, hostname: str, status: str = "down", method: str = "PUT", bare: bool = False):
    event = {
        "id": "monitor_sample_id1",
        "time": datetime.now().isoformat(),
        "type": "compute.host.down",
        "details": {"hostname": hostname, "status": status, "monitor": "monitor_sample",
                    "monitor_event_id": "monitor_sample_event1"},
    }
    body = event if bare else [event]
    return requests.request(method, url, data=json.dumps(body), headers=HEADERS, timeout=30)




def dps(api, port):
    return api.get(f"/v2.0/ports/{port}").json()["port"].get("data_plane_status")


def test_sample_monitor_host_down_and_up_without_a_topology(server_factory):
    srv = server_factory().start()  # noauth, as the sample inspector runs (no X-Auth-Token)
    api = Api(srv.url)
    assert api.get("/v2.0/topology").json()["topology"]["hosts"] == []
    net = api.post("/v2.0/networks", {"network": {"name": unique("doctor")}}).json()["network"]["id"]
    ports = {}
    for name, host in (("vm1", "compute-1"), ("vm2", "compute-1"), ("vm3", "compute-2")):
        r = api.post("/v2.0/ports", {"port": {"network_id": net, "name": name, "binding:host_id": host,
                                              "device_id": unique("vm"), "device_owner": "compute:nova"}})
        assert r.status_code == 201, r.text
        ports[name] = r.json()["port"]["id"]

    r = report(srv.url + "/events", "compute-1")
    assert r.status_code == 200, r.text
    assert r.json()["changed_ports"] == 2
    assert [dps(api, ports[n]) for n in ("vm1", "vm2", "vm3")] == ["DOWN", "DOWN", None]
    why = api.get(f"/v2.0/ports/{ports['vm1']}/data-plane").json()["data_plane"]
    assert why["root_cause"] == [{"resource_type": "host", "resource_id": "compute-1"}]

    # Recovery from the same monitor.
    assert report(srv.url + "/events", "compute-1", "up").status_code == 200
    assert eventually(lambda: [dps(api, ports[n]) for n in ("vm1", "vm2")] == ["ACTIVE", "ACTIVE"])

    # POST /events with a bare event, and the Vitrage inspector's POST /v1/event.
    assert report(srv.url + "/events", "compute-2", method="POST", bare=True).status_code == 200
    assert dps(api, ports["vm3"]) == "DOWN"
    assert report(srv.url + "/v1/event", "compute-2", "up", method="POST", bare=True).status_code == 200
    assert eventually(lambda: dps(api, ports["vm3"]) == "ACTIVE")

    # A host no port is bound to is unknown; malformed bodies are 400; nothing changes.
    r = report(srv.url + "/events", "compute-9")
    assert r.status_code == 404 and r.json()["NeutronError"]["type"] == "PhysicalResourceNotFound", r.text
    for raw in ("", "{", "[1]", '[{"type": "compute.host.down"}]', '{"time": "yesterday", "type": "compute.host.down"}'):
        r = requests.put(srv.url + "/events", data=raw, headers=HEADERS, timeout=30)
        assert r.status_code == 400, (raw, r.text)
        assert "NeutronError" in r.json(), r.text
    assert [dps(api, ports[n]) for n in ("vm1", "vm2", "vm3")] == ["ACTIVE", "ACTIVE", "ACTIVE"]
    assert api.get("/v2.0/data-plane-faults").json()["faults"] == []

    # The fault is stored: a restart keeps the host down.
    assert report(srv.url + "/events", "compute-1").status_code == 200
    assert eventually(lambda: dps(api, ports["vm1"]) == "DOWN")
    srv.stop()
    srv.start()
    api = Api(srv.url)
    assert [dps(api, ports[n]) for n in ("vm1", "vm2", "vm3")] == ["DOWN", "DOWN", "ACTIVE"]
