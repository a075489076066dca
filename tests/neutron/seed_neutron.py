"""Keystone accounts and catalog for the test Neutron (scripts/neutron.sh), through the v3 API.

    python seed_neutron.py URL      user neutron/neutron-secret (admin + service on project service,
                                    what keystonemiddleware in Neutron authenticates as), and service
                                    "neutron" (type network) with public + internal endpoints -> URL
                                    in RegionOne (idempotent)

This runs against the bridge tests' own Keystone (scripts/neutron.sh starts one on its own port),
never the Keystone where the Keystone tests register Portwatch itself as the network service.
Reuses tests/keystone/seed.py (same admin, same requests-only client).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keystone"))
import seed  # noqa: E402

REGION = seed.REGION
SERVICE_NAME = "neutron"


def main(url: str) -> None:
    url = url.rstrip("/")
    ks = seed.KeystoneAdmin()
    roles = {r["name"]: r for r in ks.call("GET", "/roles")["roles"]}
    service_project = ks.call("GET", "/projects", params={"name": "service"})["projects"][0]
    user = ks.find_or_create(
        "users", "user",
        {"name": "neutron", "password": "neutron-secret", "domain_id": seed.DOMAIN,
         "default_project_id": service_project["id"], "enabled": True},
        {"name": "neutron", "domain_id": seed.DOMAIN})
    for role in ("admin", "service"):
        ks.call("PUT", f"/projects/{service_project['id']}/users/{user['id']}/roles/{roles[role]['id']}",
                expect=(204,))
    services = ks.call("GET", "/services", params={"type": "network"})["services"]
    service = next((s for s in services if s["name"] == SERVICE_NAME), None)
    if service is None:
        service = ks.call("POST", "/services", expect=(201,), json={"service": {
            "name": SERVICE_NAME, "type": "network", "enabled": True,
            "description": "the test Neutron 29 (scripts/neutron.sh)"}})["service"]
    endpoints = ks.call("GET", "/endpoints", params={"service_id": service["id"]})["endpoints"]
    for iface in ("public", "internal"):
        mine = [e for e in endpoints if e["interface"] == iface]
        for extra in mine[1:]:
            ks.call("DELETE", f"/endpoints/{extra['id']}", expect=(204,))
        if not mine:
            ks.call("POST", "/endpoints", expect=(201,), json={"endpoint": {
                "service_id": service["id"], "interface": iface, "url": url, "region_id": REGION,
                "enabled": True}})
        elif mine[0]["url"] != url or mine[0].get("region_id") != REGION:
            ks.call("PATCH", f"/endpoints/{mine[0]['id']}",
                    json={"endpoint": {"url": url, "region_id": REGION, "enabled": True}})
    print(f"neutron user and network endpoint {url} ({REGION}) registered")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
