"""A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) delivering to Portwatch with
a static source credential (`--source-credentials`).

Two Alertmanagers receive the same kind of alert for different leaves: one is configured with the
right bearer token in `http_config.authorization`, the other with a wrong one. Portwatch must take
the ports behind the first leaf DOWN (and back when the alert resolves), refuse the second with 401
(Alertmanager counts the failed notification, and nothing changes), and the right token must not
read or write ports. The credentials file stores only hashes, made with `portwatch
source-credentials new|hash`, and a rotation applies without a restart. The server runs in
`--auth headers` and in the default `noauth`: the credential means the same in every mode.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from conftest import PORTWATCH_BIN, Api, free_port, needs_own_server, unique
from conftest import eventually as conftest_eventually

ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
pytestmark = pytest.mark.skipif(
    ALERTMANAGER is None and not os.environ.get("CI"),
    reason="prometheus-alertmanager is not installed (scripts/test installs it)")

ADMIN = {"X-User-Id": "u-admin", "X-Project-Id": "proj-admin", "X-Roles": "admin,member,reader"}
LEAVES = {"leaf-1": "h1", "leaf-2": "h2"}



def eventually(condition, timeout=90.0, interval=0.2):
    return conftest_eventually(condition, timeout=timeout, interval=interval)


def topology() -> dict:
    switches = [{"id": "spine-1", "role": "spine", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}]}]
    links, hosts = [], []
    for k, (leaf, host) in enumerate(LEAVES.items(), start=1):
        switches.append({"id": leaf, "role": "leaf", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]})
        links.append({"a": {"switch": leaf, "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": f"Ethernet{k}"}})
        links.append({"a": {"switch": leaf, "port": "Ethernet1"}, "b": {"host": host, "nic": "eth0"}})
        hosts.append({"id": host, "nics": [{"name": "eth0"}], "tunnelInterface": "eth0"})
    return {"switches": switches, "hosts": hosts, "links": links}


def new_credential(source: str, name: str) -> tuple[str, str]:
    """`portwatch source-credentials new`: the token and the file entry (which holds only its hash)."""
    out = subprocess.run([PORTWATCH_BIN, "source-credentials", "new", source, "--name", name],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    token = re.search(r"^#\s+(\S+)$", out, re.M).group(1)
    entry = "\n".join(line for line in out.splitlines() if not line.startswith("#")) + "\n"
    assert token not in entry, "the file entry must not contain the token"
    return token, entry


def hashed(secret: str) -> str:
    """`portwatch source-credentials hash`, the secret on standard input."""
    return subprocess.run([PORTWATCH_BIN, "source-credentials", "hash", "--rounds", "10000"], input=secret + "\n",
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()


class Alertmanager:
    """One Alertmanager process, its webhook receiver pointed at Portwatch with `token`."""

    def __init__(self, workdir: Path, target: str, token: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        config = {
            "route": {"receiver": "portwatch", "group_by": ["alertname", "switch"],
                      "group_wait": "0s", "group_interval": "1s", "repeat_interval": "1h"},
            "receivers": [{"name": "portwatch", "webhook_configs": [{
                "url": target, "send_resolved": True, "max_alerts": 0,
                "http_config": {"authorization": {"type": "Bearer", "credentials": token}}}]}],
        }
        (self.dir / "alertmanager.yml").write_text(json.dumps(config))  # JSON is YAML
        self.log = open(self.dir / "alertmanager.log", "w")
        self.proc = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={self.dir / 'alertmanager.yml'}", f"--storage.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=", "--log.level=debug"],
            stdout=self.log, stderr=subprocess.STDOUT)
        if not eventually(self.ready, timeout=60):
            self.stop()
            pytest.fail("alertmanager did not start:\n" + self.log_tail())

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/-/ready", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def fire(self, leaf: str, resolved: bool = False):
        now = datetime.now(timezone.utc)
        alert = {"labels": {"alertname": "LeafDown", "switch": leaf, "severity": "critical"},
                 "annotations": {"summary": f"{leaf} unreachable"},
                 "startsAt": (now - timedelta(minutes=1)).isoformat()}
        if resolved:
            alert["endsAt"] = now.isoformat()
        r = requests.post(self.url + "/api/v2/alerts", json=[alert], timeout=10)
        assert r.status_code == 200, r.text

    def failed_notifications(self) -> float:
        text = requests.get(self.url + "/metrics", timeout=10).text
        return sum(float(m.group(1)) for m in re.finditer(
            r'^alertmanager_notifications_failed_total\{[^}]*integration="webhook"[^}]*\} (\S+)$', text, re.M))

    def log_tail(self, n=40) -> str:
        self.log.flush()
        return "".join((self.dir / "alertmanager.log").read_text().splitlines(True)[-n:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def alertmanagers(tmp_path):
    started = []

    def start(name, target, token):
        am = Alertmanager(tmp_path / name, target, token)
        started.append(am)
        return am

    yield start
    for am in started:
        am.stop()


def data_plane_status(api, port):
    r = api.get(f"/v2.0/ports/{port}", headers=ADMIN)
    assert r.status_code == 200, r.text
    return r.json()["port"].get("data_plane_status")


@pytest.mark.parametrize("mode", ["headers", "noauth"])
def test_alertmanager_with_the_right_token_is_heard_and_a_wrong_one_refused(
        mode, server_factory, alertmanagers, tmp_path):
    needs_own_server()
    token, entry = new_credential("alertmanager", "am-primary")
    credentials = tmp_path / "source-credentials.yaml"
    credentials.write_text("# made by portwatch source-credentials new\n" + entry)
    srv = server_factory(["--auth", mode, "--source-credentials", str(credentials)]).start()
    api = Api(srv.url)
    assert api.put("/v2.0/topology", topology(), headers=ADMIN).status_code == 200
    net = api.post("/v2.0/networks", {"network": {"name": unique("am")}}, headers=ADMIN).json()["network"]["id"]
    ports = {}
    for leaf, host in LEAVES.items():
        r = api.post("/v2.0/ports", {"port": {"network_id": net, "name": f"on-{host}", "binding:host_id": host}},
                     headers=ADMIN)
        assert r.status_code == 201, r.text
        ports[leaf] = r.json()["port"]["id"]

    target = srv.url + "/v2.0/data-plane-events/alertmanager"
    good = alertmanagers("am-good", target, token)
    bad = alertmanagers("am-bad", target, token + "x")

    # The right token: leaf-1's port goes DOWN, through Alertmanager's own delivery.
    good.fire("leaf-1")
    assert eventually(lambda: data_plane_status(api, ports["leaf-1"]) == "DOWN"), good.log_tail() + srv.log_tail()

    # The wrong token: Portwatch answers 401, Alertmanager counts the failure, nothing changes.
    before = bad.failed_notifications()
    bad.fire("leaf-2")
    assert eventually(lambda: bad.failed_notifications() > before), bad.log_tail()
    assert "401" in bad.log_tail(200), bad.log_tail()
    assert data_plane_status(api, ports["leaf-2"]) is None
    faults = api.get("/v2.0/data-plane-faults", headers=ADMIN).json()["faults"]
    assert [f["resource_id"] for f in faults] == ["leaf-1"], faults

    # The token is valid for Alertmanager's events only: it neither reads nor writes ports.
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/v2.0/ports", headers=bearer).status_code == 403
    assert api.get(f"/v2.0/ports/{ports['leaf-1']}", headers=bearer).status_code == 403
    r = api.put(f"/v2.0/ports/{ports['leaf-1']}", {"port": {"data_plane_status": "ACTIVE"}}, headers=bearer)
    assert r.status_code == 403, r.text
    assert "admits only alertmanager fault events" in r.json()["NeutronError"]["message"]
    r = api.post("/v2.0/data-plane-events", {"events": [
        {"resource_type": "switch", "resource_id": "leaf-2", "state": "down"}]}, headers=bearer)
    assert r.status_code == 401, r.text
    assert data_plane_status(api, ports["leaf-1"]) == "DOWN"
    if mode == "headers":
        assert api.get("/v2.0/ports").status_code == 401, "without identity headers nobody reads ports"

    # Resolution travels the same way.
    good.fire("leaf-1", resolved=True)
    assert eventually(lambda: data_plane_status(api, ports["leaf-1"]) == "ACTIVE"), good.log_tail()

    # Rotation without a restart: the second Alertmanager's token is added, the first removed.
    pid = srv.proc.pid
    rotated = "alertmanager:\n  - name: am-secondary\n    bearer: \"%s\"\n" % hashed(token + "x")
    aside = credentials.with_name("tmp.yaml")
    aside.write_text(rotated)
    os.replace(aside, credentials)
    assert eventually(lambda: "source credentials reloaded" in srv.log_tail(200)), srv.log_tail()
    assert eventually(lambda: data_plane_status(api, ports["leaf-2"]) == "DOWN"), bad.log_tail() + srv.log_tail()
    r = requests.post(target, headers=bearer, json={"version": "4", "status": "firing", "alerts": []}, timeout=10)
    assert r.status_code == 401, "the removed token no longer admits anything"
    # A broken edit (a token in clear) is refused, naming the line, and the credentials in force stay.
    aside.write_text("# oops\nalertmanager:\n  - name: am-clear\n    bearer: %s\n" % token)
    os.replace(aside, credentials)
    assert eventually(lambda: "source credentials not loaded" in srv.log_tail(200)), srv.log_tail()
    assert re.search(r"line=4\b", srv.log_tail(200)), srv.log_tail()
    assert token not in srv.log_tail(400), "a secret must never reach the log"
    r = requests.post(target, headers={"Authorization": f"Bearer {token}x"},
                      json={"version": "4", "status": "firing", "alerts": []}, timeout=10)
    assert r.status_code == 200, r.text
    assert srv.proc.pid == pid and srv.proc.poll() is None
    srv.assert_clean_stop()


def test_a_clear_text_secret_or_an_unknown_source_fails_the_start(tmp_path):
    for text, wanted in (
        ("alertmanager:\n  - name: am\n    bearer: my-plain-token\n", "line 3"),
        ("alertmanger:\n  - name: am\n    bearer: \"sha256:%s\"\n" % ("0" * 64), "line 1"),
    ):
        path = tmp_path / "creds.yaml"
        path.write_text(text)
        out = subprocess.run([PORTWATCH_BIN, "source-credentials", "check", "--source-credentials", str(path)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and wanted in out.stderr, out
        out = subprocess.run([PORTWATCH_BIN, "serve", "--port", str(free_port()), "--database",
                              f"sqlite:{tmp_path / 'x.sqlite'}", "--source-credentials", str(path)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode != 0 and wanted in out.stderr, out
    path.write_text("onos:\n  - name: onos\n    username: onos\n    password: \"%s\"\n" % hashed("pw"))
    out = subprocess.run([PORTWATCH_BIN, "source-credentials", "check", "--source-credentials", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "1 credential(s) (onos: 1)" in out.stdout, out
