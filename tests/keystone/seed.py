"""Seed the test Keystone and point its catalog at a Portwatch server, through the v3 API.

    python seed.py seed                       users, projects, roles (idempotent)
    python seed.py register-network URL       service "portwatch" (type network), public +
                                              internal endpoints in RegionOne -> URL
                                              (idempotent; replaces a different URL)
    python seed.py show-network               prints the registered URL(s), if any

Keystone is $PORTWATCH_TEST_KEYSTONE_URL (default http://127.0.0.1:5001/v3). Needs only
`requests`, so it runs in the Keystone venv (scripts/keystone.sh) and in the compat suite's
venv alike; tests/compat/keystone_fixtures.py imports USERS from here.

All admin calls use a system-scoped token of the bootstrap admin (role admin on system
"all"), which Keystone's default policy (enforce_scope, enforce_new_defaults) requires for
catalog and identity writes.
"""

from __future__ import annotations

import os
import sys
import time

import requests

DEFAULT_URL = "http://127.0.0.1:5001/v3"
REGION = "RegionOne"
DOMAIN = "default"  # id of the "Default" domain that keystone-manage bootstrap creates
ADMIN_USER, ADMIN_PASSWORD, ADMIN_PROJECT = "admin", "admin-secret", "admin"
NETWORK_SERVICE_NAME, NETWORK_SERVICE_TYPE = "portwatch", "network"
TIMEOUT = 60  # seconds per request; Keystone shares 2 cores with builds and tests

PROJECTS = {
    "service": "service users (portwatch)",
    "demo": "normal project",
    "other": "a second tenant project",
}

# name -> (password, project, roles granted on that project). Roles implied by these
# (admin => manager => member => reader, from keystone-manage bootstrap) show up in tokens.
USERS = {
    "admin": (ADMIN_PASSWORD, ADMIN_PROJECT, ["admin"]),  # bootstrap; also admin on system all
    # Portwatch's service user (keystonemiddleware-style token validation): admin lets it
    # validate any token (identity:validate_token = service_admin_or_token_subject), service
    # makes its token acceptable as an X-Service-Token (service_token_roles = service).
    "portwatch": ("portwatch-secret", "service", ["admin", "service"]),
    "demo": ("demo-secret", "demo", ["member"]),
    "dpi": ("dpi-secret", "demo", ["member", "data_plane_integrator"]),
    "reader": ("reader-secret", "demo", ["reader"]),
    "other": ("other-secret", "other", ["member"]),
}
EXTRA_ROLES = ["data_plane_integrator"]


def keystone_url() -> str:
    return os.environ.get("PORTWATCH_TEST_KEYSTONE_URL", DEFAULT_URL).rstrip("/")


class KeystoneAdmin:
    """Minimal v3 client with a system-scoped admin token."""

    def __init__(self, url: str | None = None):
        self.url = (url or keystone_url()).rstrip("/")
        self.s = requests.Session()
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": ADMIN_USER, "password": ADMIN_PASSWORD, "domain": {"id": DOMAIN}}}},
            "scope": {"system": {"all": True}}}}
        r = self.s.post(self.url + "/auth/tokens", json=body, timeout=TIMEOUT)
        if r.status_code != 201:
            raise SystemExit(f"seed: admin token from {self.url}: HTTP {r.status_code} {r.text[:300]}")
        self.s.headers["X-Auth-Token"] = r.headers["X-Subject-Token"]

    def call(self, method: str, path: str, expect=(200,), **kw):
        r = self.s.request(method, self.url + path, timeout=TIMEOUT, **kw)
        if r.status_code not in expect:
            raise SystemExit(f"seed: {method} {path}: HTTP {r.status_code} {r.text[:500]}")
        return r.json() if r.content else None

    def find_or_create(self, coll: str, key: str, attrs: dict, match: dict) -> dict:
        found = self.call("GET", "/" + coll, params=match)[coll]
        if found:
            return found[0]
        obj = self.call("POST", "/" + coll, expect=(201,), json={key: attrs})[key]
        print(f"created {key} {attrs.get('name', '')} {obj['id']}")
        return obj


def seed(url: str | None = None) -> None:
    ks = KeystoneAdmin(url)
    roles = {r["name"]: r for r in ks.call("GET", "/roles")["roles"]}
    for name in ("admin", "member", "reader", "service"):
        if name not in roles:
            raise SystemExit(f"seed: role {name} missing: did keystone-manage bootstrap run?")
    for name in EXTRA_ROLES:
        roles[name] = ks.find_or_create("roles", "role", {"name": name}, {"name": name})

    projects = {}
    for name, description in PROJECTS.items():
        projects[name] = ks.find_or_create(
            "projects", "project",
            {"name": name, "domain_id": DOMAIN, "description": description, "enabled": True},
            {"name": name, "domain_id": DOMAIN})

    for name, (password, project_name, role_names) in USERS.items():
        if name == ADMIN_USER:
            continue  # bootstrap's
        project = projects[project_name]
        user = ks.find_or_create(
            "users", "user",
            {"name": name, "password": password, "domain_id": DOMAIN,
             "default_project_id": project["id"], "enabled": True},
            {"name": name, "domain_id": DOMAIN})
        for role_name in role_names:
            # PUT is idempotent: 204 whether the grant is new or not
            ks.call("PUT", f"/projects/{project['id']}/users/{user['id']}/roles/"
                           f"{roles[role_name]['id']}", expect=(204,))
    print(f"seeded {len(USERS)} users, {len(PROJECTS)} projects at {ks.url}")


def network_endpoints(ks: KeystoneAdmin) -> tuple[dict | None, list]:
    services = ks.call("GET", "/services", params={"type": NETWORK_SERVICE_TYPE})["services"]
    service = next((s for s in services if s["name"] == NETWORK_SERVICE_NAME), None)
    if service is None:
        return None, []
    eps = ks.call("GET", "/endpoints", params={"service_id": service["id"]})["endpoints"]
    return service, eps


def register_network(network_url: str, url: str | None = None) -> None:
    network_url = network_url.rstrip("/")
    if not network_url.startswith(("http://", "https://")):
        raise SystemExit(f"seed: register-network needs an http(s) URL, not {network_url!r}")
    ks = KeystoneAdmin(url)
    service, eps = network_endpoints(ks)
    if service is None:
        service = ks.call("POST", "/services", expect=(201,), json={"service": {
            "name": NETWORK_SERVICE_NAME, "type": NETWORK_SERVICE_TYPE, "enabled": True,
            "description": "Portwatch (Neutron v2.0 API) under test"}})["service"]
        print(f"created service {NETWORK_SERVICE_NAME} ({NETWORK_SERVICE_TYPE}) {service['id']}")
    for iface in ("public", "internal"):
        mine = [e for e in eps if e["interface"] == iface]
        keep = next((e for e in mine if e.get("region_id") == REGION), None)
        for extra in mine:  # one endpoint per interface, in RegionOne
            if extra is not keep:
                ks.call("DELETE", f"/endpoints/{extra['id']}", expect=(204,))
        if keep is None:
            ks.call("POST", "/endpoints", expect=(201,), json={"endpoint": {
                "service_id": service["id"], "interface": iface, "url": network_url,
                "region_id": REGION, "enabled": True}})
            print(f"created endpoint network/{iface} {network_url}")
        elif keep["url"] != network_url or not keep.get("enabled", True):
            ks.call("PATCH", f"/endpoints/{keep['id']}",
                    json={"endpoint": {"url": network_url, "enabled": True}})
            print(f"updated endpoint network/{iface} {keep['url']} -> {network_url}")
        else:
            print(f"exists  endpoint network/{iface} {network_url}")


def show_network(url: str | None = None) -> int:
    _, eps = network_endpoints(KeystoneAdmin(url))
    for e in sorted(eps, key=lambda e: e["interface"]):
        print(f"{e['interface']} {e.get('region_id')} {e['url']}")
    return 0 if eps else 1


def main(argv: list[str]) -> int:
    t0 = time.monotonic()
    if argv[:1] == ["seed"] and len(argv) == 1:
        seed()
    elif argv[:1] == ["register-network"] and len(argv) == 2:
        register_network(argv[1])
    elif argv[:1] == ["show-network"] and len(argv) == 1:
        return show_network()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{argv[0]} took {time.monotonic() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
