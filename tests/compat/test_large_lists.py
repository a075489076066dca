"""Lists longer than one chunk (1,024 items) and ports loaded back from the store.

A list of more than 1,024 items is sent in pieces as it is rendered (chunked transfer encoding), so
that a full list of 100,000 ports never holds its whole body in memory. Clients must see the same
document as before: these tests compare the streamed list with the pages of the same list, with
filters, fields and sorting, through raw HTTP and openstacksdk.

Ports loaded from the store share their repeated values (network, project, security groups,
`binding:vif_details`, ...). The tests check that every port reads back byte for byte the same after
a restart, and that changing one port's shared values leaves the others alone.
"""

import json

import pytest

from conftest import Api, unique, write_clouds_yaml

ADMIN = {"X-User-Id": "u-admin", "X-Project-Id": "proj-admin", "X-Roles": "admin"}
COUNT = 2600


def make_big_server(server_factory, args):
    srv = server_factory(args).start()
    api = Api(srv.url)
    net = api.post("/v2.0/networks", {"network": {"name": unique("big")}}, headers=ADMIN).json()["network"]
    sg = api.post("/v2.0/security-groups", {"security_group": {"name": unique("sg")}}, headers=ADMIN)
    assert sg.status_code == 201, sg.text
    sg_id = sg.json()["security_group"]["id"]
    ids = []
    for start in range(0, COUNT, 1000):
        body = {"ports": [
            {"network_id": net["id"], "name": f"p{i:05d}", "binding:host_id": f"compute-{i % 7}",
             "binding:vnic_type": "direct" if i % 5 == 0 else "normal",
             "security_groups": [sg_id], "description": f"port {i}"}
            for i in range(start, min(COUNT, start + 1000))]}
        r = api.post("/v2.0/ports", body, headers=ADMIN)
        assert r.status_code == 201, r.text
        ids += [p["id"] for p in r.json()["ports"]]
    return srv, api, net, sg_id, ids


@pytest.fixture
def big_server(server_factory):
    return make_big_server(server_factory, ["--auth", "headers"])


def pages(api, path, params, limit):
    """Every item of a paged list, following its `next` links."""
    key = path.rsplit("/", 1)[-1].replace("-", "_")
    items, query = [], dict(params, limit=limit)
    while True:
        r = api.get(path, params=query, headers=ADMIN)
        assert r.status_code == 200, r.text
        doc = r.json()
        items += doc[key]
        nxt = [link for link in doc.get(key + "_links", []) if link["rel"] == "next"]
        if not nxt:
            return items
        query = dict(params, limit=limit, marker=items[-1]["id"])


def test_streamed_list_equals_its_pages(big_server):
    srv, api, net, sg_id, ids = big_server
    full = api.get("/v2.0/ports", headers=ADMIN)
    assert full.status_code == 200
    assert full.headers["Content-Type"] == "application/json"
    doc = full.json()
    assert set(doc) == {"ports"}
    assert sorted(p["id"] for p in doc["ports"]) == sorted(ids)
    assert doc["ports"] == pages(api, "/v2.0/ports", {}, 1000)

    # The router's other paths: a network filter, fields, a sort that is not by id.
    by_net = api.get("/v2.0/ports", params={"network_id": net["id"], "fields": ["id", "name"]}, headers=ADMIN)
    assert by_net.status_code == 200
    assert sorted(by_net.json()["ports"], key=lambda p: p["id"]) == sorted(
        ({"id": p["id"], "name": p["name"]} for p in doc["ports"]), key=lambda p: p["id"])
    by_name = api.get("/v2.0/ports", params={"sort_key": "name", "sort_dir": "desc"}, headers=ADMIN).json()["ports"]
    assert [p["name"] for p in by_name] == [f"p{i:05d}" for i in reversed(range(COUNT))]

    # A page longer than a chunk still carries its links.
    page = api.get("/v2.0/ports", params={"limit": 1500}, headers=ADMIN).json()
    assert len(page["ports"]) == 1500
    assert "next" in [link["rel"] for link in page["ports_links"]]

    # Another project sees none of them, streamed or not.
    other = api.get("/v2.0/ports", headers={"X-User-Id": "u", "X-Project-Id": "p-other", "X-Roles": "member"})
    assert other.status_code == 200 and other.json() == {"ports": []}


def test_openstacksdk_lists_every_port(server_factory, tmp_path, monkeypatch):
    import openstack
    srv, api, net, sg_id, ids = make_big_server(server_factory, [])
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(write_clouds_yaml(tmp_path / "clouds.yaml", srv.url)))
    conn = openstack.connect(cloud="portwatch")
    try:
        listed = list(conn.network.ports(network_id=net["id"]))
    finally:
        conn.close()
    assert sorted(p.id for p in listed) == sorted(ids)
    assert {p.binding_host_id for p in listed} == {f"compute-{i}" for i in range(7)}


def test_ports_read_back_unchanged_after_restart_and_stay_independent(big_server):
    srv, api, net, sg_id, ids = big_server
    before = {p["id"]: p for p in api.get("/v2.0/ports", headers=ADMIN).json()["ports"]}
    srv.stop()
    srv.start()
    api = Api(srv.url)
    after = {p["id"]: p for p in api.get("/v2.0/ports", headers=ADMIN).json()["ports"]}
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)

    # Values shared in memory after the load: changing one port's leaves every other port's alone.
    sg2 = api.post("/v2.0/security-groups", {"security_group": {"name": unique("sg2")}}, headers=ADMIN)
    sg2_id = sg2.json()["security_group"]["id"]
    changed = ids[0]
    r = api.put(f"/v2.0/ports/{changed}", {"port": {
        "security_groups": [sg2_id], "binding:host_id": "compute-x", "binding:vnic_type": "normal"}},
        headers=ADMIN)
    assert r.status_code == 200, r.text
    now = {p["id"]: p for p in api.get("/v2.0/ports", headers=ADMIN).json()["ports"]}
    assert now[changed]["security_groups"] == [sg2_id]
    assert now[changed]["binding:host_id"] == "compute-x"
    for port_id in ids[1:]:
        assert now[port_id] == before[port_id]
