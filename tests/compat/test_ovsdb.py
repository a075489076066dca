"""A real Open vSwitch as a fault source: `portwatch serve --ovsdb unix:SOCK`.

A private ovsdb-server and an ovs-vswitchd with its dummy datapath (`--enable-dummy=override`: no
kernel module) run in a temp dir; the taps are dummy interfaces whose `external_ids:iface-id` is
a Portwatch port's id, and their link goes down and up as ovs-vswitchd reports it
(`netdev-dummy/set-admin-state`). Checked: a tap's link down takes that port alone DOWN and back
ACTIVE; ovs-vswitchd stopping takes every OVS-bound port of the host DOWN (not its SR-IOV port,
not another host's) and its return brings them back; the OVSDB connection dropping is no fault.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import PORTWATCH_BIN, Api, needs_own_server, unique
from conftest import eventually as conftest_eventually

OVSDB_SERVER = shutil.which("ovsdb-server") or "/usr/sbin/ovsdb-server"
VSWITCHD = shutil.which("ovs-vswitchd") or "/usr/sbin/ovs-vswitchd"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
pytestmark = pytest.mark.skipif(
    not (os.path.exists(OVSDB_SERVER) and os.path.exists(SCHEMA)) and not os.environ.get("CI"),
    reason="openvswitch-switch is not installed (scripts/test installs it)")



def eventually(condition, timeout=90.0, interval=0.2):
    return conftest_eventually(condition, timeout=timeout, interval=interval)


class OpenVSwitch:
    """ovsdb-server + ovs-vswitchd (dummy datapath) in `root`."""

    def __init__(self, root: Path, hostname: str):
        self.root = root
        self.db = root / "conf.db"
        self.sock = root / "db.sock"
        subprocess.run(["ovsdb-tool", "create", str(self.db), SCHEMA], check=True)
        self.start_db()
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".", f"external_ids:hostname={hostname}")
        self.start_vswitchd()
        self.vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=dummy")

    def run(self, *args, check=True):
        return subprocess.run(list(args), check=check, capture_output=True, text=True, timeout=60)

    def vsctl(self, *args):
        return self.run("ovs-vsctl", f"--db=unix:{self.sock}", "--timeout=30", *args).stdout

    def start_db(self):
        self.run(OVSDB_SERVER, str(self.db), f"--remote=punix:{self.sock}", f"--unixctl={self.root / 'db.ctl'}",
                 f"--pidfile={self.root / 'db.pid'}", "--detach", "--no-chdir", f"--log-file={self.root / 'db.log'}")

    def stop_db(self):
        self.run("ovs-appctl", "-t", str(self.root / "db.ctl"), "exit", check=False)
        assert eventually(lambda: not self.sock.exists(), timeout=30)

    def start_vswitchd(self):
        self.run(VSWITCHD, f"unix:{self.sock}", "--enable-dummy=override", f"--unixctl={self.root / 'vs.ctl'}",
                 f"--pidfile={self.root / 'vs.pid'}", "--detach", "--no-chdir", f"--log-file={self.root / 'vs.log'}",
                 "-vconsole:off")

    def stop_vswitchd(self):
        self.run("ovs-appctl", "-t", str(self.root / "vs.ctl"), "exit", check=False)

    def add_tap(self, name: str, port_id: str):
        self.vsctl("add-port", "br-int", name, "--", "set", "Interface", name, "type=dummy",
                   f"external_ids:iface-id={port_id}", "external_ids:iface-status=active")

    def set_link(self, name: str, state: str):
        self.run("ovs-appctl", "-t", str(self.root / "vs.ctl"), "netdev-dummy/set-admin-state", name, state)

    def link_state(self, name: str) -> str:
        return self.vsctl("get", "Interface", name, "link_state").strip()

    def close(self):
        self.stop_vswitchd()
        self.run("ovs-appctl", "-t", str(self.root / "db.ctl"), "exit", check=False)


@pytest.fixture
def ovs(tmp_path):
    (tmp_path / "ovs").mkdir()
    switch = OpenVSwitch(tmp_path / "ovs", "compute-1")
    yield switch
    switch.close()


def dps(api, port):
    return api.get(f"/v2.0/ports/{port}").json()["port"].get("data_plane_status")


def test_open_vswitch_taps_and_the_vswitch_drive_the_ports(ovs, server_factory):
    needs_own_server()
    srv = server_factory(["--ovsdb", f"unix:{ovs.sock}", "--ovsdb-probe-interval", "1"]).start()
    api = Api(srv.url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("ovs")}}).json()["network"]["id"]

    def port(name, host, vnic="normal"):
        r = api.post("/v2.0/ports", {"port": {"network_id": net, "name": name, "binding:host_id": host,
                                              "binding:vnic_type": vnic}})
        assert r.status_code == 201, r.text
        return r.json()["port"]["id"]

    p1, p2 = port("vm1", "compute-1"), port("vm2", "compute-1")
    vf = port("vf", "compute-1", "direct")
    elsewhere = port("vm3", "compute-2")
    ovs.add_tap("tap1", p1)
    ovs.add_tap("tap2", p2)
    assert eventually(lambda: "OVSDB connected" in srv.log_tail(400)), srv.log_tail()

    # A tap's link down: that port alone.
    ovs.set_link("tap1", "down")
    assert ovs.link_state("tap1") == "down"
    assert eventually(lambda: dps(api, p1) == "DOWN"), srv.log_tail()
    why = api.get(f"/v2.0/ports/{p1}/data-plane").json()["data_plane"]
    assert why["root_cause"] == [{"resource_type": "vif", "resource_id": p1}], why
    assert [dps(api, p) for p in (p2, vf, elsewhere)] == [None, None, None]
    ovs.set_link("tap1", "up")
    assert eventually(lambda: dps(api, p1) == "ACTIVE"), srv.log_tail()

    # The OVSDB connection dropping is not a fault: nothing changes, and it reconnects.
    ovs.stop_db()
    assert eventually(lambda: "OVSDB connection lost" in srv.log_tail(400)), srv.log_tail()
    assert [dps(api, p) for p in (p1, p2, vf)] == ["ACTIVE", None, None]
    assert api.get("/v2.0/data-plane-faults").json()["faults"] == []
    ovs.start_db()
    assert eventually(lambda: srv.log_tail(400).count("OVSDB connected") >= 2), srv.log_tail()

    # ovs-vswitchd stops: every OVS-bound port of compute-1 DOWN; SR-IOV and compute-2 untouched.
    ovs.stop_vswitchd()
    assert eventually(lambda: [dps(api, p) for p in (p1, p2)] == ["DOWN", "DOWN"]), srv.log_tail()
    assert [dps(api, p) for p in (vf, elsewhere)] == [None, None]
    faults = api.get("/v2.0/data-plane-faults").json()["faults"]
    assert [(f["resource_type"], f["resource_id"], f["source"]) for f in faults] == [
        ("vswitch", "compute-1", "ovsdb:compute-1")], faults
    ovs.start_vswitchd()
    assert eventually(lambda: [dps(api, p) for p in (p1, p2)] == ["ACTIVE", "ACTIVE"]), srv.log_tail()
    assert api.get("/v2.0/data-plane-faults").json()["faults"] == []


def test_portwatch_agent_posts_with_a_source_credential_and_resends_across_an_outage(ovs, server_factory, tmp_path):
    """`portwatch agent` on the host, Portwatch in `--auth headers` with a native source credential."""
    needs_own_server()
    out = subprocess.run([PORTWATCH_BIN, "source-credentials", "new", "native", "--name", "agent-compute-1"],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    token = re.search(r"^#\s+(\S+)$", out, re.M).group(1)
    credentials = tmp_path / "sources.yaml"
    credentials.write_text("\n".join(l for l in out.splitlines() if not l.startswith("#")) + "\n")
    token_file = tmp_path / "agent.token"
    token_file.write_text(token + "\n")
    srv = server_factory(["--auth", "headers", "--source-credentials", str(credentials)]).start()
    admin = {"X-User-Id": "admin", "X-Project-Id": "p", "X-Roles": "admin,member,reader"}
    api = Api(srv.url)

    def dps(port):
        return api.get(f"/v2.0/ports/{port}", headers=admin).json()["port"].get("data_plane_status")

    net = api.post("/v2.0/networks", {"network": {"name": unique("agent")}}, headers=admin).json()["network"]["id"]
    ports = []
    for name in ("vm1", "vm2"):
        r = api.post("/v2.0/ports", {"port": {"network_id": net, "name": name, "binding:host_id": "compute-1"}},
                     headers=admin)
        ports.append(r.json()["port"]["id"])
    ovs.add_tap("tap1", ports[0])
    ovs.add_tap("tap2", ports[1])
    # A tap of a port Portwatch does not serve: ignored, not an error for the others.
    ovs.add_tap("tap9", "not-a-portwatch-port")
    ovs.set_link("tap9", "down")

    log = open(tmp_path / "agent.log", "w")
    agent = subprocess.Popen([PORTWATCH_BIN, "agent", "--ovsdb", f"unix:{ovs.sock}", "--url", srv.url,
                              "--token-file", str(token_file), "--probe-interval", "1"],
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        ovs.set_link("tap1", "down")
        assert eventually(lambda: dps(ports[0]) == "DOWN"), (tmp_path / "agent.log").read_text()
        assert dps(ports[1]) is None
        faults = api.get("/v2.0/data-plane-faults", headers=admin).json()["faults"]
        assert [(f["resource_type"], f["resource_id"], f["source"]) for f in faults] == [
            ("vif", ports[0], "ovsdb:compute-1")]

        # Portwatch goes away; the tap recovers and another fails meanwhile; the agent resends.
        port = srv.port
        srv.stop()
        ovs.set_link("tap1", "up")
        ovs.set_link("tap2", "down")
        assert eventually(lambda: "retrying" in (tmp_path / "agent.log").read_text())
        srv.start(port=port)
        assert eventually(lambda: [dps(p) for p in ports] == ["ACTIVE", "DOWN"]), (tmp_path / "agent.log").read_text()
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            assert agent.wait(timeout=30) == 0, (tmp_path / "agent.log").read_text()
        finally:
            if agent.poll() is None:
                agent.kill()
            log.close()


LLDP_JSON = """{"lldp": {"interface": [
  {"eth0": {"via": "LLDP", "chassis": {"leaf-1": {"id": {"type": "mac", "value": "52:54:00:0a:00:01"}}},
            "port": {"id": {"type": "ifname", "value": "Ethernet1"}, "descr": "Ethernet1"}}},
  {"eth1": {"via": "LLDP", "chassis": {"id": {"type": "mac", "value": "52:54:00:0a:00:02"}},
            "port": {"id": {"type": "local", "value": "14"}, "descr": "Ethernet1"}}}]}}
"""


def test_the_agent_reports_lldp_neighbours_as_learned_cabling(ovs, server_factory, tmp_path):
    """A canned `lldpcli -f json show neighbors`: the host's two NICs to two leaves."""
    needs_own_server()
    lldpcli = tmp_path / "lldpcli"
    canned = tmp_path / "neighbours.json"
    canned.write_text(LLDP_JSON)
    lldpcli.write_text(f"#!/bin/sh\ncat {canned}\n")
    lldpcli.chmod(0o755)
    srv = server_factory().start()
    api = Api(srv.url)
    fabric = {"switches": [
        {"id": "spine-1", "role": "spine", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}]},
        {"id": "leaf-1", "role": "leaf", "mac": "52:54:00:0a:00:01", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]},
        {"id": "leaf-2", "role": "leaf", "mac": "52:54:00:0a:00:02", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]}],
        "hosts": [], "links": [
        {"a": {"switch": "leaf-1", "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": "Ethernet1"}},
        {"a": {"switch": "leaf-2", "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": "Ethernet2"}}]}
    assert api.put("/v2.0/topology", fabric).status_code == 200
    net = api.post("/v2.0/networks", {"network": {"name": unique("lldp")}}).json()["network"]["id"]
    port = api.post("/v2.0/ports", {"port": {"network_id": net, "binding:host_id": "compute-1"}}).json()["port"]["id"]

    log = open(tmp_path / "agent.log", "w")
    agent = subprocess.Popen([PORTWATCH_BIN, "agent", "--ovsdb", f"unix:{ovs.sock}", "--url", srv.url, "--lldp",
                              "--lldpcli", str(lldpcli), "--lldp-interval", "1", "--host", "compute-1"],
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        def learned():
            links = api.get("/v2.0/topology").json()["topology"]["links"]
            return [l for l in links if l.get("origin") == "learned"]
        assert eventually(lambda: len(learned()) == 2), (tmp_path / "agent.log").read_text()
        standings = api.get("/v2.0/topology/learned-links").json()["learned_links"]
        assert [(l["nic"], l["standing"], l["switch_port_id"]) for l in standings] == [
            ("eth0", "in_use", "leaf-1:Ethernet1"), ("eth1", "in_use", "leaf-2:Ethernet1")], standings
        # Learned cabling drives correlation: one leaf down degrades, both down is DOWN.
        r = api.post("/v2.0/data-plane-events", {"events": [{"resource_type": "switch", "resource_id": "leaf-1",
                                                            "state": "down", "source": "test"}]})
        assert r.status_code == 200, r.text
        assert api.get(f"/v2.0/ports/{port}/data-plane").json()["data_plane"]["state"] == "degraded"
        api.post("/v2.0/data-plane-events", {"events": [{"resource_type": "switch", "resource_id": "leaf-2",
                                                         "state": "down", "source": "test"}]})
        assert eventually(lambda: api.get(f"/v2.0/ports/{port}").json()["port"]["data_plane_status"] == "DOWN")
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            agent.wait(timeout=30)
        finally:
            if agent.poll() is None:
                agent.kill()
            log.close()


COLLECTD = shutil.which("collectd") or "/usr/sbin/collectd"


@pytest.mark.skipif(not os.path.exists(COLLECTD) and not os.environ.get("CI"),
                    reason="collectd-core is not installed (scripts/test installs it)")
def test_collectd_ovs_events_through_write_http_with_basic_auth(ovs, server_factory, tmp_path):
    """A real collectd (Debian's collectd-core): ovs_events on the same OVSDB, write_http to Portwatch
    with User/Password — a basic-auth source credential of `collectd`, in `--auth headers`."""
    needs_own_server()
    password_hash = subprocess.run([PORTWATCH_BIN, "source-credentials", "hash", "--rounds", "10000"],
                                   input="collectd-secret\n", check=True, capture_output=True, text=True,
                                   timeout=60).stdout.strip()
    credentials = tmp_path / "sources.yaml"
    credentials.write_text(f'collectd:\n  - name: compute-1\n    username: collectd\n    password: "{password_hash}"\n')
    srv = server_factory(["--auth", "headers", "--source-credentials", str(credentials)]).start()
    admin = {"X-User-Id": "admin", "X-Project-Id": "p", "X-Roles": "admin,member,reader"}
    api = Api(srv.url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("collectd")}}, headers=admin).json()["network"]["id"]
    ports = [api.post("/v2.0/ports", {"port": {"network_id": net, "name": n, "binding:host_id": "compute-1"}},
                      headers=admin).json()["port"]["id"] for n in ("vm1", "vm2")]
    ovs.add_tap("tap1", ports[0])
    ovs.add_tap("tap2", ports[1])
    conf = tmp_path / "collectd.conf"
    conf.write_text(f"""
Hostname "compute-1"
Interval 1
BaseDir "{tmp_path}"
PIDFile "{tmp_path / 'collectd.pid'}"
LoadPlugin logfile
<Plugin logfile>
  File "{tmp_path / 'collectd.log'}"
  LogLevel info
</Plugin>
LoadPlugin ovs_events
LoadPlugin write_http
<Plugin ovs_events>
  Socket "{ovs.sock}"
  SendNotification true
  DispatchValues false
</Plugin>
<Plugin write_http>
  <Node "portwatch">
    URL "{srv.url}/v2.0/data-plane-events/collectd"
    Format "JSON"
    Notifications true
    StoreRates false
    User "collectd"
    Password "collectd-secret"
  </Node>
</Plugin>
""")
    proc = subprocess.Popen([COLLECTD, "-C", str(conf), "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def dps(port):
        return api.get(f"/v2.0/ports/{port}", headers=admin).json()["port"].get("data_plane_status")

    def log():
        path = tmp_path / "collectd.log"
        return path.read_text() if path.exists() else ""

    try:
        assert eventually(lambda: "Initialization complete" in log(), timeout=60), log()

        # collectd subscribes to the OVSDB a moment after it starts and reports changes only: flip
        # tap2 until its notification arrives, so that collectd is known to be watching.
        def tap2_reported():
            ovs.set_link("tap2", "up")
            ovs.set_link("tap2", "down")
            return eventually(lambda: dps(ports[1]) == "DOWN", timeout=5)
        assert eventually(tap2_reported, timeout=90, interval=0), log() + srv.log_tail()
        ovs.set_link("tap2", "up")
        assert eventually(lambda: dps(ports[1]) == "ACTIVE"), log()

        ovs.set_link("tap1", "down")
        assert eventually(lambda: dps(ports[0]) == "DOWN"), log() + srv.log_tail()
        assert dps(ports[1]) == "ACTIVE"
        faults = api.get("/v2.0/data-plane-faults", headers=admin).json()["faults"]
        assert [(f["resource_type"], f["resource_id"], f["source"]) for f in faults] == [
            ("vif", ports[0], "collectd:compute-1")], faults
        ovs.set_link("tap1", "up")
        assert eventually(lambda: dps(ports[0]) == "ACTIVE"), log()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    # A wrong password is refused.
    r = requests.post(srv.url + "/v2.0/data-plane-events/collectd", json=[], auth=("collectd", "wrong"), timeout=30)
    assert r.status_code == 401 and 'Basic realm="portwatch"' in r.headers.get("WWW-Authenticate", ""), r.text
    r = requests.post(srv.url + "/v2.0/data-plane-events/collectd", json=[], timeout=30)
    assert r.status_code == 401 and 'Basic realm="portwatch"' in r.headers.get("WWW-Authenticate", ""), r.headers
