"""The real `openstack` CLI (python-openstackclient) against Portwatch, through a
clouds.yaml with auth_type none (like shared/reference/neutron-examples/clouds-noauth.yaml).
The reference transcript is shared/reference/neutron-examples/openstack-cli.txt."""

from __future__ import annotations

import pytest

from conftest import unique

@pytest.fixture(scope="module")
def cli_net(run_openstack):
    name = unique("cli-net")
    res = run_openstack("network", "create", name, "-f", "json", check=True)
    net = res.json()
    yield net
    # cleanup if a test failed half-way (ignore errors: the test may have deleted it)
    ports = run_openstack("port", "list", "--network", net["id"], "-f", "json")
    if ports.rc == 0:
        for p in ports.json():
            run_openstack("port", "delete", p["ID"])
    run_openstack("network", "delete", net["id"])


def test_network_create_and_list(run_openstack, cli_net):
    assert cli_net["name"].startswith("cli-net-")
    assert cli_net["status"] == "ACTIVE"
    assert cli_net["admin_state_up"] is True
    assert cli_net["project_id"] == "fake_project_id"
    assert cli_net["revision_number"] == 1
    res = run_openstack("network", "list", "-f", "json", check=True)
    rows = {r["ID"]: r for r in res.json()}
    assert cli_net["id"] in rows
    assert rows[cli_net["id"]]["Name"] == cli_net["name"]
    res = run_openstack("network", "show", cli_net["name"], "-f", "json", check=True)
    assert res.json()["id"] == cli_net["id"]


def test_extension_list_shows_data_plane_status(run_openstack):
    res = run_openstack("extension", "list", "--network", "-f", "json", check=True)
    rows = {r["Alias"]: r for r in res.json()}
    assert "data-plane-status" in rows
    assert rows["data-plane-status"]["Name"] == "Port data plane status extension"
    assert rows["data-plane-status"]["Description"] == "Expose status of underlying data plane"
    res = run_openstack("extension", "show", "data-plane-status", "-f", "json", check=True)
    ext = res.json()
    assert ext["alias"] == "data-plane-status"
    assert ext["updated_at"] == "2017-01-24T10:00:00-00:00"


def test_port_data_plane_status_lifecycle(run_openstack, cli_net):
    name = unique("cli-port")
    res = run_openstack("port", "create", "--network", cli_net["name"], name, "-f", "json",
                        check=True)
    port = res.json()
    assert port["name"] == name
    assert port["network_id"] == cli_net["id"]
    assert port["data_plane_status"] is None
    assert port["status"] == "DOWN"
    rev = port["revision_number"]
    assert rev == 1

    res = run_openstack("port", "set", "--data-plane-status", "DOWN", port["id"], check=True)
    assert res.stdout.strip() == ""
    shown = run_openstack("port", "show", port["id"], "-f", "json", check=True).json()
    assert shown["data_plane_status"] == "DOWN"
    assert shown["revision_number"] == rev + 1
    assert shown["status"] == "DOWN"

    run_openstack("port", "set", "--data-plane-status", "ACTIVE", port["id"], check=True)
    shown = run_openstack("port", "show", port["id"], "-c", "data_plane_status", "-c",
                          "revision_number", "-f", "json", check=True).json()
    assert shown == {"data_plane_status": "ACTIVE", "revision_number": rev + 2}

    # `port unset --data-plane-status` sends null (upstream answers 500 here: example 12)
    res = run_openstack("port", "unset", "--data-plane-status", port["id"])
    assert res.rc == 0, res.stderr
    shown = run_openstack("port", "show", port["id"], "-f", "json", check=True).json()
    assert shown["data_plane_status"] is None
    assert shown["revision_number"] == rev + 3

    res = run_openstack("port", "delete", port["id"])
    assert res.rc == 0, res.stderr
    res = run_openstack("port", "show", port["id"], "-f", "json")
    assert res.rc != 0
    assert port["id"] in res.stderr or "No Port found" in res.stderr


def test_port_list_long_with_filters(run_openstack, cli_net):
    host = unique("host")
    a = run_openstack("port", "create", "--network", cli_net["id"], "--device-owner",
                      "compute:nova", "--host", host, unique("cli-a"), "-f", "json",
                      check=True).json()
    b = run_openstack("port", "create", "--network", cli_net["id"], "--device-owner",
                      "network:dhcp", unique("cli-b"), "-f", "json", check=True).json()
    assert a["binding_host_id"] == host
    assert a["status"] == "ACTIVE"  # bound + admin up (Portwatch's derived status)
    assert b["status"] == "DOWN"

    res = run_openstack("port", "list", "--long", "--network", cli_net["id"], "-f", "json",
                        check=True)
    rows = {r["ID"]: r for r in res.json()}
    assert set(rows) == {a["id"], b["id"]}
    row = rows[a["id"]]
    assert set(row) == {"ID", "Name", "MAC Address", "Fixed IP Addresses", "Status",
                        "Security Groups", "Device Owner", "Tags", "Trunk subports"}
    assert row["Name"] == a["name"]
    assert row["MAC Address"] == a["mac_address"]
    assert row["Status"] == "ACTIVE"
    assert row["Device Owner"] == "compute:nova"
    assert row["Fixed IP Addresses"] == []
    assert rows[b["id"]]["Device Owner"] == "network:dhcp"

    res = run_openstack("port", "list", "--network", cli_net["id"], "--device-owner",
                        "compute:nova", "-f", "json", check=True)
    assert [r["ID"] for r in res.json()] == [a["id"]]
    res = run_openstack("port", "list", "--host", host, "-f", "json", check=True)
    assert [r["ID"] for r in res.json()] == [a["id"]]
    res = run_openstack("port", "list", "--network", cli_net["id"], "--status", "DOWN",
                        "-f", "json", check=True)
    assert [r["ID"] for r in res.json()] == [b["id"]]
    res = run_openstack("port", "list", "--mac-address", b["mac_address"], "-f", "json",
                        check=True)
    assert [r["ID"] for r in res.json()] == [b["id"]]

    # tags through the CLI
    run_openstack("port", "set", "--tag", "red", "--tag", "blue", a["id"], check=True)
    res = run_openstack("port", "list", "--network", cli_net["id"], "--tags", "red", "-f",
                        "json", check=True)
    assert [r["ID"] for r in res.json()] == [a["id"]]
    res = run_openstack("port", "list", "--network", cli_net["id"], "--not-tags", "red",
                        "-f", "json", check=True)
    assert [r["ID"] for r in res.json()] == [b["id"]]

    # pagination through the CLI
    res = run_openstack("port", "list", "--network", cli_net["id"], "--limit", "1", "-f",
                        "json", check=True)
    assert sorted(r["ID"] for r in res.json()) == sorted([a["id"], b["id"]])

    for p in (a, b):
        run_openstack("port", "delete", p["id"], check=True)
    res = run_openstack("port", "list", "--network", cli_net["id"], "-f", "json", check=True)
    assert res.json() == []


def test_network_delete(run_openstack):
    name = unique("cli-del")
    net = run_openstack("network", "create", name, "-f", "json", check=True).json()
    port = run_openstack("port", "create", "--network", net["id"], unique("p"), "-f", "json",
                         check=True).json()
    res = run_openstack("network", "delete", net["id"])
    assert res.rc != 0
    assert "There are one or more ports still in use on the network" in res.stderr
    run_openstack("port", "delete", port["id"], check=True)
    run_openstack("network", "delete", net["id"], check=True)
    res = run_openstack("network", "list", "-f", "json", check=True)
    assert net["id"] not in {r["ID"] for r in res.json()}


def test_security_group_lifecycle(run_openstack, cli_net):
    # The project's default group exists from its first network on; a list shows it.
    rows = run_openstack("security", "group", "list", "-f", "json", check=True).json()
    defaults = [r for r in rows if r["Name"] == "default" and r["Project"] == "fake_project_id"]
    assert len(defaults) == 1
    default = run_openstack("security", "group", "show", defaults[0]["ID"], "-f", "json", check=True).json()
    assert default["description"] == "Default security group"
    assert default["stateful"] is True
    assert len(default["rules"]) == 4

    name = unique("cli-sg")
    group = run_openstack("security", "group", "create", "--description", "web tier", name, "-f", "json",
                          check=True).json()
    assert group["name"] == name
    assert group["description"] == "web tier"
    assert len(group["rules"]) == 2, "egress over IPv4 and IPv6"
    shown = run_openstack("security", "group", "show", name, "-f", "json", check=True).json()
    assert shown["id"] == group["id"]
    rule = run_openstack("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", name,
                         "-f", "json", check=True).json()
    assert (rule["protocol"], rule["port_range_min"], rule["port_range_max"]) == ("tcp", 22, 22)
    again = run_openstack("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", name)
    assert again.rc != 0 and "already exists" in again.stderr
    rules = run_openstack("security", "group", "rule", "list", name, "-f", "json", check=True).json()
    assert len(rules) == 3
    run_openstack("security", "group", "rule", "delete", rule["id"], check=True)
    assert len(run_openstack("security", "group", "rule", "list", name, "-f", "json", check=True).json()) == 2

    port_name = unique("cli-sg-port")
    port = run_openstack("port", "create", "--network", cli_net["id"], "--security-group", name, port_name,
                         "-f", "json", check=True).json()
    assert port["security_group_ids"] == [group["id"]]
    plain = run_openstack("port", "create", "--network", cli_net["id"], unique("cli-plain"), "-f", "json",
                          check=True).json()
    assert plain["security_group_ids"] == [defaults[0]["ID"]]

    in_use = run_openstack("security", "group", "delete", name)
    assert in_use.rc != 0
    assert "in use" in in_use.stderr
    run_openstack("port", "delete", port["id"], plain["id"], check=True)
    run_openstack("security", "group", "delete", name, check=True)
    gone = run_openstack("security", "group", "show", group["id"])
    assert gone.rc != 0
