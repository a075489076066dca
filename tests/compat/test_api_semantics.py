"""Neutron v2.0 API semantics over raw HTTP (requests), beyond the recorded examples.

Expected messages come from the recorded examples, shared/reference/neutron-api.md and
Neutron's source (neutron/api/api_common.py, neutron/extensions/tagging.py,
neutron_lib/exceptions): see the comment at each assertion.
Each test makes its own network, so tests do not see each other's ports.
"""

from __future__ import annotations

import time
import urllib.parse
import uuid

import pytest

from conftest import Api, neutron_error, unique

PORT_KEYS_ADMIN = {
    # example 05/06 (admin view of a port)
    "id", "name", "network_id", "project_id", "tenant_id", "mac_address", "admin_state_up",
    "status", "device_id", "device_owner", "fixed_ips", "allowed_address_pairs",
    "extra_dhcp_opts", "security_groups", "description", "binding:vnic_type",
    "binding:profile", "binding:host_id", "binding:vif_type", "binding:vif_details",
    "port_security_enabled", "data_plane_status", "tags", "created_at", "updated_at",
    "revision_number",
}


def bad_request(message, type_="HTTPBadRequest"):
    return neutron_error(type_, message)


@pytest.fixture
def net(api):
    n = api.create_network()
    yield n
    # best-effort cleanup so the shared server's lists stay small
    for p in api.list_ports({"network_id": n["id"]})["ports"]:
        api.delete(f"/v2.0/ports/{p['id']}")
    api.delete(f"/v2.0/networks/{n['id']}")


def ids_of(items):
    return [i["id"] for i in items]


# ----------------------------------------------------------------------------- If-Match

def test_if_match_revision_number(api, net):
    p = api.create_port(net["id"], name="rev")
    assert p["revision_number"] == 1
    path = f"/v2.0/ports/{p['id']}"
    for stale in (0, 2):  # both off-by-one values are rejected (test_revision_plugin)
        r = api.put(path, {"port": {"name": "changed"}},
                    headers={"If-Match": f"revision_number={stale}"})
        assert r.status_code == 412, r.text
        assert r.json() == neutron_error(
            "RevisionNumberConstraintFailed",
            f"Constrained to {stale}, but current revision is 1")
    # a failed attempt changes nothing
    cur = api.show_port(p["id"])
    assert (cur["name"], cur["revision_number"]) == ("rev", 1)

    r = api.put(path, {"port": {"name": "changed"}}, headers={"If-Match": "revision_number=1"})
    assert r.status_code == 200, r.text
    assert r.json()["port"]["name"] == "changed"
    assert r.json()["port"]["revision_number"] == 2

    # data_plane_status under If-Match
    r = api.put(path, {"port": {"data_plane_status": "DOWN"}},
                headers={"If-Match": "revision_number=2"})
    assert r.status_code == 200, r.text
    assert r.json()["port"]["data_plane_status"] == "DOWN"
    assert r.json()["port"]["revision_number"] == 3

    # DELETE honours If-Match too
    r = api.delete(path, headers={"If-Match": "revision_number=2"})
    assert r.status_code == 412, r.text
    assert r.json() == neutron_error("RevisionNumberConstraintFailed",
                                     "Constrained to 2, but current revision is 3")
    assert api.get(path).status_code == 200
    r = api.delete(path, headers={"If-Match": "revision_number=3"})
    assert r.status_code == 204, r.text
    assert api.get(path).status_code == 404


def test_if_match_malformed(api, net):
    p = api.create_port(net["id"])
    r = api.put(f"/v2.0/ports/{p['id']}", {"port": {"name": "x"}},
                headers={"If-Match": "revision_number=abc"})
    # api_common.check_request_for_revision_constraint: BadRequest(resource='if-match', msg)
    assert r.status_code == 400, r.text
    assert r.json() == neutron_error(
        "BadRequest",
        "Bad if-match request: Revision number etag must be in the format of "
        "revision_number=<int>.")
    assert api.show_port(p["id"])["name"] == p["name"]


# ----------------------------------------------------------------------------- filters

def test_filters_repeated_key_is_or_and_keys_are_and(api, net):
    a = api.create_port(net["id"], name="f-a", device_owner="compute:nova")
    b = api.create_port(net["id"], name="f-b", device_owner="network:dhcp")
    c = api.create_port(net["id"], name="f-c", device_owner="compute:nova")
    nid = net["id"]

    got = api.list_ports([("network_id", nid), ("name", "f-a"), ("name", "f-b")])["ports"]
    assert sorted(ids_of(got)) == sorted([a["id"], b["id"]])

    got = api.list_ports([("id", a["id"]), ("id", c["id"])])["ports"]
    assert sorted(ids_of(got)) == sorted([a["id"], c["id"]])

    got = api.list_ports([("network_id", nid), ("device_owner", "compute:nova"),
                          ("name", "f-b"), ("name", "f-c")])["ports"]
    assert ids_of(got) == [c["id"]]

    got = api.list_ports([("network_id", nid), ("name", "nope")])
    assert got == {"ports": []}

    # boolean filter values are converted (admin_state_up=True/False)
    api.update_port(b["id"], admin_state_up=False)
    got = api.list_ports([("network_id", nid), ("admin_state_up", "False")])["ports"]
    assert ids_of(got) == [b["id"]]
    got = api.list_ports([("network_id", nid), ("admin_state_up", "true")])["ports"]
    assert sorted(ids_of(got)) == sorted([a["id"], c["id"]])


def test_filter_by_binding_host_and_mac(api, net):
    h = unique("host")
    a = api.create_port(net["id"], **{"binding:host_id": h})
    api.create_port(net["id"])
    got = api.list_ports([("binding:host_id", h)])["ports"]
    assert ids_of(got) == [a["id"]]
    got = api.list_ports([("mac_address", a["mac_address"])])["ports"]
    assert ids_of(got) == [a["id"]]


def test_unknown_filter_is_400(api):
    r = api.get("/v2.0/ports", params={"x": "1"})
    assert r.status_code == 400, r.text
    # same wording as examples 19/20
    assert r.json() == bad_request("['x'] is invalid attribute for filtering")


@pytest.mark.parametrize("value", ["DOWN", "ACTIVE"])
def test_data_plane_status_is_not_a_filter(api, value):
    r = api.get("/v2.0/ports", params={"data_plane_status": value})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("['data_plane_status'] is invalid attribute for filtering")


# ----------------------------------------------------------------------------- sorting

def test_sorting(api, net):
    names = ["test1", "abc1", "test10", "123test", "test1"]  # neutron-tempest-plugin's
    ports = [api.create_port(net["id"], name=n) for n in names]
    nid = net["id"]
    asc = api.list_ports([("network_id", nid), ("sort_key", "name"), ("sort_dir", "asc")])
    assert [p["name"] for p in asc["ports"]] == sorted(names)
    desc = api.list_ports([("network_id", nid), ("sort_key", "name"), ("sort_dir", "desc")])
    assert [p["name"] for p in desc["ports"]] == sorted(names, reverse=True)
    # two keys: name asc, id desc  -> the two "test1" ports ordered by id descending
    two = api.list_ports([("network_id", nid), ("sort_key", "name"), ("sort_dir", "asc"),
                          ("sort_key", "id"), ("sort_dir", "desc")])["ports"]
    expect = sorted(ports, key=lambda p: p["id"], reverse=True)
    expect = sorted(expect, key=lambda p: p["name"])
    assert ids_of(two) == ids_of(expect)


def test_sort_key_dir_count_mismatch(api):
    r = api.get("/v2.0/ports", params=[("sort_key", "name"), ("sort_key", "id"),
                                       ("sort_dir", "asc")])
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("The number of sort_keys and sort_dirs must be same")


def test_sort_dir_invalid(api):
    r = api.get("/v2.0/ports", params=[("sort_key", "name"), ("sort_dir", "up")])
    assert r.status_code == 400, r.text
    assert r.json() == bad_request(
        "['up'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'")


def test_sort_key_invalid(api):
    r = api.get("/v2.0/ports", params=[("sort_key", "bogus"), ("sort_dir", "asc")])
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("['bogus'] is invalid attribute for sort_keys")


def test_sort_by_data_plane_status_is_400(api):
    r = api.get("/v2.0/ports", params=[("sort_key", "data_plane_status"), ("sort_dir", "asc")])
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("['data_plane_status'] is invalid attribute for sort_keys")


# ----------------------------------------------------------------------------- pagination

@pytest.mark.parametrize("limit", ["-1", "abc"])
def test_limit_invalid(api, limit):
    r = api.get("/v2.0/ports", params={"limit": limit})
    assert r.status_code == 400, r.text
    # api_common._get_limit_param: BadRequest(resource='limit', msg=...)
    assert r.json() == neutron_error(
        "BadRequest",
        f"Bad limit request: Limit must be an integer 0 or greater and not '{limit}'.")


def _split_href(href):
    u = urllib.parse.urlsplit(href)
    return f"{u.scheme}://{u.netloc}{u.path}", sorted(urllib.parse.parse_qsl(u.query))


def _links(body):
    return {link["rel"]: link["href"] for link in body.get("ports_links", [])}


def _expect_href(api, params, **extra):
    q = [(k, v) for k, v in params if k not in ("marker", "page_reverse")]
    q += list(extra.items())
    return f"{api.url}/v2.0/ports", sorted(q)


def test_pagination_links_walk(api, net):
    ports = [api.create_port(net["id"]) for _ in range(5)]
    order = sorted(p["id"] for p in ports)  # no sort_key: ordered by id (native pagination)
    base = [("network_id", net["id"]), ("limit", "2")]

    page1 = api.list_ports(base)
    assert set(page1) == {"ports", "ports_links"}
    assert ids_of(page1["ports"]) == order[0:2]
    links = _links(page1)
    assert set(links) == {"next", "previous"}  # the first page carries "previous" too
    assert len(page1["ports_links"]) == 2
    assert _split_href(links["next"]) == _expect_href(api, base, marker=order[1])
    assert _split_href(links["previous"]) == _expect_href(api, base, marker=order[0],
                                                          page_reverse="True")

    page2 = api.get(links["next"][len(api.url):]).json()
    assert ids_of(page2["ports"]) == order[2:4]
    links2 = _links(page2)
    assert set(links2) == {"next", "previous"}
    assert _split_href(links2["next"]) == _expect_href(api, base, marker=order[3])
    assert _split_href(links2["previous"]) == _expect_href(api, base, marker=order[2],
                                                           page_reverse="True")

    page3 = api.get(links2["next"][len(api.url):]).json()
    assert ids_of(page3["ports"]) == order[4:5]
    links3 = _links(page3)
    assert set(links3) == {"previous"}  # fewer than limit items: no "next"
    assert _split_href(links3["previous"]) == _expect_href(api, base, marker=order[4],
                                                           page_reverse="True")

    # walk back with "previous"
    back = api.get(links3["previous"][len(api.url):]).json()
    assert ids_of(back["ports"]) == order[2:4]


def test_pagination_to_empty_last_page(api, net):
    ports = [api.create_port(net["id"]) for _ in range(4)]
    order = sorted(p["id"] for p in ports)
    base = [("network_id", net["id"]), ("limit", "2")]
    seen = []
    path = "/v2.0/ports?" + urllib.parse.urlencode(base)
    pages = 0
    while True:
        pages += 1
        assert pages <= 4, "pagination does not terminate"
        body = api.get(path).json()
        seen += ids_of(body["ports"])
        links = _links(body)
        if "next" not in links:
            break
        path = links["next"][len(api.url):]
    assert pages == 3
    assert seen == order
    # the last page is empty, has no "next", and "previous" has no marker
    assert body["ports"] == []
    assert set(links) == {"previous"}
    assert _split_href(links["previous"]) == _expect_href(api, base, page_reverse="True")


def test_page_reverse(api, net):
    ports = [api.create_port(net["id"]) for _ in range(5)]
    order = sorted(p["id"] for p in ports)
    base = [("network_id", net["id"]), ("limit", "2")]
    body = api.list_ports(base + [("marker", order[3]), ("page_reverse", "True")])
    # the page before the marker, still in ascending order
    assert ids_of(body["ports"]) == order[1:3]
    links = _links(body)
    assert set(links) == {"next", "previous"}
    assert _split_href(links["next"]) == _expect_href(api, base, marker=order[2])
    assert _split_href(links["previous"]) == _expect_href(api, base, marker=order[1],
                                                          page_reverse="True")
    # near the start: fewer than limit items and page_reverse -> no "previous"
    body = api.list_ports(base + [("marker", order[1]), ("page_reverse", "True")])
    assert ids_of(body["ports"]) == order[0:1]
    assert set(_links(body)) == {"next"}
    # page_reverse without marker: the last page
    body = api.list_ports(base + [("page_reverse", "True")])
    assert ids_of(body["ports"]) == order[3:5]

    # sorted by name desc, reversed from a marker
    named = sorted(ports, key=lambda p: p["name"], reverse=True)
    srt = base + [("sort_key", "name"), ("sort_dir", "desc")]
    body = api.list_ports(srt + [("marker", named[4]["id"]), ("page_reverse", "True")])
    assert ids_of(body["ports"]) == ids_of(named[2:4])


def test_limit_zero_and_no_limit_have_no_links(api, net):
    for _ in range(3):
        api.create_port(net["id"])
    for params in ([("network_id", net["id"])], [("network_id", net["id"]), ("limit", "0")]):
        body = api.list_ports(params)
        assert set(body) == {"ports"}
        assert len(body["ports"]) == 3


def test_marker_not_found(api, net):
    api.create_port(net["id"])
    missing = str(uuid.uuid4())
    r = api.get("/v2.0/ports", params=[("network_id", net["id"]), ("limit", "2"),
                                       ("marker", missing)])
    # native pagination: get_marker_obj raises PortNotFound
    assert r.status_code == 404, r.text
    assert r.json() == neutron_error("PortNotFound", f"Port {missing} could not be found.")


# ----------------------------------------------------------------------------- fields

def test_fields_exact_key_set(api, net):
    p = api.create_port(net["id"], name="fields")
    r = api.get(f"/v2.0/ports/{p['id']}", params=[("fields", "id"), ("fields", "name")])
    assert r.status_code == 200
    assert r.json() == {"port": {"id": p["id"], "name": "fields"}}

    body = api.list_ports([("network_id", net["id"]), ("fields", "name"),
                           ("fields", "data_plane_status")])
    assert body == {"ports": [{"name": "fields", "data_plane_status": None}]}

    # "id" is added internally for pagination and must be stripped again
    q = api.create_port(net["id"], name="fields2")
    body = api.list_ports([("network_id", net["id"]), ("fields", "name"), ("limit", "1")])
    assert [set(x) for x in body["ports"]] == [{"name"}]
    first = min(p["id"], q["id"])
    assert body["ports"][0]["name"] == ("fields" if first == p["id"] else "fields2")
    nxt = _links(body)["next"]
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(nxt).query))["marker"] == first

    # full representation has exactly the documented keys (admin)
    assert set(api.show_port(p["id"])) == PORT_KEYS_ADMIN


def test_unknown_fields_are_ignored(api, net):
    # openstack `port list --long` asks for fields=trunk_details; Neutron ignores unknown
    # fields (checked on Neutron 29)
    p = api.create_port(net["id"], name="uf")
    body = api.list_ports([("network_id", net["id"]), ("fields", "name"),
                           ("fields", "trunk_details")])
    assert body == {"ports": [{"name": "uf"}]}
    r = api.get(f"/v2.0/ports/{p['id']}", params={"fields": "bogus"})
    assert (r.status_code, r.json()) == (200, {"port": {}})


def test_json_suffix_and_keepalive(api, net):
    p = api.create_port(net["id"])
    r = api.get(f"/v2.0/ports/{p['id']}.json")
    assert r.status_code == 200, r.text
    assert r.json()["port"]["id"] == p["id"]
    r = api.get("/v2.0/ports.json", params={"network_id": net["id"]})
    assert r.status_code == 200
    assert ids_of(r.json()["ports"]) == [p["id"]]
    # README: the recorded Neutron closed every connection; keep-alive is expected here
    assert r.headers.get("Connection", "").lower() != "close"


# ----------------------------------------------------------------------------- tags

def test_tags_api(api, net):
    p = api.create_port(net["id"])
    base = f"/v2.0/ports/{p['id']}/tags"

    r = api.get(base)
    assert (r.status_code, r.json()) == (200, {"tags": []})

    r = api.put(base, {"tags": ["red", "blue"]})
    assert r.status_code == 200, r.text
    assert r.json() == {"tags": ["red", "blue"]}  # Neutron echoes the request body
    assert sorted(api.get(base).json()["tags"]) == ["blue", "red"]
    assert sorted(api.show_port(p["id"])["tags"]) == ["blue", "red"]

    # POST adds (tag-creation extension); 200 per neutron/extensions/tagging.py
    r = api.post(base, {"tags": ["green"]})
    assert r.status_code == 200, r.text
    assert r.json() == {"tags": ["green"]}  # echoes the added tags (checked on Neutron 29)
    assert sorted(api.get(base).json()["tags"]) == ["blue", "green", "red"]

    # PUT /tags/{tag}: 201, idempotent; dots allowed. (Neutron 29 sends the body "null".)
    r = api.put(f"{base}/black.or.white")
    assert r.status_code == 201, r.text
    assert r.content in (b"", b"null")
    r = api.put(f"{base}/black.or.white")
    assert r.status_code == 201, r.text
    assert sorted(api.get(base).json()["tags"]) == ["black.or.white", "blue", "green", "red"]

    # GET /tags/{tag}: 204 if present, 404 TagNotFound otherwise
    r = api.get(f"{base}/red")
    assert r.status_code == 204 and r.content == b""
    r = api.get(f"{base}/purple")
    assert r.status_code == 404
    assert r.json() == neutron_error("TagNotFound", "Tag purple could not be found.")

    # DELETE /tags/{tag}
    r = api.delete(f"{base}/red")
    assert r.status_code == 204, r.text
    r = api.delete(f"{base}/red")
    assert r.status_code == 404
    assert r.json() == neutron_error("TagNotFound", "Tag red could not be found.")
    assert sorted(api.get(base).json()["tags"]) == ["black.or.white", "blue", "green"]

    # PUT replaces all
    r = api.put(base, {"tags": ["only"]})
    assert r.status_code == 200
    assert api.get(base).json() == {"tags": ["only"]}

    # DELETE all
    r = api.delete(base)
    assert r.status_code == 204, r.text
    assert api.get(base).json() == {"tags": []}
    assert api.show_port(p["id"])["tags"] == []


def test_tags_limits(api, net):
    """Messages as answered by Neutron 29 (neutron-anchor)."""
    p = api.create_port(net["id"])
    base = f"/v2.0/ports/{p['id']}/tags"
    fifty = [f"t{i}" for i in range(50)]
    r = api.put(base, {"tags": fifty})
    assert r.status_code == 200, r.text
    assert sorted(api.get(base).json()["tags"]) == sorted(fifty)

    too_many = neutron_error(
        "BadRequest", "Bad ports request: The number of tags exceed the per-resource limit of 50.")
    r = api.put(f"{base}/one-too-many")
    assert r.status_code == 400, r.text
    assert r.json() == too_many
    r = api.put(base, {"tags": fifty + ["t50"]})
    assert r.status_code == 400, r.text
    assert r.json() == too_many
    assert sorted(api.get(base).json()["tags"]) == sorted(fifty)

    assert api.delete(base).status_code == 204
    ok = "x" * 255
    assert api.put(f"{base}/{ok}").status_code == 201
    for bad in ("y" * 256, "z" * 300):
        r = api.put(f"{base}/{bad}")
        assert r.status_code == 400, r.text
        assert r.json() == neutron_error(
            "InvalidInput", f"Invalid input for operation: '{bad}' exceeds maximum length of 255.")
        r = api.put(base, {"tags": [bad]})
        assert r.status_code == 400, r.text
        assert r.json() == neutron_error(
            "InvalidInput", f"Invalid input for operation: '{bad}' exceeds maximum length of 255.")
    assert api.get(base).json() == {"tags": [ok]}

    # malformed bodies
    r = api.put(base, {"nottags": []})
    assert r.status_code == 400, r.text
    assert r.json() == neutron_error("InvalidInput",
                                     "Invalid input for operation: Invalid tags body.")
    r = api.put(base, {"tags": "a,b"})
    assert r.status_code == 400, r.text
    assert r.json() == neutron_error("InvalidInput",
                                     "Invalid input for operation: 'a,b' is not a list.")
    r = api.put(base, {"tags": ["a", "a"]})
    assert r.status_code == 400, r.text
    assert r.json() == neutron_error("InvalidInput",
                                     "Invalid input for operation: Duplicate items in the list: 'a'.")
    assert api.get(base).json() == {"tags": [ok]}


def test_tags_missing_port(api):
    # Neutron 29 answers 500 here (tagging.py _get_resource_info returns an empty
    # ResourceInfo for a missing parent); the documented answer is 404.
    missing = str(uuid.uuid4())
    assert api.get(f"/v2.0/ports/{missing}/tags").status_code == 404
    assert api.put(f"/v2.0/ports/{missing}/tags", {"tags": ["a"]}).status_code == 404
    assert api.put(f"/v2.0/ports/{missing}/tags/a").status_code == 404


def test_tag_filters(api, net):
    p1 = api.create_port(net["id"], name="p1")
    p2 = api.create_port(net["id"], name="p2")
    p3 = api.create_port(net["id"], name="p3")
    p4 = api.create_port(net["id"], name="p4")
    for p, tags in ((p1, ["red", "blue"]), (p2, ["red"]), (p3, ["blue", "green"])):
        assert api.put(f"/v2.0/ports/{p['id']}/tags", {"tags": tags}).status_code == 200

    def names(key, value):
        body = api.list_ports([("network_id", net["id"]), (key, value)])
        return sorted(p["name"] for p in body["ports"])

    assert names("tags", "red") == ["p1", "p2"]
    assert names("tags", "red,blue") == ["p1"]          # all of them
    assert names("tags-any", "red,green") == ["p1", "p2", "p3"]  # any of them
    assert names("tags-any", "nothing") == []
    assert names("not-tags", "red,blue") == ["p2", "p3", "p4"]  # not all of them
    assert names("not-tags", "red") == ["p3", "p4"]
    assert names("not-tags-any", "red,green") == ["p4"]  # none of them
    assert names("not-tags-any", "nothing") == ["p1", "p2", "p3", "p4"]


# ----------------------------------------------------------------------------- bulk create

def test_bulk_create(api, net):
    r = api.post("/v2.0/ports", {"ports": [{"network_id": net["id"], "name": "b1"},
                                           {"network_id": net["id"], "name": "b2"}]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"ports"}
    assert [p["name"] for p in body["ports"]] == ["b1", "b2"]
    for p in body["ports"]:
        assert set(p) == PORT_KEYS_ADMIN
        assert p["data_plane_status"] is None
    got = api.list_ports([("network_id", net["id"])])["ports"]
    assert sorted(ids_of(got)) == sorted(ids_of(body["ports"]))


def _assert_no_ports(api, net):
    assert api.list_ports([("network_id", net["id"])]) == {"ports": []}


def test_bulk_create_atomic_invalid_entry(api, net):
    r = api.post("/v2.0/ports", {"ports": [
        {"network_id": net["id"], "name": "ok"},
        {"network_id": net["id"], "name": "bad", "mac_address": "not-a-mac"}]})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request(
        "Invalid input for mac_address. Reason: 'not-a-mac' is not a valid MAC address.")
    _assert_no_ports(api, net)
    # the same validation on PUT
    p = api.create_port(net["id"])
    r = api.put(f"/v2.0/ports/{p['id']}", {"port": {"mac_address": "zz"}})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request(
        "Invalid input for mac_address. Reason: 'zz' is not a valid MAC address.")


def test_bulk_create_atomic_duplicate_mac(api, net):
    # (Neutron 29 itself hangs on this request -- DB retry loop -- so the message is the
    # single-port MacAddressInUse one, which Neutron 29 does answer: see
    # test_mac_address_uniqueness)
    mac = "fa:16:3e:aa:00:01"
    r = api.post("/v2.0/ports", {"ports": [
        {"network_id": net["id"], "name": "m1", "mac_address": mac},
        {"network_id": net["id"], "name": "m2", "mac_address": mac}]})
    assert r.status_code == 409, r.text
    assert r.json() == neutron_error(
        "MacAddressInUse",
        f"Unable to complete operation for network {net['id']}. "
        f"The mac address {mac} is in use.")
    _assert_no_ports(api, net)


def test_bulk_create_atomic_missing_network(api, net):
    missing = str(uuid.uuid4())
    r = api.post("/v2.0/ports", {"ports": [
        {"network_id": net["id"], "name": "ok"},
        {"network_id": missing, "name": "lost"}]})
    assert r.status_code == 404, r.text
    assert r.json() == neutron_error("NetworkNotFound",
                                     f"Network {missing} could not be found.")
    _assert_no_ports(api, net)


def test_bulk_create_with_data_plane_status_is_400(api, net):
    r = api.post("/v2.0/ports", {"ports": [
        {"network_id": net["id"]},
        {"network_id": net["id"], "data_plane_status": "DOWN"}]})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("Attribute 'data_plane_status' not allowed in POST")
    _assert_no_ports(api, net)


# ----------------------------------------------------------------------------- conflicts

def test_network_delete_with_ports_is_409(api):
    n = api.create_network()
    p = api.create_port(n["id"])
    r = api.delete(f"/v2.0/networks/{n['id']}")
    assert r.status_code == 409, r.text
    # Neutron 29's wording (neutron-anchor): the port ids, sorted, comma separated
    assert r.json() == neutron_error(
        "NetworkInUse",
        f"Unable to complete operation on network {n['id']}. There are one or more ports "
        f"still in use on the network, id for these ports is: {p['id']}.")
    q = api.create_port(n["id"])
    r = api.delete(f"/v2.0/networks/{n['id']}")
    assert r.status_code == 409, r.text
    assert r.json()["NeutronError"]["message"].endswith(
        "id for these ports is: " + ",".join(sorted([p["id"], q["id"]])) + ".")
    assert api.get(f"/v2.0/networks/{n['id']}").status_code == 200
    assert api.delete(f"/v2.0/ports/{q['id']}").status_code == 204
    assert api.delete(f"/v2.0/ports/{p['id']}").status_code == 204
    assert api.delete(f"/v2.0/networks/{n['id']}").status_code == 204
    r = api.get(f"/v2.0/networks/{n['id']}")
    assert r.status_code == 404
    assert r.json() == neutron_error("NetworkNotFound",
                                     f"Network {n['id']} could not be found.")


def test_mac_address_uniqueness(api, net):
    mac = "fa:16:3e:bb:00:02"
    p = api.create_port(net["id"], mac_address=mac)
    assert p["mac_address"] == mac
    conflict = neutron_error(
        "MacAddressInUse",
        f"Unable to complete operation for network {net['id']}. The mac address {mac} is in use.")
    r = api.post("/v2.0/ports", {"port": {"network_id": net["id"], "mac_address": mac}})
    assert r.status_code == 409, r.text
    assert r.json() == conflict
    # PUT another port's MAC onto this one
    q = api.create_port(net["id"])
    r = api.put(f"/v2.0/ports/{q['id']}", {"port": {"mac_address": mac}})
    assert r.status_code == 409, r.text
    assert r.json() == conflict
    assert api.show_port(q["id"])["mac_address"] == q["mac_address"]
    # uniqueness is per network
    other = api.create_network()
    try:
        o = api.create_port(other["id"], mac_address=mac)
        assert o["mac_address"] == mac
        api.delete(f"/v2.0/ports/{o['id']}")
    finally:
        api.delete(f"/v2.0/networks/{other['id']}")


def test_generated_macs_are_distinct(api, net):
    macs = [api.create_port(net["id"])["mac_address"] for _ in range(5)]
    assert len(set(macs)) == 5
    for m in macs:
        assert m.startswith("fa:16:3e:") and len(m) == 17


# ----------------------------------------------------------------------------- body errors

def test_port_create_errors(api, net):
    r = api.post("/v2.0/ports", {"port": {"name": "no-net"}})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request(
        "Failed to parse request. Required attribute 'network_id' not specified")
    missing = str(uuid.uuid4())
    r = api.post("/v2.0/ports", {"port": {"network_id": missing}})
    assert r.status_code == 404, r.text
    assert r.json() == neutron_error("NetworkNotFound", f"Network {missing} could not be found.")
    r = api.post("/v2.0/ports", {"network": {"network_id": net["id"]}})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("Unable to find 'port' in request body")
    _assert_no_ports(api, net)


def test_status_is_read_only(api, net):
    p = api.create_port(net["id"])
    r = api.put(f"/v2.0/ports/{p['id']}", {"port": {"status": "ACTIVE"}})
    assert r.status_code == 400, r.text
    assert r.json() == bad_request("Cannot update read-only attribute status")
    assert api.show_port(p["id"])["revision_number"] == p["revision_number"]


def test_update_preserves_data_plane_status(api, net):
    p = api.create_port(net["id"])
    assert p["data_plane_status"] is None
    p = api.update_port(p["id"], data_plane_status="ACTIVE")
    p2 = api.update_port(p["id"], name="renamed")
    assert p2["data_plane_status"] == "ACTIVE"
    assert p2["revision_number"] == p["revision_number"] + 1
    p3 = api.update_port(p["id"], data_plane_status=None)
    assert p3["data_plane_status"] is None
    assert p3["revision_number"] == p2["revision_number"] + 1
    assert api.show_port(p["id"])["data_plane_status"] is None


# ----------------------------------------------------------------------------- status

def test_status_derivation(api, net):
    p = api.create_port(net["id"])
    assert p["status"] == "DOWN"  # unbound
    p = api.update_port(p["id"], **{"binding:host_id": "compute-1"})
    assert p["binding:host_id"] == "compute-1"
    assert p["status"] == "ACTIVE"  # bound and admin up
    assert api.show_port(p["id"])["status"] == "ACTIVE"
    p = api.update_port(p["id"], admin_state_up=False)
    assert p["status"] == "DOWN"
    p = api.update_port(p["id"], admin_state_up=True)
    assert p["status"] == "ACTIVE"
    p = api.update_port(p["id"], **{"binding:host_id": ""})
    assert p["status"] == "DOWN"
    # bound at creation
    q = api.create_port(net["id"], **{"binding:host_id": "compute-2"})
    assert q["status"] == "ACTIVE"
    r = api.create_port(net["id"], admin_state_up=False, **{"binding:host_id": "compute-2"})
    assert r["status"] == "DOWN"
    # status filter sees the derived value
    got = api.list_ports([("network_id", net["id"]), ("status", "ACTIVE")])["ports"]
    assert ids_of(got) == [q["id"]]


def test_default_server_keeps_status_independent_of_data_plane(api, net):
    """Upstream semantics (neutron-api.md §1.6): data_plane_status never changes status."""
    p = api.create_port(net["id"], **{"binding:host_id": "compute-1"})
    assert p["status"] == "ACTIVE"
    p = api.update_port(p["id"], data_plane_status="DOWN")
    assert (p["status"], p["data_plane_status"]) == ("ACTIVE", "DOWN")
    assert api.show_port(p["id"])["status"] == "ACTIVE"


def test_status_follows_data_plane(api_dp):
    api = api_dp
    n = api.create_network()
    p = api.create_port(n["id"], **{"binding:host_id": "compute-1"})
    assert p["status"] == "ACTIVE"
    p = api.update_port(p["id"], data_plane_status="DOWN")
    assert (p["status"], p["data_plane_status"]) == ("DOWN", "DOWN")
    assert api.show_port(p["id"])["status"] == "DOWN"
    got = api.list_ports([("network_id", n["id"]), ("status", "DOWN")])["ports"]
    assert ids_of(got) == [p["id"]]
    p = api.update_port(p["id"], data_plane_status="ACTIVE")
    assert (p["status"], p["data_plane_status"]) == ("ACTIVE", "ACTIVE")
    p = api.update_port(p["id"], data_plane_status="DOWN")
    assert p["status"] == "DOWN"
    p = api.update_port(p["id"], data_plane_status=None)  # cleared: back to derived status
    assert (p["status"], p["data_plane_status"]) == ("ACTIVE", None)
    assert api.show_port(p["id"])["status"] == "ACTIVE"
    # data plane ACTIVE does not make an unbound port ACTIVE
    q = api.create_port(n["id"])
    q = api.update_port(q["id"], data_plane_status="ACTIVE")
    assert (q["status"], q["data_plane_status"]) == ("DOWN", "ACTIVE")
    # admin down wins over data plane ACTIVE
    p = api.update_port(p["id"], data_plane_status="ACTIVE")
    p = api.update_port(p["id"], admin_state_up=False)
    assert p["status"] == "DOWN"


# ----------------------------------------------------------------------------- durability

def test_kill_9_durability(server_factory):
    srv = server_factory(name="durable")
    srv.start()
    api = Api(srv.url)
    n = api.create_network(name="durable-net")
    p = api.create_port(n["id"], name="durable-port")
    acked = api.update_port(p["id"], data_plane_status="DOWN")
    assert acked["data_plane_status"] == "DOWN"
    srv.kill()  # SIGKILL right after the 200

    srv.start()
    api = Api(srv.url)
    got = api.show_port(p["id"])
    assert got["data_plane_status"] == "DOWN"
    assert got["revision_number"] == acked["revision_number"]
    assert got["name"] == "durable-port"
    assert api.get(f"/v2.0/networks/{n['id']}").status_code == 200

    # a burst of acknowledged writes, then SIGKILL again
    last = None
    for i in range(20):
        last = api.update_port(p["id"], name=f"burst-{i}",
                               data_plane_status="ACTIVE" if i % 2 else "DOWN")
    srv.kill()
    srv.start()
    got = Api(srv.url).show_port(p["id"])
    assert (got["name"], got["data_plane_status"], got["revision_number"]) == \
        (last["name"], last["data_plane_status"], last["revision_number"])
    srv.assert_clean_stop()


def test_clean_shutdown_on_sigterm(server_factory):
    srv = server_factory(name="sigterm")
    srv.start()
    api = Api(srv.url)
    n = api.create_network()
    api.create_port(n["id"])
    t0 = time.monotonic()
    rc = srv.stop()
    assert rc == 0, f"exit status {rc!r} after SIGTERM:\n{srv.log_tail()}"
    assert time.monotonic() - t0 < 10
    # the database is reusable after a clean stop
    srv.start()
    assert len(Api(srv.url).list_ports([("network_id", n["id"])])["ports"]) == 1
    srv.assert_clean_stop()
