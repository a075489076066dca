"""`portwatch fault|maintenance|topology|port`: the admin CLI against a running server.

Every command runs the real binary with `--url`, in table and JSON output, and error exits are
checked: a refused request (404, 403) exits 1 with the server's message on standard error, an
unreachable server exits 1, a wrong argument exits 64, a topology diff with changes exits 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from conftest import Api, eventually, PORTWATCH_BIN, unique

FABRIC = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "NeutronAPITests", "Fixtures",
                      "fabric-small.json")


def cli(*args, url=None, check_rc=0):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_") and k != "PORTWATCH_URL"}
    command = [PORTWATCH_BIN, *args] + (["--url", url] if url else [])
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    if check_rc is not None:
        assert out.returncode == check_rc, (command, out.returncode, out.stdout, out.stderr)
    return out




def test_the_admin_cli_drives_a_running_server(server_factory, tmp_path):
    srv = server_factory().start()
    url = srv.url
    out = cli("topology", "load", FABRIC, url=url)
    assert "switches  12" in out.stdout, out.stdout
    api = Api(url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("cli")}}).json()["network"]["id"]
    port = api.post("/v2.0/ports", {"port": {"network_id": net, "binding:host_id": "compute-a3"}}).json()["port"]["id"]

    out = cli("fault", "report", "switch", "leaf-a3", "--reason", "LLDP lost", "--format", "json", url=url)
    answer = json.loads(out.stdout)
    assert answer["events"][0]["outcome"] == "accepted" and answer["changed_ports"] == 1, answer
    listed = json.loads(cli("fault", "list", "--format", "json", url=url).stdout)["faults"]
    assert [(f["resource_id"], f["source"], f["reason"]) for f in listed] == [("leaf-a3", "admin-cli", "LLDP lost")]
    table = cli("fault", "list", url=url).stdout.splitlines()
    assert table[0].split() == ["RESOURCE", "SOURCE", "SINCE", "SEVERITY", "REASON"]
    assert table[1].startswith("switch leaf-a3")

    why = json.loads(cli("port", "why", port, "--format", "json", url=url).stdout)
    assert why["data_plane"]["data_plane_status"] == "DOWN"
    assert why["data_plane"]["root_cause"] == [{"resource_type": "switch", "resource_id": "leaf-a3"}]
    assert [e["current"] for e in why["history"]] == ["down"]
    assert "root_cause         switch leaf-a3" in cli("port", "why", port, url=url).stdout

    cli("fault", "clear", "switch", "leaf-a3", url=url)
    assert eventually(lambda: api.get(f"/v2.0/ports/{port}").json()["port"]["data_plane_status"] == "ACTIVE")

    cli("maintenance", "start", "switch", "leaf-a3", url=url)
    windows = json.loads(cli("maintenance", "list", "--format", "json", url=url).stdout)["maintenance"]
    assert [w["resource_id"] for w in windows] == ["leaf-a3"]
    cli("maintenance", "end", "switch", "leaf-a3", url=url)
    assert json.loads(cli("maintenance", "list", "--format", "json", url=url).stdout)["maintenance"] == []

    # topology diff: none for the file in force (exit 0), the changes otherwise (exit 2).
    assert cli("topology", "diff", FABRIC, url=url).stdout.splitlines() == ["CHANGE  KIND  ID"]
    document = json.load(open(FABRIC))
    removed = document["switches"].pop()["id"]
    document["hosts"].append({"id": "compute-new", "nics": [{"name": "eth0"}]})
    changed = tmp_path / "changed.yaml"
    changed.write_text(json.dumps(document))
    out = cli("topology", "diff", str(changed), "--format", "json", url=url, check_rc=2)
    changes = {(c["change"], c["kind"], c["id"]) for c in json.loads(out.stdout)}
    assert ("remove", "switch", removed) in changes and ("add", "host", "compute-new") in changes, changes
    assert json.loads(cli("topology", "show", "--format", "json", url=url).stdout)["topology"]["switches"]

    # Errors: the server's refusal, an unreachable server, a wrong argument.
    out = cli("fault", "report", "switch", "no-such-switch", url=url, check_rc=1)
    assert "404 PhysicalResourceNotFound" in out.stderr, out.stderr
    out = cli("port", "why", "no-such-port", url=url, check_rc=1)
    assert "404" in out.stderr
    out = cli("fault", "list", url="http://127.0.0.1:1", check_rc=1)
    assert "cannot reach Portwatch" in out.stderr
    out = cli("fault", "report", "spine", "x", url=url, check_rc=64)
    assert "resource type must be one of" in out.stderr
    out = cli("maintenance", "start", "link", "x", url=url, check_rc=64)


def test_the_cli_sends_a_proxys_identity_headers(server_factory):
    srv = server_factory(["--auth", "headers"]).start()
    out = cli("fault", "list", url=srv.url, check_rc=1)
    assert "401" in out.stderr
    member = ["--header", "X-User-Id: u1", "--header", "X-Project-Id: p1", "--header", "X-Roles: member"]
    out = cli("fault", "report", "host", "h1", *member, url=srv.url, check_rc=1)
    assert "403" in out.stderr and "create_data_plane_event" in out.stderr, out.stderr
    admin = ["--header", "X-User-Id: a", "--header", "X-Project-Id: p1", "--header", "X-Roles: admin"]
    assert json.loads(cli("fault", "list", "--format", "json", *admin, url=srv.url).stdout)["faults"] == []
