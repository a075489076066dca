"""openstacksdk and python-neutronclient against Portwatch (noauth endpoint)."""

from __future__ import annotations

import os
import urllib.parse
import uuid

import pytest

from conftest import unique

openstack = pytest.importorskip("openstack")


@pytest.fixture(scope="module")
def conn(clouds_yaml):
    old = os.environ.get("OS_CLIENT_CONFIG_FILE")
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(clouds_yaml)
    try:
        c = openstack.connect(cloud="portwatch")
        yield c
        c.close()
    finally:
        if old is None:
            os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
        else:
            os.environ["OS_CLIENT_CONFIG_FILE"] = old


@pytest.fixture
def sdk_net(conn):
    net = conn.network.create_network(name=unique("sdk-net"))
    yield net
    for p in conn.network.ports(network_id=net.id):
        conn.network.delete_port(p, ignore_missing=True)
    conn.network.delete_network(net, ignore_missing=True)


class RecordGets:
    """Records the GET /v2.0/ports responses the SDK makes (keystoneauth -> requests)."""

    def __init__(self, conn):
        self.responses = []
        self.hooks = conn.session.session.hooks["response"]

    def __call__(self, resp, *args, **kwargs):
        path = urllib.parse.urlsplit(resp.request.url).path
        if resp.request.method == "GET" and path == "/v2.0/ports":
            self.responses.append(resp)

    def __enter__(self):
        self.hooks.append(self)
        return self

    def __exit__(self, *exc):
        self.hooks.remove(self)


def test_extension_visible(conn):
    ext = conn.network.find_extension("data-plane-status")
    assert ext is not None
    assert ext.name == "Port data plane status extension"


def test_sdk_port_data_plane_status(conn, sdk_net):
    assert sdk_net.status == "ACTIVE"
    assert sdk_net.project_id == "fake_project_id"
    port = conn.network.create_port(network_id=sdk_net.id, name="sdk-port")
    assert port.data_plane_status is None
    assert port.status == "DOWN"
    assert port.revision_number == 1
    assert port.is_admin_state_up is True

    port = conn.network.update_port(port, data_plane_status="DOWN")
    assert port.data_plane_status == "DOWN"
    assert port.revision_number == 2

    got = conn.network.get_port(port.id)
    assert got.data_plane_status == "DOWN"
    assert got.revision_number == 2
    assert got.name == "sdk-port"

    # an unrelated update keeps the value
    got = conn.network.update_port(got, name="sdk-port-renamed")
    assert (got.data_plane_status, got.revision_number) == ("DOWN", 3)

    # clearing with None sends JSON null
    got = conn.network.update_port(got, data_plane_status=None)
    assert got.data_plane_status is None
    assert conn.network.get_port(port.id).data_plane_status is None

    # invalid value -> BadRequestException carrying Neutron's message
    with pytest.raises(openstack.exceptions.BadRequestException) as ei:
        conn.network.update_port(port.id, data_plane_status="UP")
    assert "Invalid input for data_plane_status. Reason: UP is not in valid_values." in \
        str(ei.value)

    # If-Match through the SDK (update_port(if_revision=...) sends If-Match)
    stale = conn.network.get_port(port.id)
    conn.network.update_port(stale.id, description="moved on")
    with pytest.raises(openstack.exceptions.PreconditionFailedException) as ei:
        conn.network.update_port(stale.id, if_revision=stale.revision_number,
                                 description="stale write")
    assert (f"Constrained to {stale.revision_number}, but current revision is "
            f"{stale.revision_number + 1}") in str(ei.value)
    cur = conn.network.get_port(port.id)
    assert cur.description == "moved on"
    cur = conn.network.update_port(cur.id, if_revision=cur.revision_number,
                                   description="fresh write")
    assert cur.description == "fresh write"


def test_sdk_list_filter(conn, sdk_net):
    a = conn.network.create_port(network_id=sdk_net.id, name="a", device_owner="compute:nova")
    b = conn.network.create_port(network_id=sdk_net.id, name="b")
    got = sorted(p.id for p in conn.network.ports(network_id=sdk_net.id))
    assert got == sorted([a.id, b.id])
    got = [p.id for p in conn.network.ports(network_id=sdk_net.id, device_owner="compute:nova")]
    assert got == [a.id]
    got = [p.id for p in conn.network.ports(network_id=sdk_net.id, name="b")]
    assert got == [b.id]
    assert conn.network.find_port("a", network_id=sdk_net.id).id == a.id


def test_sdk_pagination(conn, sdk_net):
    ports = [conn.network.create_port(network_id=sdk_net.id, name=f"pg{i}") for i in range(5)]
    with RecordGets(conn) as rec:
        got = [p.id for p in conn.network.ports(network_id=sdk_net.id, limit=2)]
    assert got == sorted(p.id for p in ports)  # ordered by id, no duplicates
    sizes = [len(r.json()["ports"]) for r in rec.responses]
    # pages of 2, 2, 1; the SDK then asks once more because a limit was given
    assert sizes == [2, 2, 1, 0], sizes
    # the second request follows the server's "next" link (marker = last id of page 1)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(rec.responses[1].request.url).query))
    assert q["marker"] == got[1]
    assert q["limit"] == "2"
    assert rec.responses[0].json()["ports_links"][0]["rel"] == "next"


def test_sdk_sorting(conn, sdk_net):
    for n in ("b", "c", "a"):
        conn.network.create_port(network_id=sdk_net.id, name=n)
    names = [p.name for p in conn.network.ports(network_id=sdk_net.id, sort_key="name",
                                                 sort_dir="desc")]
    assert names == ["c", "b", "a"]
    names = [p.name for p in conn.network.ports(network_id=sdk_net.id, sort_key="name",
                                                 sort_dir="asc")]
    assert names == ["a", "b", "c"]


def test_sdk_tags(conn, sdk_net):
    p = conn.network.create_port(network_id=sdk_net.id, name="tagged")
    q = conn.network.create_port(network_id=sdk_net.id, name="plain")
    conn.network.set_tags(p, ["blue", "red"])
    got = conn.network.get_port(p.id)
    assert sorted(got.tags) == ["blue", "red"]
    assert got.revision_number >= p.revision_number
    ids = [x.id for x in conn.network.ports(network_id=sdk_net.id, tags="red")]
    assert ids == [p.id]
    ids = [x.id for x in conn.network.ports(network_id=sdk_net.id, any_tags="red,green")]
    assert ids == [p.id]
    ids = [x.id for x in conn.network.ports(network_id=sdk_net.id, not_tags="red")]
    assert ids == [q.id]
    ids = sorted(x.id for x in conn.network.ports(network_id=sdk_net.id,
                                                  not_any_tags="green"))
    assert ids == sorted([p.id, q.id])
    conn.network.set_tags(p, [])
    assert conn.network.get_port(p.id).tags == []


def test_sdk_missing_port(conn):
    with pytest.raises(openstack.exceptions.NotFoundException) as ei:
        conn.network.get_port(missing := str(uuid.uuid4()))
    assert f"Port {missing} could not be found." in str(ei.value)
    assert conn.network.find_port(str(uuid.uuid4())) is None


def test_sdk_security_groups(conn, sdk_net):
    default = conn.network.find_security_group("default", project_id=sdk_net.project_id)
    assert default is not None and default.description == "Default security group"
    assert sorted((r["direction"], r["ethertype"]) for r in default.security_group_rules) == [
        ("egress", "IPv4"), ("egress", "IPv6"), ("ingress", "IPv4"), ("ingress", "IPv6")]
    rules = list(conn.network.security_group_rules(security_group_id=default.id, direction="ingress"))
    assert sorted(r.ether_type for r in rules) == ["IPv4", "IPv6"]
    assert all(r.remote_group_id == default.id for r in rules)

    group = conn.network.create_security_group(name=unique("sdk-sg"), stateful=False)
    assert group.stateful is False
    assert len(group.security_group_rules) == 2
    rule = conn.network.create_security_group_rule(
        security_group_id=group.id, direction="ingress", protocol="tcp", port_range_min=443, port_range_max=443,
        remote_ip_prefix="10.1.2.3/16")
    assert rule.remote_ip_prefix == "10.1.2.3/16"
    assert len(conn.network.get_security_group(group.id).security_group_rules) == 3
    conn.network.delete_security_group_rule(rule)
    port = conn.network.create_port(network_id=sdk_net.id, security_group_ids=[group.id])
    assert port.security_group_ids == [group.id]
    assert [p.id for p in conn.network.ports(security_groups=group.id)] == [port.id]
    with pytest.raises(openstack.exceptions.ConflictException) as ei:
        conn.network.delete_security_group(group)
    assert f"Security Group {group.id} in use." in str(ei.value)
    conn.network.update_port(port, security_group_ids=[])
    conn.network.delete_security_group(group)
    assert conn.network.find_security_group(group.id) is None


# ----------------------------------------------------------------------------- neutronclient

@pytest.fixture(scope="module")
def neutron(portwatch):
    from neutronclient.v2_0 import client
    return client.Client(endpoint_url=portwatch.url, auth_strategy="noauth")


def test_neutronclient(neutron):
    from neutronclient.common import exceptions as nexc

    net = neutron.create_network({"network": {"name": unique("nc-net")}})["network"]
    try:
        port = neutron.create_port({"port": {"network_id": net["id"], "name": "nc"}})["port"]
        assert port["data_plane_status"] is None
        ports = neutron.list_ports(network_id=net["id"])["ports"]
        assert [p["id"] for p in ports] == [port["id"]]

        upd = neutron.update_port(port["id"], {"port": {"data_plane_status": "ACTIVE"}})["port"]
        assert upd["data_plane_status"] == "ACTIVE"
        assert upd["revision_number"] == port["revision_number"] + 1
        assert neutron.show_port(port["id"])["port"]["data_plane_status"] == "ACTIVE"

        ports = neutron.list_ports(network_id=net["id"], fields=["id", "data_plane_status"])
        assert ports == {"ports": [{"id": port["id"], "data_plane_status": "ACTIVE"}]}

        # neutronclient maps NeutronError.type to its exception classes
        with pytest.raises(nexc.BadRequest) as ei:
            neutron.update_port(port["id"], {"port": {"data_plane_status": "down"}})
        assert "Invalid input for data_plane_status. Reason: down is not in valid_values." \
            in str(ei.value)
        with pytest.raises(nexc.PortNotFoundClient):
            neutron.show_port(str(uuid.uuid4()))
        with pytest.raises(nexc.NetworkInUseClient):
            neutron.delete_network(net["id"])
        with pytest.raises(nexc.BadRequest) as ei:
            neutron.list_ports(data_plane_status="DOWN")
        assert "['data_plane_status'] is invalid attribute for filtering" in str(ei.value)

        neutron.delete_port(port["id"])
    finally:
        for p in neutron.list_ports(network_id=net["id"])["ports"]:
            neutron.delete_port(p["id"])
        neutron.delete_network(net["id"])
