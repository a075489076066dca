"""The test Keystone itself (scripts/keystone.sh, tests/compat/keystone_fixtures.py): tokens
for every seeded user with the roles they should carry, validation as keystonemiddleware does
it, the catalog entry register-network writes (seen by the openstack CLI and openstacksdk
through clouds.yaml), and revocation. Skipped only when PORTWATCH_TEST_KEYSTONE_URL is unset,
which scripts/test never leaves it.
"""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from conftest import openstack_bin
from keystone_fixtures import USERS, keystone_client_env

IMPLIED = {"admin": {"admin", "manager", "member", "reader"},
           "manager": {"manager", "member", "reader"},
           "member": {"member", "reader"},
           "reader": {"reader"}}

# what each seeded user's project token must carry, implied roles included
EXPECTED = {
    "admin": ("admin", {"admin", "manager", "member", "reader"}),
    "portwatch": ("service", {"admin", "manager", "member", "reader", "service"}),
    "demo": ("demo", {"member", "reader"}),
    "dpi": ("demo", {"member", "reader", "data_plane_integrator"}),
    "reader": ("demo", {"reader"}),
    "other": ("other", {"member", "reader"}),
}


def test_seed_matches_expectations():
    assert set(USERS) == set(EXPECTED)
    for name, (_, project, roles) in USERS.items():
        want = set()
        for r in roles:
            want |= IMPLIED.get(r, {r})
        assert (project, want) == EXPECTED[name], name


@pytest.mark.parametrize("user", list(EXPECTED))
def test_token_for_each_user_validates_with_implied_roles(keystone, user):
    project, roles = EXPECTED[user]
    tok = keystone.issue(user)
    assert tok.id.startswith("gAAAA"), "fernet token expected"
    assert tok.body["user"]["name"] == user
    assert tok.body["project"]["name"] == project
    assert tok.roles == roles

    r = keystone.validate(tok.id)  # as the system-scoped admin
    assert r.status_code == 200, r.text
    assert r.headers["X-Subject-Token"] == tok.id
    body = r.json()["token"]
    assert body["user"]["name"] == user
    assert body["user"]["domain"] == {"id": "default", "name": "Default"}
    assert body["project"]["name"] == project
    assert body["project"]["domain"]["id"] == "default"
    assert {x["name"] for x in body["roles"]} == roles
    assert "is_admin_project" not in body  # [resource] admin_project_name unset, as upstream
    assert body["expires_at"].endswith("Z") and body["methods"] == ["password"]


def test_system_scoped_admin_token(keystone):
    tok = keystone.issue("admin", system=True)
    assert tok.body["system"] == {"all": True}
    assert "project" not in tok.body
    assert {"admin", "member", "reader"} <= tok.roles
    r = keystone.validate(tok.id, auth=keystone.issue("admin"))  # project admin validates it
    assert r.status_code == 200, r.text
    assert r.json()["token"]["system"] == {"all": True}


def test_service_user_validates_user_tokens(keystone):
    """What keystonemiddleware in Portwatch does: the portwatch service user validates a
    user's token; an ordinary user may not validate someone else's."""
    dpi = keystone.issue("dpi")
    r = keystone.validate(dpi.id, auth=keystone.token("portwatch"), nocatalog=True)
    assert r.status_code == 200, r.text
    assert "catalog" not in r.json()["token"]
    assert {x["name"] for x in r.json()["token"]["roles"]} == EXPECTED["dpi"][1]

    r = keystone.validate(dpi.id, auth=keystone.token("demo"))
    assert r.status_code == 403, r.text
    r = keystone.validate(dpi.id, auth=dpi)  # the token's own subject may
    assert r.status_code == 200, r.text


def test_wrong_password_is_401(keystone):
    r = keystone.issue_raw("demo", password="not-the-password")
    assert r.status_code == 401, r.text


def test_register_network_appears_in_catalog(keystone, keystone_clouds_yaml, tmp_path):
    before = {e["interface"]: e["url"] for e in keystone.network_endpoints()}
    dummy = f"http://127.0.0.1:9/dummy-{uuid.uuid4().hex[:8]}"
    dummy2 = dummy + "-2"
    try:
        out = keystone.register_network(dummy)
        assert "network/public" in out and "network/internal" in out, out
        out = keystone.register_network(dummy)  # idempotent
        assert out.count("exists") == 2, out
        eps = keystone.network_endpoints()
        assert sorted((e["interface"], e["region_id"], e["url"]) for e in eps) == [
            ("internal", "RegionOne", dummy), ("public", "RegionOne", dummy)]

        tok = keystone.issue("demo")  # a new token carries the new catalog
        assert tok.catalog_url("network", "public") == dummy
        assert tok.catalog_url("network", "internal") == dummy
        assert tok.catalog_url("identity", "public") == keystone.url

        keystone.register_network(dummy2)  # replaces the URL, no second endpoint
        eps = keystone.network_endpoints()
        assert sorted((e["interface"], e["url"]) for e in eps) == [
            ("internal", dummy2), ("public", dummy2)]

        # openstacksdk through clouds.yaml (password auth, no endpoint override)
        import openstack
        import openstack.config

        cfg = openstack.config.OpenStackConfig(config_files=[str(keystone_clouds_yaml)])
        conn = openstack.connection.Connection(config=cfg.get_one(cloud="dpi"))
        assert conn.session.get_endpoint(service_type="network", interface="public",
                                         region_name="RegionOne") == dummy2
        assert conn.current_project_id == keystone.token("dpi").project_id

        # and the openstack CLI
        env = keystone_client_env(keystone_clouds_yaml, tmp_path)
        p = subprocess.run([openstack_bin(), "--os-cloud", "reader", "catalog", "show", "network",
                            "-f", "json"], env=env, capture_output=True, text=True, timeout=180,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, p.stderr
        shown = json.loads(p.stdout)
        assert shown["type"] == "network" and shown["name"] == "portwatch"
        assert dummy2 in json.dumps(shown["endpoints"])
    finally:
        if before.get("public"):
            keystone.register_network(before["public"])


def test_revoked_token_no_longer_validates(keystone):
    tok = keystone.issue("demo")
    assert keystone.validate(tok.id).status_code == 200
    keystone.revoke(tok.id)
    r = keystone.validate(tok.id)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == 404
    # nor can it authenticate anything
    r = keystone.s.get(keystone.url + "/auth/tokens",
                       headers={"X-Auth-Token": tok.id, "X-Subject-Token": tok.id}, timeout=60)
    assert r.status_code == 401, r.text


def test_role_changes_are_seen_at_once(keystone):
    """Keystone runs with its in-process cache (one worker, scripts/keystone.sh): a grant,
    a removal and a deletion must still show in the very next request."""
    s, url, h = keystone.s, keystone.url, keystone.admin().headers

    def ok(r, *codes):
        assert r.status_code in codes, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    name = f"tmp-{uuid.uuid4().hex[:8]}"
    project = ok(s.get(url + "/projects", params={"name": "other"}, headers=h, timeout=60),
                 200)["projects"][0]
    roles = {r["name"]: r["id"] for r in ok(s.get(url + "/roles", headers=h, timeout=60), 200)["roles"]}
    user = ok(s.post(url + "/users", headers=h, timeout=60, json={"user": {
        "name": name, "password": "tmp-secret", "domain_id": "default"}}), 201)["user"]
    grant = f"{url}/projects/{project['id']}/users/{user['id']}/roles/"
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "password": "tmp-secret", "domain": {"id": "default"}}}},
        "scope": {"project": {"id": project["id"]}}}}
    try:
        assert s.post(url + "/auth/tokens", json=body, timeout=60).status_code == 401  # no role yet
        ok(s.put(grant + roles["member"], headers=h, timeout=60), 204)
        r = s.post(url + "/auth/tokens", json=body, timeout=60)
        assert r.status_code == 201, r.text
        tok = r.headers["X-Subject-Token"]
        assert {x["name"] for x in r.json()["token"]["roles"]} == {"member", "reader"}
        ok(s.put(grant + roles["data_plane_integrator"], headers=h, timeout=60), 204)
        r = s.post(url + "/auth/tokens", json=body, timeout=60)
        assert {x["name"] for x in r.json()["token"]["roles"]} == {
            "member", "reader", "data_plane_integrator"}

        ok(s.delete(grant + roles["data_plane_integrator"], headers=h, timeout=60), 204)
        ok(s.delete(grant + roles["member"], headers=h, timeout=60), 204)
        # removing the user's roles on the project revokes its tokens for that project
        assert keystone.validate(tok).status_code == 404
        assert s.post(url + "/auth/tokens", json=body, timeout=60).status_code == 401
    finally:
        ok(s.delete(f"{url}/users/{user['id']}", headers=h, timeout=60), 204)
    assert s.post(url + "/auth/tokens", json=body, timeout=60).status_code == 401
