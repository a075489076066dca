"""`portwatch serve --config portwatch.yaml`: the event sources' options are in force, and a
mistake stops the start naming the key and the line."""

from __future__ import annotations

import subprocess

from conftest import PORTWATCH_BIN, Api, free_port, unique

CONFIG = """
event_sources:
  alertmanager:
    alert_names: [FabricDown]
    labels:
      switch: [device_name]
  doctor:
    host_fault_types: [host.unreachable]
"""

FABRIC = {"switches": [
    {"id": "spine-1", "role": "spine", "ports": [{"name": "Ethernet1"}]},
    {"id": "leaf-1", "role": "leaf", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]}],
    "hosts": [{"id": "h1", "nics": [{"name": "eth0"}]}],
    "links": [{"a": {"switch": "leaf-1", "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": "Ethernet1"}},
              {"a": {"switch": "leaf-1", "port": "Ethernet1"}, "b": {"host": "h1", "nic": "eth0"}}]}


def alert(name, labels, status="firing"):
    return {"version": "4", "status": status, "receiver": "pw", "alerts": [{
        "status": status, "labels": {"alertname": name, **labels}, "startsAt": "2026-12-01T10:00:00Z",
        "endsAt": "2026-12-01T10:05:00Z" if status == "resolved" else "0001-01-01T00:00:00Z", "fingerprint": "f1"}]}


def test_the_config_files_options_are_in_force(server_factory, tmp_path):
    config = tmp_path / "portwatch.yaml"
    config.write_text(CONFIG)
    srv = server_factory(["--config", str(config)]).start()
    api = Api(srv.url)
    assert api.put("/v2.0/topology", FABRIC).status_code == 200
    net = api.post("/v2.0/networks", {"network": {"name": unique("cfg")}}).json()["network"]["id"]
    port = api.post("/v2.0/ports", {"port": {"network_id": net, "binding:host_id": "h1"}}).json()["port"]["id"]
    path = "/v2.0/data-plane-events/alertmanager"

    # The default label no longer names a switch, and other alert names are not read.
    r = api.post(path, alert("FabricDown", {"switch": "leaf-1"}))
    assert r.status_code == 200 and r.json()["events"] == [], r.text
    r = api.post(path, alert("OtherAlert", {"device_name": "leaf-1"}))
    assert r.status_code == 200 and r.json()["events"] == [], r.text
    r = api.post(path, alert("FabricDown", {"device_name": "leaf-1"}))
    assert [e["resource_id"] for e in r.json()["events"]] == ["leaf-1"], r.text
    assert api.get(f"/v2.0/ports/{port}").json()["port"]["data_plane_status"] == "DOWN"

    # Doctor's event types are the configured ones.
    event = [{"time": "2026-12-01T10:00:00", "type": "compute.host.down", "details": {"hostname": "h1", "status": "down"}}]
    r = api.put("/events", event)
    assert r.status_code == 200 and r.json()["events"] == [] and r.json()["ignored"], r.text
    event[0]["type"] = "host.unreachable"
    r = api.put("/events", event)
    assert [e["resource_id"] for e in r.json()["events"]] == ["h1"], r.text


def test_a_mistake_in_the_config_file_stops_the_start(tmp_path):
    config = tmp_path / "portwatch.yaml"
    config.write_text("event_sources:\n  alertmanager:\n    lables:\n      switch: [x]\n")
    out = subprocess.run([PORTWATCH_BIN, "serve", "--port", str(free_port()), "--database",
                          f"sqlite:{tmp_path / 'x.sqlite'}", "--config", str(config)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 64, out
    assert "line 3: event_sources.alertmanager.lables: unknown key" in out.stderr, out.stderr
