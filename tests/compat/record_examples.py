"""Record request/response exchanges from a real Neutron (the neutron-anchor) as `NN-name.http`.

Writes the format of neutron-examples/ (and of the anchor's tools/examples.sh): the request line,
Host, Accept, extra headers, Content-Type and body under `### REQUEST`, then the status line,
headers and body verbatim under `### RESPONSE`. test_examples.py replays every file in order.

    /tmp/neutron-anchor/.runtime/venv/bin/python tests/compat/record_examples.py \
        --first 49 --out tests/compat/neutron-examples >> tests/compat/neutron-examples/run-summary.txt

records the whole SCENARIO as files 49 on (the numbers and names of the files there); `--only pg-
--first 145` records one group again. A step may use the ids of what its group created first
(`{NET}`, `{PORT}`, `{PGA}`…, see CREATES): a replay learns them from those creates, so each group is
self-contained. Steps named `h-*` go to the header-identity instance (9697), the others to noauth
(9696). Not a test: it needs a running Neutron, which tests must not.
"""

from __future__ import annotations

import argparse
import http.client
import json
from pathlib import Path

# (name, method, target, body or None, extra headers, instance port). Bodies are sent byte for byte.
SCENARIO: list[tuple[str, str, str, str | None, list[str], int]] = []

MEMBER = ["X-User-Id: u-member", "X-Project-Id: proj-a", "X-Roles: member,reader"]


def step(name, method, target, body=None, *headers):
    SCENARIO.append((name, method, target, body, list(headers), 9697 if name.startswith("h-") else 9696))


# ---- the network and port the other steps use (admin of fake_project_id, and a member of proj-a)
step("conf-network-create", "POST", "/v2.0/networks", '{"network": {"name": "conf-net"}}')
step("conf-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{NET}", "name": "conf-port"}}')
step("h-conf-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "conf-net-a"}}', *MEMBER)
step("h-conf-member-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HNET}", "name": "conf-port-a"}}', *MEMBER)

# ---- class 3: routing errors
step("routing-v2-resources", "GET", "/v2.0/")
step("routing-v2-no-slash-404", "GET", "/v2.0")
step("routing-v2-post-405", "POST", "/v2.0", '{"port": {}}')
step("routing-ports-patch-405", "PATCH", "/v2.0/ports", '{"port": {"name": "x"}}')
step("routing-port-patch-405", "PATCH", "/v2.0/ports/{PORT}", '{"port": {"name": "x"}}')
step("routing-network-patch-405", "PATCH", "/v2.0/networks/{NET}", '{"network": {"name": "x"}}')
step("routing-ports-put-404", "PUT", "/v2.0/ports", '{"port": {"name": "x"}}')
step("routing-ports-delete-404", "DELETE", "/v2.0/ports")
step("routing-networks-put-404", "PUT", "/v2.0/networks", '{"network": {"name": "x"}}')
step("routing-networks-delete-404", "DELETE", "/v2.0/networks")
step("routing-port-post-invalid-400", "POST", "/v2.0/ports/{PORT}", '{"port": {"name": "x"}}')
step("routing-port-post-bad-value-400", "POST", "/v2.0/ports/{PORT}",
     '{"port": {"network_id": "{NET}", "admin_state_up": "maybe"}}')
step("routing-port-post-valid-405", "POST", "/v2.0/ports/{PORT}", '{"port": {"network_id": "{NET}"}}')
step("routing-port-post-empty-405", "POST", "/v2.0/ports/{PORT}")
step("routing-network-post-405", "POST", "/v2.0/networks/{NET}", '{"network": {"name": "x"}}')
step("routing-unknown-collection-404", "GET", "/v2.0/bogus")
step("routing-port-subpath-404", "GET", "/v2.0/ports/{PORT}/bogus")
step("routing-unknown-version-404", "GET", "/v3.0/ports")
step("routing-unknown-path-404", "GET", "/bogus")
step("routing-root-post-405", "POST", "/", '{"port": {}}')
step("routing-root-delete-405", "DELETE", "/")
step("routing-extensions-post-404", "POST", "/v2.0/extensions", '{"extension": {}}')
step("routing-extensions-put-404", "PUT", "/v2.0/extensions", '{"extension": {}}')
step("routing-extension-delete-404", "DELETE", "/v2.0/extensions/binding")
step("routing-extension-post-404", "POST", "/v2.0/extensions/binding")
step("routing-ports-head-405", "HEAD", "/v2.0/ports")
step("routing-port-head-405", "HEAD", "/v2.0/ports/{PORT}")
step("routing-v2-head-405", "HEAD", "/v2.0/")
step("routing-root-head-405", "HEAD", "/")
step("routing-port-tags-head", "HEAD", "/v2.0/ports/{PORT}/tags")
step("routing-extensions-head-404", "HEAD", "/v2.0/extensions")
step("routing-unknown-version-html-404", "GET", "/v3.0", None, "Accept: */*")
step("h-routing-unknown-version-no-user-404", "GET", "/v3.0/ports")
step("h-routing-member-ports-patch-405", "PATCH", "/v2.0/ports", '{"port": {}}', *MEMBER)
step("h-routing-member-ports-delete-404", "DELETE", "/v2.0/ports", None, *MEMBER)

# ---- class 4: body-shape errors
step("body-port-update-empty", "PUT", "/v2.0/ports/{PORT}", "")
step("body-port-update-list", "PUT", "/v2.0/ports/{PORT}", '[{"port": {"name": "x"}}]')
step("body-port-update-string", "PUT", "/v2.0/ports/{PORT}", '"port"')
step("body-port-update-resource-string", "PUT", "/v2.0/ports/{PORT}", '{"port": "x"}')
step("body-port-update-resource-list", "PUT", "/v2.0/ports/{PORT}", '{"port": [{"name": "x"}]}')
step("body-port-update-resource-null", "PUT", "/v2.0/ports/{PORT}", '{"port": null}')
step("body-port-update-missing-key", "PUT", "/v2.0/ports/{PORT}", '{"network": {"name": "x"}}')
step("body-port-update-bulk", "PUT", "/v2.0/ports/{PORT}", '{"ports": [{"name": "x"}]}')
step("body-port-update-bulk-and-single", "PUT", "/v2.0/ports/{PORT}",
     '{"port": {"name": "x"}, "ports": [{"name": "y"}]}')
step("body-network-update-bulk", "PUT", "/v2.0/networks/{NET}", '{"networks": []}')
step("body-port-create-empty", "POST", "/v2.0/ports", "")
step("body-port-create-list", "POST", "/v2.0/ports", '[{"port": {"network_id": "{NET}"}}]')
step("body-port-create-resource-string", "POST", "/v2.0/ports", '{"port": "x"}')
step("body-port-create-resource-null", "POST", "/v2.0/ports", '{"port": null}')
step("body-port-create-bulk-empty", "POST", "/v2.0/ports", '{"ports": []}')
step("body-port-create-bulk-null", "POST", "/v2.0/ports", '{"ports": null}')
step("body-port-create-bulk-string", "POST", "/v2.0/ports", '{"ports": "x"}')
step("body-port-create-bulk-number", "POST", "/v2.0/ports", '{"ports": 1}')
step("body-port-create-bulk-string-item", "POST", "/v2.0/ports", '{"ports": ["x"]}')
step("body-port-create-bulk-number-item", "POST", "/v2.0/ports", '{"ports": [1]}')
step("body-port-create-bulk-first-bad-item-wins", "POST", "/v2.0/ports", '{"ports": [{}, "x"]}')
step("body-network-create-missing-key", "POST", "/v2.0/networks", '{"port": {"name": "x"}}')
step("h-body-member-port-update-bulk", "PUT", "/v2.0/ports/{HPORT}", '{"ports": [{"name": "x"}]}', *MEMBER)
step("h-body-member-port-create-empty", "POST", "/v2.0/ports", "", *MEMBER)

# ---- class 6: query validation on show and list
step("query-port-show-fields-comma", "GET", "/v2.0/ports/{PORT}?fields=id,name")
step("query-port-show-fields-empty", "GET", "/v2.0/ports/{PORT}?fields=")
step("query-port-show-fields-and-empty", "GET", "/v2.0/ports/{PORT}?fields=id&fields=")
step("query-port-show-unknown-key", "GET", "/v2.0/ports/{PORT}?fields=id&foo=1&bar=2")
step("query-port-show-filter-ignored", "GET", "/v2.0/ports/{PORT}?name=nomatch&limit=1&fields=id&fields=name")
step("query-port-show-not-filterable", "GET", "/v2.0/ports/{PORT}?binding:vnic_type=normal")
step("query-port-show-sort-key-only", "GET", "/v2.0/ports/{PORT}?sort_key=id")
step("query-port-show-bad-boolean", "GET", "/v2.0/ports/{PORT}?admin_state_up=maybe")
step("query-port-show-bad-limit", "GET", "/v2.0/ports/{PORT}?limit=x")
step("query-network-show-fields-comma", "GET", "/v2.0/networks/{NET}?fields=id,name")
step("query-network-show-unknown-key", "GET", "/v2.0/networks/{NET}?foo=1")
step("query-port-list-fields-comma", "GET", "/v2.0/ports?id={PORT}&fields=id,name")
step("query-port-list-fields-empty", "GET", "/v2.0/ports?id={PORT}&fields=")
step("query-port-list-filter-vnic-type", "GET", "/v2.0/ports?binding:vnic_type=normal")
step("query-port-list-filter-port-security", "GET", "/v2.0/ports?port_security_enabled=true")
step("query-port-list-filter-created-at", "GET", "/v2.0/ports?created_at=2026-01-01T00:00:00Z")
step("query-port-list-filter-revision-text", "GET", "/v2.0/ports?revision_number=x&fields=id")
step("query-port-list-filter-fixed-ips-form", "GET", "/v2.0/ports?fixed_ips=x")
step("query-port-list-bad-boolean-first", "GET", "/v2.0/ports?foo=1&admin_state_up=maybe")
step("query-port-list-sort-created-at", "GET", "/v2.0/ports?sort_key=created_at&sort_dir=asc")
step("query-port-list-sort-vnic-type", "GET", "/v2.0/ports?sort_key=binding:vnic_type&sort_dir=asc")
step("query-port-list-sort-description", "GET", "/v2.0/ports?sort_key=description&sort_dir=asc")
step("query-port-list-sort-key-only", "GET", "/v2.0/ports?sort_key=name")
step("query-port-list-sort-dir-only", "GET", "/v2.0/ports?sort_dir=asc")
step("query-port-list-sort-name", "GET", "/v2.0/ports?network_id={NET}&sort_key=name&sort_dir=desc&fields=name")
step("query-network-list-filter-port-security", "GET", "/v2.0/networks?port_security_enabled=true")
step("query-network-list-sort-created-at", "GET", "/v2.0/networks?sort_key=created_at&sort_dir=asc")
step("query-network-list-sort-revision", "GET", "/v2.0/networks?sort_key=revision_number&sort_dir=asc")
step("query-network-list-filter-mtu-text", "GET", "/v2.0/networks?mtu=x")
step("query-network-list-filter-mtu", "GET", "/v2.0/networks?id={NET}&mtu=1500&fields=id&fields=mtu")
step("h-query-member-port-show-fields-comma", "GET", "/v2.0/ports/{HPORT}?fields=id,name", None, *MEMBER)
step("h-query-member-port-show-unknown-key", "GET", "/v2.0/ports/{HPORT}?foo=1", None, *MEMBER)
step("h-query-member-port-list-sort-key-only", "GET", "/v2.0/ports?sort_key=id", None, *MEMBER)

# ---- class 2: pagination links (sorted by name, so that pages do not depend on the ids)
PG = "/v2.0/ports?network_id={PGNET}&sort_key=name&sort_dir=asc&fields=id&fields=name"
step("pg-network-create", "POST", "/v2.0/networks", '{"network": {"name": "pg-net"}}')
for letter in "abc":
    step(f"pg-port-create-{letter}", "POST", "/v2.0/ports",
         '{"port": {"network_id": "{PGNET}", "name": "pg-%s"}}' % letter)
step("pg-links-first-page", "GET", PG + "&limit=2")
step("pg-links-request-order-kept", "GET",
     "/v2.0/ports?limit=2&fields=name&sort_dir=asc&network_id={PGNET}&fields=id&sort_key=name")
step("pg-links-next-page", "GET", PG + "&limit=2&marker={PGB}")
step("pg-links-exact-page", "GET", PG + "&limit=3")
step("pg-links-short-page", "GET", PG + "&limit=5")
step("pg-links-sort-desc", "GET",
     "/v2.0/ports?network_id={PGNET}&sort_key=name&sort_dir=desc&fields=name&limit=2")
step("pg-page-reverse-from-marker", "GET", PG + "&limit=2&marker={PGC}&page_reverse=True")
step("pg-page-reverse-no-marker", "GET", PG + "&limit=2&page_reverse=True")
step("pg-page-reverse-short", "GET", PG + "&limit=2&marker={PGB}&page_reverse=True")
step("pg-page-reverse-empty", "GET", PG + "&limit=2&marker={PGA}&page_reverse=True")
step("pg-page-reverse-lowercase", "GET", PG + "&limit=2&page_reverse=true")
step("pg-page-reverse-one-is-false", "GET", PG + "&limit=2&page_reverse=1")
step("pg-page-reverse-false", "GET", PG + "&limit=2&page_reverse=False")
step("pg-page-reverse-without-limit", "GET", PG + "&page_reverse=True")
step("pg-marker-without-limit", "GET", PG + "&marker={PGB}")
step("pg-marker-unknown-without-limit", "GET", PG + "&marker=00000000-0000-0000-0000-000000000000")
step("pg-marker-unknown-404", "GET", PG + "&limit=2&marker=00000000-0000-0000-0000-000000000000")
step("pg-marker-empty", "GET", PG + "&limit=1&marker=")
step("pg-limit-repeated-last-wins", "GET", PG + "&limit=2&limit=1")
step("pg-limit-zero-no-links", "GET", PG + "&limit=0")
step("pg-links-space-encoded", "GET", PG + "&name=pg%20a&limit=1")
step("pg-links-colon-encoded", "GET", PG + "&binding:host_id=&limit=1")
step("pg-network-links", "GET", "/v2.0/networks?id={PGNET}&limit=1&fields=id&fields=name")
step("h-pg-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "pg-net-a"}}', *MEMBER)
step("h-pg-member-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HPGNET}", "name": "pg-a-1"}}', *MEMBER)
step("h-pg-member-links", "GET",
     "/v2.0/ports?network_id={HPGNET}&sort_key=name&sort_dir=asc&fields=name&limit=1", None, *MEMBER)
# ---- more of classes 3 and 6 (a second recording run, hence its own network and port)
step("more-network-create", "POST", "/v2.0/networks", '{"network": {"name": "more-net"}}')
step("more-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{MNET}", "name": "more-port"}}')
step("more-port-tag-add", "PUT", "/v2.0/ports/{MPORT}/tags/red")
step("more-port-tag-head-present", "HEAD", "/v2.0/ports/{MPORT}/tags/red")
step("more-port-tag-head-absent", "HEAD", "/v2.0/ports/{MPORT}/tags/blue")
step("more-ports-list-trailing-slash", "GET", "/v2.0/ports/?id={MPORT}&fields=id&fields=tags")
step("more-v2-no-slash-head-405", "HEAD", "/v2.0")
step("more-unknown-version-head-404", "HEAD", "/v3.0/ports")
step("more-network-list-sort-az-hints", "GET",
     "/v2.0/networks?id={MNET}&sort_key=availability_zone_hints&sort_dir=asc&fields=id")
step("more-network-list-sort-shared", "GET", "/v2.0/networks?sort_key=shared&sort_dir=asc")
step("more-port-list-sort-host", "GET", "/v2.0/ports?sort_key=binding:host_id&sort_dir=asc")
step("more-port-list-filter-host", "GET", "/v2.0/ports?network_id={MNET}&binding:host_id=&fields=name")
# ---- a third run: the extension controller's webob 404, empty path segments, int() leniency
step("x-extension-unknown-alias", "GET", "/v2.0/extensions/bogus")
step("x-extension-unknown-alias-html", "GET", "/v2.0/extensions/bogus", None, "Accept: */*")
step("x-extension-unknown-alias-text", "GET", "/v2.0/extensions/bogus", None, "Accept: text/plain")
step("x-double-slash-list", "GET", "//v2.0//ports?name=no-such-port")
step("x-limit-with-spaces", "GET", "/v2.0/ports?name=no-such-port&limit=%201")
step("x-mtu-with-spaces", "GET", "/v2.0/networks?name=no-such-net&mtu=%201500%20")

# ---- class 5: conversions and validation (convert_to_boolean, MAC forms, read-only names, project)
step("cv-network-create", "POST", "/v2.0/networks", '{"network": {"name": "cv-net"}}')
step("cv-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "name": "cv-port"}}')
step("cv-bool-yes", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "admin_state_up": "yes"}}')
step("cv-bool-off-upper", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "admin_state_up": "OFF"}}')
step("cv-bool-spaces", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "admin_state_up": " t "}}')
step("cv-bool-int-zero-update", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"admin_state_up": 0}}')
step("cv-bool-int-two", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"admin_state_up": 2}}')
step("cv-bool-float", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"admin_state_up": 1.5}}')
step("cv-bool-null", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"admin_state_up": null}}')
step("cv-bool-empty", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"port_security_enabled": ""}}')
step("cv-network-bool-n", "POST", "/v2.0/networks",
     '{"network": {"name": "cv-net-ps", "port_security_enabled": "n", "admin_state_up": "Y"}}')
step("cv-query-bool-yes", "GET", "/v2.0/ports?network_id={CVNET}&admin_state_up=yes&sort_key=name&sort_dir=asc&fields=name")
step("cv-query-bool-no", "GET", "/v2.0/ports?network_id={CVNET}&admin_state_up=no&fields=admin_state_up")
for name, mac in [("dashes-upper", '"AA-BB-CC-00-00-01"'), ("cisco-dots", '"aabb.cc00.0002"'),
                  ("bare-12", '"aabbcc000003"'), ("short-groups", '"a:b:c:0:0:4"'),
                  ("postgres-colon", '"aabbcc:000005"'), ("cisco-colons", '"aabb:cc00:0006"'),
                  ("bare-11", '"abbcc000007"'), ("decimal-string", '"12"'), ("integer", "13"),
                  ("trailing-newline", '"aa:bb:cc:00:00:11\\n"'), ("multicast", '"01:00:5e:00:00:12"')]:
    step(f"cv-mac-{name}", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "mac_address": %s}}' % mac)
for name, mac in [("leading-space", '" aa:bb:cc:00:00:10"'), ("broadcast-dashes", '"FF-FF-FF-FF-FF-FF"'),
                  ("false-is-zero", "false"), ("bad-digit", '"aa:bb:cc:dd:ee:zz"'), ("empty", '""'),
                  ("decimal-broadcast", '"281474976710655"'), ("huge-decimal", '"99999999999999999999"')]:
    step(f"cv-mac-invalid-{name}", "POST", "/v2.0/ports",
         '{"port": {"network_id": "{CVNET}", "mac_address": %s}}' % mac)
step("cv-mac-in-use-normalised", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{CVNET}", "mac_address": "aa:BB:cc:00:00:01"}}')
step("cv-mac-null-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{CVNET}", "mac_address": null}}')
step("cv-mac-null-update-regenerates", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"mac_address": null}}')
step("cv-mac-form-update", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"mac_address": "AA-BB-CC-00-00-20"}}')
step("cv-mac-update-invalid", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"mac_address": "zz"}}')
step("cv-readonly-port-project-id", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"project_id": "fake_project_id"}}')
step("cv-readonly-port-tenant-id", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"tenant_id": "fake_project_id"}}')
step("cv-readonly-port-order-status", "PUT", "/v2.0/ports/{CVPORT}",
     '{"port": {"created_at": "x", "status": "ACTIVE", "name": "y"}}')
step("cv-readonly-port-order-revision", "PUT", "/v2.0/ports/{CVPORT}",
     '{"port": {"updated_at": "x", "created_at": "x", "revision_number": 9}}')
step("cv-readonly-port-order-network", "PUT", "/v2.0/ports/{CVPORT}",
     '{"port": {"project_id": "fake_project_id", "network_id": "{CVNET}"}}')
step("cv-readonly-port-tags", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"tags": ["a"]}}')
step("cv-readonly-port-post-order", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{CVNET}", "created_at": "x", "data_plane_status": "DOWN", "binding:vif_type": "x"}}')
step("cv-readonly-network-project-id", "PUT", "/v2.0/networks/{CVNET}", '{"network": {"project_id": "fake_project_id"}}')
step("cv-readonly-network-order", "PUT", "/v2.0/networks/{CVNET}",
     '{"network": {"tags": [], "availability_zones": [], "status": "x"}}')
step("cv-readonly-network-post-order", "POST", "/v2.0/networks",
     '{"network": {"created_at": "x", "revision_number": 1, "availability_zones": []}}')
step("cv-project-mismatch-port", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{CVNET}", "tenant_id": "proj-x", "project_id": "proj-y"}}')
step("cv-project-mismatch-before-unknown", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{CVNET}", "tenant_id": "proj-x", "project_id": "proj-y", "bogus": 1}}')
step("cv-project-mismatch-update", "PUT", "/v2.0/ports/{CVPORT}",
     '{"port": {"tenant_id": "proj-x", "project_id": "proj-y"}}')
step("cv-project-mismatch-network", "POST", "/v2.0/networks",
     '{"network": {"tenant_id": "proj-x", "project_id": "proj-y"}}')
step("cv-project-both-agree", "POST", "/v2.0/networks",
     '{"network": {"name": "cv-net-x", "tenant_id": "proj-x", "project_id": "proj-x"}}')
step("cv-vnic-type-bogus", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{CVNET}", "binding:vnic_type": "bogus"}}')
step("cv-vnic-type-number", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"binding:vnic_type": 5}}')
step("cv-vnic-type-case", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"binding:vnic_type": "Normal"}}')
step("cv-vnic-type-null", "PUT", "/v2.0/ports/{CVPORT}", '{"port": {"binding:vnic_type": null}}')
step("h-cv-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "cv-net-a"}}', *MEMBER)
step("h-cv-member-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HCVNET}", "name": "cv-port-a"}}', *MEMBER)
step("h-cv-member-port-create-other-project", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HCVNET}", "project_id": "proj-b"}}', *MEMBER)
step("h-cv-member-privileges-before-unknown", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HCVNET}", "tenant_id": "proj-b", "bogus": 1}}', *MEMBER)
step("h-cv-member-network-create-other-project", "POST", "/v2.0/networks",
     '{"network": {"tenant_id": "proj-b"}}', *MEMBER)
step("h-cv-member-port-update-other-project", "PUT", "/v2.0/ports/{HCVPORT}",
     '{"port": {"project_id": "proj-b"}}', *MEMBER)
step("h-cv-member-port-update-own-project", "PUT", "/v2.0/ports/{HCVPORT}",
     '{"port": {"project_id": "proj-a"}}', *MEMBER)
step("h-cv-member-mac-null-update", "PUT", "/v2.0/ports/{HCVPORT}", '{"port": {"mac_address": null}}', *MEMBER)
step("h-cv-member-mac-form-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HCVNET}", "mac_address": "AA-BB-CC-00-01-01"}}', *MEMBER)
step("h-cv-member-mac-null-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HCVNET}", "mac_address": null, "name": "cv-null-mac"}}', *MEMBER)
step("h-cv-member-bool-off", "PUT", "/v2.0/ports/{HCVPORT}", '{"port": {"admin_state_up": "off"}}', *MEMBER)
step("h-cv-member-bool-invalid", "PUT", "/v2.0/ports/{HCVPORT}", '{"port": {"admin_state_up": "nope"}}', *MEMBER)
step("h-cv-member-vnic-type-bogus", "PUT", "/v2.0/ports/{HCVPORT}",
     '{"port": {"binding:vnic_type": "bogus"}}', *MEMBER)

# ---- class 9: side effects (a network delete takes its DHCP, DVR and agent-gateway ports along)
step("se-network-create", "POST", "/v2.0/networks", '{"network": {"name": "se-net"}}')
step("se-port-dhcp-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET}", "device_owner": "network:dhcp", "name": "se-dhcp"}}')
step("se-port-distributed-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET}", "device_owner": "network:distributed", "name": "se-dvr"}}')
step("se-port-router-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET}", "device_owner": "network:router_interface", "name": "se-router"}}')
step("se-network-delete-in-use", "DELETE", "/v2.0/networks/{SENET}")
step("se-dhcp-port-kept", "GET", "/v2.0/ports/{SEDHCP}?fields=id&fields=device_owner")
step("se-port-router-delete", "DELETE", "/v2.0/ports/{SEROUTER}")
step("se-network-delete-with-auto-ports", "DELETE", "/v2.0/networks/{SENET}")
step("se-dhcp-port-gone", "GET", "/v2.0/ports/{SEDHCP}")
step("se-distributed-port-gone", "GET", "/v2.0/ports/{SEDVR}")
step("se-network-gone", "GET", "/v2.0/networks/{SENET}")
step("se-network2-create", "POST", "/v2.0/networks", '{"network": {"name": "se-net-2"}}')
step("se-port-fip-gw-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET2}", "device_owner": "network:floatingip_agent_gateway"}}')
step("se-port-compute-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET2}", "device_owner": "compute:nova", "name": "se-vm"}}')
step("se-network2-delete-in-use-compute", "DELETE", "/v2.0/networks/{SENET2}")
step("se-network2-ports-kept", "GET", "/v2.0/ports?network_id={SENET2}&sort_key=name&sort_dir=asc&fields=name&fields=device_owner")
step("h-se-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "se-net-a"}}', *MEMBER)
step("se-admin-dhcp-in-member-network", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HSENET}", "device_owner": "network:dhcp", "name": "se-dhcp-a"}}')
step("h-se-member-sees-no-admin-port", "GET", "/v2.0/ports?network_id={HSENET}&fields=name", None, *MEMBER)
step("h-se-member-network-delete", "DELETE", "/v2.0/networks/{HSENET}", None, *MEMBER)
step("se-admin-dhcp-gone", "GET", "/v2.0/ports/{SEADHCP}")
step("se-trusted-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SENET2}", "device_owner": "network:dhcp", "port_security_enabled": true}}')
step("se-trusted-port-update-port-security", "PUT", "/v2.0/ports/{SETRUSTED}",
     '{"port": {"port_security_enabled": true}}')
step("h-se-member-network2-create", "POST", "/v2.0/networks", '{"network": {"name": "se-net-a2"}}', *MEMBER)
step("h-se-member-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HSENET2}", "device_owner": "compute:nova"}}', *MEMBER)
step("h-se-member-network-delete-in-use", "DELETE", "/v2.0/networks/{HSENET2}", None, *MEMBER)

# ---- class 7: tags (the order Neutron reads them in, PUT of one tag, tags in a create)
step("tg-network-create", "POST", "/v2.0/networks", '{"network": {"name": "tg-net"}}')
step("tg-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{TGNET}", "name": "tg-port"}}')
for tag in ["b", "a", "C", "a"]:
    step(f"tg-port-tag-put-{tag}", "PUT", "/v2.0/ports/{TGPORT}/tags/" + tag)
step("tg-port-tags-sorted", "GET", "/v2.0/ports/{TGPORT}/tags")
step("tg-port-show-tags-sorted", "GET", "/v2.0/ports/{TGPORT}?fields=tags&fields=revision_number")
step("tg-port-tags-replace", "PUT", "/v2.0/ports/{TGPORT}/tags", '{"tags": ["y", "B", "a", "Z"]}')
step("tg-port-tags-after-replace", "GET", "/v2.0/ports/{TGPORT}/tags")
step("tg-port-tags-add-list", "POST", "/v2.0/ports/{TGPORT}/tags", '{"tags": ["m", "A"]}')
step("tg-port-list-tags-sorted", "GET", "/v2.0/ports?id={TGPORT}&fields=tags")
step("tg-port-tags-replace-duplicates", "PUT", "/v2.0/ports/{TGPORT}/tags", '{"tags": ["x", "y", "x"]}')
step("tg-port-create-with-tags", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{TGNET}", "name": "tg-port-tagged", "tags": ["zeta", "B"]}}')
step("tg-port-create-duplicate-tags", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{TGNET}", "tags": ["zeta", "alpha", "zeta", "alpha", "zeta"]}}')
step("tg-port-create-tags-not-list", "POST", "/v2.0/ports", '{"port": {"network_id": "{TGNET}", "tags": "x"}}')
step("tg-port-create-tags-number", "POST", "/v2.0/ports", '{"port": {"network_id": "{TGNET}", "tags": [1]}}')
step("tg-network-create-with-tags", "POST", "/v2.0/networks", '{"network": {"name": "tg-net-2", "tags": ["a"]}}')
step("tg-network-tag-put", "PUT", "/v2.0/networks/{TGNET}/tags/q")
step("tg-network-tag-put-upper", "PUT", "/v2.0/networks/{TGNET}/tags/A")
step("tg-network-tags-sorted", "GET", "/v2.0/networks/{TGNET}?fields=tags")
step("tg-extension-tag-creation", "GET", "/v2.0/extensions/tag-creation")
step("h-tg-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "tg-net-a"}}', *MEMBER)
step("h-tg-member-network-tag-put", "PUT", "/v2.0/networks/{HTGNET}/tags/red", None, *MEMBER)
step("h-tg-member-network-tag-put-blue", "PUT", "/v2.0/networks/{HTGNET}/tags/Blue", None, *MEMBER)
step("h-tg-member-network-tags-sorted", "GET", "/v2.0/networks/{HTGNET}/tags", None, *MEMBER)
step("h-tg-member-network-create-with-tags", "POST", "/v2.0/networks",
     '{"network": {"name": "tg-net-a2", "tags": ["a"]}}', *MEMBER)
step("h-tg-member-port-create-duplicate-tags", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HTGNET}", "tags": ["k", "k"]}}', *MEMBER)
step("h-tg-member-other-port-tag-put", "PUT", "/v2.0/ports/{TGPORT}/tags/x", None, *MEMBER)

# ---- class 8: policy (binding:profile is the service role's, composite messages, unseen ports)
SERVICE = ["X-User-Id: u-nova", "X-Project-Id: service", "X-Roles: service"]
READER = ["X-User-Id: u-reader", "X-Project-Id: proj-a", "X-Roles: reader"]
INTEGRATOR = ["X-User-Id: u-dpi", "X-Project-Id: fake_project_id", "X-Roles: data_plane_integrator"]
step("pl-network-create", "POST", "/v2.0/networks", '{"network": {"name": "pl-net"}}')
step("pl-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{PLNET}", "name": "pl-port"}}')
step("pl-admin-create-binding-profile", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{PLNET}", "binding:profile": {"local_link_information": []}}}')
step("pl-admin-create-binding-profile-empty", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{PLNET}", "binding:profile": {}}}')
step("pl-admin-update-binding-profile", "PUT", "/v2.0/ports/{PLPORT}", '{"port": {"binding:profile": {"a": 1}}}')
step("pl-admin-update-binding-profile-and-name", "PUT", "/v2.0/ports/{PLPORT}",
     '{"port": {"name": "x", "binding:profile": {"a": 1}}}')
step("h-pl-service-create-binding-profile", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{PLNET}", "name": "pl-svc", "binding:profile": {"a": 1}}}', *SERVICE)
step("h-pl-service-update-binding-profile", "PUT", "/v2.0/ports/{PLPORT}",
     '{"port": {"binding:profile": {"b": 2}}}', *SERVICE)
step("pl-admin-sees-binding-profile", "GET", "/v2.0/ports/{PLPORT}?fields=binding:profile&fields=revision_number")
step("h-pl-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "pl-net-a"}}', *MEMBER)
step("h-pl-member-port-create", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HPLNET}", "name": "pl-port-a"}}', *MEMBER)
step("h-pl-member-create-binding-profile", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HPLNET}", "binding:profile": {"a": 1}}}', *MEMBER)
step("h-pl-member-update-binding-host", "PUT", "/v2.0/ports/{HPLPORT}", '{"port": {"binding:host_id": "h1"}}', *MEMBER)
step("h-pl-member-update-mac-and-host", "PUT", "/v2.0/ports/{HPLPORT}",
     '{"port": {"binding:host_id": "h1", "mac_address": "fa:16:3e:00:00:99"}}', *MEMBER)
step("h-pl-member-network-create-shared", "POST", "/v2.0/networks",
     '{"network": {"name": "pl-shared", "shared": true}}', *MEMBER)
step("h-pl-member-network-create-external", "POST", "/v2.0/networks",
     '{"network": {"name": "pl-ext", "router:external": true}}', *MEMBER)
step("h-pl-member-show-unseen-port", "GET", "/v2.0/ports/{PLPORT}", None, *MEMBER)
step("h-pl-member-update-unseen-port", "PUT", "/v2.0/ports/{PLPORT}", '{"port": {"name": "x"}}', *MEMBER)
step("h-pl-member-delete-unseen-port", "DELETE", "/v2.0/ports/{PLPORT}", None, *MEMBER)
step("h-pl-member-create-on-unseen-network", "POST", "/v2.0/ports", '{"port": {"network_id": "{PLNET}"}}', *MEMBER)
step("h-pl-reader-update-own-port", "PUT", "/v2.0/ports/{HPLPORT}", '{"port": {"name": "x"}}', *READER)
step("h-pl-reader-delete-own-port", "DELETE", "/v2.0/ports/{HPLPORT}", None, *READER)
step("h-pl-reader-show-own-port", "GET", "/v2.0/ports/{HPLPORT}?fields=id&fields=name", None, *READER)
step("h-pl-integrator-show-port", "GET", "/v2.0/ports/{PLPORT}", None, *INTEGRATOR)
step("h-pl-integrator-update-port-name", "PUT", "/v2.0/ports/{PLPORT}", '{"port": {"name": "x"}}', *INTEGRATOR)

# ---- class 10: availability zones as Neutron reports them without agents
step("az-list", "GET", "/v2.0/availability_zones")
step("az-list-filtered", "GET", "/v2.0/availability_zones?resource=network&state=available")
step("az-network-create-hint", "POST", "/v2.0/networks", '{"network": {"name": "az-net", "availability_zone_hints": ["nova"]}}')
step("az-network-create-no-hints", "POST", "/v2.0/networks", '{"network": {"name": "az-net", "availability_zone_hints": []}}')
step("az-network-create-duplicate-hints", "POST", "/v2.0/networks",
     '{"network": {"availability_zone_hints": ["a", "a"]}}')
step("az-network-create-hints-not-list", "POST", "/v2.0/networks", '{"network": {"availability_zone_hints": "a"}}')
step("az-extension", "GET", "/v2.0/extensions/network_availability_zone")
step("h-az-member-list", "GET", "/v2.0/availability_zones", None, *MEMBER)
step("h-az-member-network-create-hint", "POST", "/v2.0/networks",
     '{"network": {"name": "az-net-a", "availability_zone_hints": ["zone-1"]}}', *MEMBER)

# ---- class 1: security groups (the default group, groups, rules, ports' groups)
SGMEMBER = ["X-User-Id: u-sg", "X-Project-Id: proj-sg", "X-Roles: member,reader"]
SGREADER = ["X-User-Id: u-sg-reader", "X-Project-Id: proj-sg", "X-Roles: reader"]
SGMEMBER2 = ["X-User-Id: u-sg2", "X-Project-Id: proj-sg2", "X-Roles: member,reader"]
SGADMIN = ["X-User-Id: u-sg-admin", "X-Project-Id: proj-sg-admin", "X-Roles: admin,member,reader"]
RULES_SORTED = "sort_key=direction&sort_dir=asc&sort_key=ethertype&sort_dir=asc"
step("sg-network-create", "POST", "/v2.0/networks", '{"network": {"name": "sg-net"}}')
step("sg-list-own-project", "GET", "/v2.0/security-groups?project_id=fake_project_id")
step("sg-default-show", "GET", "/v2.0/security-groups/{SGDEF}")
step("sg-default-rules", "GET", "/v2.0/security-group-rules?security_group_id={SGDEF}&" + RULES_SORTED)
step("sg-port-create-default", "POST", "/v2.0/ports", '{"port": {"network_id": "{SGNET}", "name": "sg-port"}}')
step("sg-create", "POST", "/v2.0/security-groups",
     '{"security_group": {"name": "web", "description": "web servers"}}')
step("sg-create-stateless", "POST", "/v2.0/security-groups", '{"security_group": {"name": "udp", "stateful": false}}')
step("sg-create-no-name", "POST", "/v2.0/security-groups", '{"security_group": {}}')
step("sg-create-default-name", "POST", "/v2.0/security-groups", '{"security_group": {"name": "default"}}')
step("sg-create-default-name-upper", "POST", "/v2.0/security-groups", '{"security_group": {"name": "Default"}}')
step("sg-create-bad-stateful", "POST", "/v2.0/security-groups", '{"security_group": {"stateful": "maybe"}}')
step("sg-create-unknown-attr", "POST", "/v2.0/security-groups", '{"security_group": {"name": "x", "bogus": 1}}')
step("sg-create-rules-given", "POST", "/v2.0/security-groups",
     '{"security_group": {"name": "x", "security_group_rules": []}}')
step("sg-create-shared-given", "POST", "/v2.0/security-groups", '{"security_group": {"name": "x", "shared": true}}')
step("sg-create-tags-given", "POST", "/v2.0/security-groups", '{"security_group": {"name": "x", "tags": ["a"]}}')
step("sg-create-name-number", "POST", "/v2.0/security-groups", '{"security_group": {"name": 5}}')
step("sg-create-bulk", "POST", "/v2.0/security-groups",
     '{"security_groups": [{"name": "bulk-1"}, {"name": "bulk-2", "description": "two"}]}')
step("sg-create-empty-body", "POST", "/v2.0/security-groups", "")
step("sg-show-fields", "GET", "/v2.0/security-groups/{SGWEB}?fields=id&fields=name&fields=stateful")
step("sg-show-unknown", "GET", "/v2.0/security-groups/00000000-0000-0000-0000-000000000000")
step("sg-show-unknown-key", "GET", "/v2.0/security-groups/{SGWEB}?foo=1")
step("sg-list-filter-name", "GET", "/v2.0/security-groups?project_id=fake_project_id&name=web")
step("sg-list-sort-name", "GET",
     "/v2.0/security-groups?project_id=fake_project_id&sort_key=name&sort_dir=asc&fields=name")
step("sg-list-filter-stateful", "GET", "/v2.0/security-groups?project_id=fake_project_id&stateful=false&fields=name")
step("sg-list-filter-shared", "GET",
     "/v2.0/security-groups?project_id=fake_project_id&shared=false&sort_key=name&sort_dir=desc&fields=name")
step("sg-list-filter-description", "GET",
     "/v2.0/security-groups?project_id=fake_project_id&description=web%20servers&fields=name")
step("sg-list-bad-filter", "GET", "/v2.0/security-groups?bogus=1")
step("sg-list-bad-stateful", "GET", "/v2.0/security-groups?stateful=maybe")
step("sg-list-sort-created-at", "GET", "/v2.0/security-groups?sort_key=created_at&sort_dir=asc")
step("sg-list-sort-description", "GET", "/v2.0/security-groups?sort_key=description&sort_dir=asc")
step("sg-list-page", "GET",
     "/v2.0/security-groups?project_id=fake_project_id&sort_key=name&sort_dir=asc&fields=name&fields=id&limit=2")
step("sg-list-fields-rules", "GET",
     "/v2.0/security-groups?project_id=fake_project_id&name=udp&fields=security_group_rules")
step("sg-update", "PUT", "/v2.0/security-groups/{SGWEB}",
     '{"security_group": {"name": "web2", "description": "changed"}}')
step("sg-update-same", "PUT", "/v2.0/security-groups/{SGWEB}", '{"security_group": {"name": "web2"}}')
step("sg-update-to-default", "PUT", "/v2.0/security-groups/{SGWEB}", '{"security_group": {"name": "default"}}')
step("sg-update-default-rename", "PUT", "/v2.0/security-groups/{SGDEF}", '{"security_group": {"name": "other"}}')
step("sg-update-stateful", "PUT", "/v2.0/security-groups/{SGUDP}", '{"security_group": {"stateful": true}}')
step("sg-update-readonly", "PUT", "/v2.0/security-groups/{SGWEB}", '{"security_group": {"tenant_id": "x"}}')
step("sg-update-unknown", "PUT", "/v2.0/security-groups/00000000-0000-0000-0000-000000000000",
     '{"security_group": {"name": "x"}}')
step("sg-rules-of-group", "GET", "/v2.0/security-group-rules?security_group_id={SGWEB}&" + RULES_SORTED)
step("sg-rule-show", "GET", "/v2.0/security-group-rules/{SGRULE}")
step("sg-rule-show-fields", "GET", "/v2.0/security-group-rules/{SGRULE}?fields=direction&fields=ethertype")
step("sg-rule-show-unknown", "GET", "/v2.0/security-group-rules/00000000-0000-0000-0000-000000000000")
step("sg-rules-filter-direction", "GET",
     "/v2.0/security-group-rules?security_group_id={SGDEF}&direction=ingress&sort_key=ethertype&sort_dir=desc")
step("sg-rules-filter-default", "GET",
     "/v2.0/security-group-rules?security_group_id={SGWEB}&belongs_to_default_sg=false&fields=id&" + RULES_SORTED)
step("sg-rules-bad-filter", "GET", "/v2.0/security-group-rules?bogus=1")
step("sg-port-create-with-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "name": "sg-port-web", "security_groups": ["{SGWEB}"]}}')
step("sg-port-create-duplicate-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "security_groups": ["{SGWEB}", "{SGWEB}"]}}')
step("sg-port-create-unknown-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "security_groups": ["00000000-0000-0000-0000-000000000001"]}}')
step("sg-port-create-bad-group-id", "POST", "/v2.0/ports", '{"port": {"network_id": "{SGNET}", "security_groups": ["x"]}}')
step("sg-port-create-groups-not-list", "POST", "/v2.0/ports", '{"port": {"network_id": "{SGNET}", "security_groups": "x"}}')
step("sg-port-create-psec-off-with-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "port_security_enabled": false, "security_groups": ["{SGWEB}"]}}')
step("sg-port-create-psec-off-unknown-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "port_security_enabled": false, '
     '"security_groups": ["00000000-0000-0000-0000-000000000001"]}}')
step("sg-port-create-psec-off", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "name": "sg-nopsec", "port_security_enabled": false}}')
step("sg-port-create-psec-off-empty-groups", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "port_security_enabled": false, "security_groups": []}}')
step("sg-port-create-empty-groups", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "name": "sg-nogroups", "security_groups": []}}')
step("sg-port-create-null-groups", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "security_groups": null}}')
step("sg-port-create-dhcp", "POST", "/v2.0/ports", '{"port": {"network_id": "{SGNET}", "device_owner": "network:dhcp"}}')
step("sg-port-create-dhcp-with-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET}", "device_owner": "network:dhcp", "security_groups": ["{SGWEB}"]}}')
step("sg-port-update-groups", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"security_groups": ["{SGWEB}"]}}')
step("sg-port-update-same-groups", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"security_groups": ["{SGWEB}"]}}')
step("sg-port-update-disable-psec", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"port_security_enabled": false}}')
step("sg-port-update-unknown-group", "PUT", "/v2.0/ports/{SGPORT}",
     '{"port": {"security_groups": ["00000000-0000-0000-0000-000000000001"]}}')
step("sg-port-update-disable-psec-and-clear", "PUT", "/v2.0/ports/{SGPORT}",
     '{"port": {"port_security_enabled": false, "security_groups": []}}')
step("sg-port-update-group-without-psec", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"security_groups": ["{SGWEB}"]}}')
step("sg-port-update-enable-psec", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"port_security_enabled": true}}')
step("sg-port-update-enable-psec-and-group", "PUT", "/v2.0/ports/{SGPORT}",
     '{"port": {"port_security_enabled": true, "security_groups": ["{SGDEF}"]}}')
step("sg-port-update-null-groups", "PUT", "/v2.0/ports/{SGPORT}", '{"port": {"security_groups": null}}')
step("sg-port-list-filter-group", "GET",
     "/v2.0/ports?network_id={SGNET}&security_groups={SGWEB}&sort_key=name&sort_dir=asc&fields=name")
step("sg-port-list-filter-two-groups", "GET",
     "/v2.0/ports?network_id={SGNET}&security_groups={SGWEB}&security_groups={SGDEF}&sort_key=name&sort_dir=asc"
     "&fields=name")
step("sg-delete-in-use", "DELETE", "/v2.0/security-groups/{SGWEB}")
step("sg-delete-default-in-use", "DELETE", "/v2.0/security-groups/{SGDEF}")
step("sg-delete-unknown", "DELETE", "/v2.0/security-groups/00000000-0000-0000-0000-000000000000")
step("sg-delete", "DELETE", "/v2.0/security-groups/{SGUDP}")
step("sg-delete-again", "DELETE", "/v2.0/security-groups/{SGUDP}")
step("sg-network2-create", "POST", "/v2.0/networks", '{"network": {"name": "sg-net2", "port_security_enabled": false}}')
step("sg-port-on-psec-off-network", "POST", "/v2.0/ports", '{"port": {"network_id": "{SGNET2}"}}')
step("sg-port-on-psec-off-network-with-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET2}", "security_groups": ["{SGWEB}"]}}')
step("sg-port-on-psec-off-network-psec-on", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{SGNET2}", "port_security_enabled": true}}')
step("sg-collection-put", "PUT", "/v2.0/security-groups", '{"security_group": {"name": "x"}}')
step("sg-item-patch", "PATCH", "/v2.0/security-groups/{SGWEB}", '{"security_group": {"name": "x"}}')
step("sg-extension", "GET", "/v2.0/extensions/security-group")
step("sg-admin-other-project-list", "GET", "/v2.0/security-groups?project_id=proj-sg-other&fields=name&fields=project_id")
step("h-sg-admin-list-own", "GET",
     "/v2.0/security-groups?project_id=proj-sg-admin&fields=name&fields=project_id&fields=description", None, *SGADMIN)
step("h-sg-admin-create-for-project", "POST", "/v2.0/security-groups",
     '{"security_group": {"name": "for-sg3", "project_id": "proj-sg3"}}', *SGADMIN)
step("h-sg-admin-list-project3", "GET", "/v2.0/security-groups?project_id=proj-sg3&sort_key=name&sort_dir=asc"
     "&fields=name&fields=project_id", None, *SGADMIN)
step("h-sg-member-list", "GET", "/v2.0/security-groups", None, *SGMEMBER)
step("h-sg-member-rules", "GET", "/v2.0/security-group-rules?" + RULES_SORTED, None, *SGMEMBER)
step("h-sg-member-network-create", "POST", "/v2.0/networks", '{"network": {"name": "sg-net-m"}}', *SGMEMBER)
step("h-sg-member-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{HSGNET}"}}', *SGMEMBER)
step("h-sg-member-create", "POST", "/v2.0/security-groups", '{"security_group": {"name": "mine"}}', *SGMEMBER)
step("h-sg-member-show-admin-group", "GET", "/v2.0/security-groups/{SGWEB}", None, *SGMEMBER)
step("h-sg-member-show-admin-rule", "GET", "/v2.0/security-group-rules/{SGRULE}", None, *SGMEMBER)
step("h-sg-member-port-with-admin-group", "POST", "/v2.0/ports",
     '{"port": {"network_id": "{HSGNET}", "security_groups": ["{SGWEB}"]}}', *SGMEMBER)
step("h-sg-member-port-update-admin-group", "PUT", "/v2.0/ports/{HSGPORT}",
     '{"port": {"security_groups": ["{SGWEB}"]}}', *SGMEMBER)
step("h-sg-member-port-update-own-group", "PUT", "/v2.0/ports/{HSGPORT}",
     '{"port": {"security_groups": ["{HSGMINE}"]}}', *SGMEMBER)
step("h-sg-member-update-admin-group", "PUT", "/v2.0/security-groups/{SGWEB}",
     '{"security_group": {"name": "x"}}', *SGMEMBER)
step("h-sg-member-delete-admin-group", "DELETE", "/v2.0/security-groups/{SGWEB}", None, *SGMEMBER)
step("h-sg-member-create-other-project", "POST", "/v2.0/security-groups",
     '{"security_group": {"name": "x", "project_id": "proj-x"}}', *SGMEMBER)
step("h-sg-member-list-other-project", "GET", "/v2.0/security-groups?project_id=proj-sg-admin&fields=name", None,
     *SGMEMBER)
step("h-sg-reader-create", "POST", "/v2.0/security-groups", '{"security_group": {"name": "x"}}', *SGREADER)
step("h-sg-reader-list", "GET", "/v2.0/security-groups?fields=name&sort_key=name&sort_dir=asc", None, *SGREADER)
step("h-sg-reader-delete", "DELETE", "/v2.0/security-groups/{HSGMINE}", None, *SGREADER)
step("h-sg-member-delete-own-in-use", "DELETE", "/v2.0/security-groups/{HSGMINE}", None, *SGMEMBER)
step("h-sg-member-port-clear-groups", "PUT", "/v2.0/ports/{HSGPORT}", '{"port": {"security_groups": []}}', *SGMEMBER)
step("h-sg-member-delete-own", "DELETE", "/v2.0/security-groups/{HSGMINE}", None, *SGMEMBER)
step("h-sg-m2-member-list", "GET", "/v2.0/security-groups", None, *SGMEMBER2)
step("h-sg-m2-member-delete-default", "DELETE", "/v2.0/security-groups/{HSG2DEF}", None, *SGMEMBER2)
step("h-sg-m2-admin-delete-default", "DELETE", "/v2.0/security-groups/{HSG2DEF}", None, *SGADMIN)
step("h-sg-m2-member-list-again", "GET", "/v2.0/security-groups?fields=name&fields=description", None, *SGMEMBER2)

# ---- class 5 leftover: which invalid attribute Neutron names first
step("fo-network-create", "POST", "/v2.0/networks", '{"network": {"name": "fo-net"}}')
step("fo-port-create", "POST", "/v2.0/ports", '{"port": {"network_id": "{FONET}", "name": "fo-port"}}')
for name, body in [
        ("network-id-and-admin", '{"network_id": "x", "admin_state_up": "maybe"}'),
        ("missing-network-and-name", '{"name": 5, "admin_state_up": "maybe"}'),
        ("dhcp-not-list", '{"network_id": "{FONET}", "extra_dhcp_opts": "x"}'),
        ("dhcp-no-name", '{"network_id": "{FONET}", "extra_dhcp_opts": [{"opt_value": "x"}]}'),
        ("pairs-not-list", '{"network_id": "{FONET}", "allowed_address_pairs": "x"}'),
        ("admin-and-mac", '{"network_id": "{FONET}", "admin_state_up": "maybe", "mac_address": "zz"}'),
        ("name-and-mac", '{"network_id": "{FONET}", "mac_address": "zz", "name": 5}'),
        ("name-and-network-id", '{"network_id": "x", "name": 5}'),
        ("description-and-name", '{"network_id": "{FONET}", "description": 5, "name": 5}'),
        ("device-id-and-owner", '{"network_id": "{FONET}", "device_owner": 5, "device_id": 5}'),
        ("fixed-ips-and-device-id", '{"network_id": "{FONET}", "fixed_ips": "x", "device_id": 5}'),
        ("psec-and-name", '{"network_id": "{FONET}", "port_security_enabled": "x", "name": 5}'),
        ("groups-and-name", '{"network_id": "{FONET}", "security_groups": "x", "name": 5}'),
        ("groups-and-psec", '{"network_id": "{FONET}", "security_groups": "x", "port_security_enabled": "x"}'),
        ("vnic-and-host", '{"network_id": "{FONET}", "binding:vnic_type": "bogus", "binding:host_id": 5}'),
        ("profile-and-host", '{"network_id": "{FONET}", "binding:profile": 5, "binding:host_id": 5}'),
        ("pairs-and-dhcp", '{"network_id": "{FONET}", "allowed_address_pairs": "x", "extra_dhcp_opts": "x"}'),
        ("dhcp-and-mac", '{"network_id": "{FONET}", "extra_dhcp_opts": "x", "mac_address": "zz"}'),
        ("tags-and-name", '{"network_id": "{FONET}", "tags": "x", "name": 5}'),
        ("admin-and-vnic", '{"network_id": "{FONET}", "binding:vnic_type": "bogus", "admin_state_up": "x"}'),
        ("description-and-psec", '{"network_id": "{FONET}", "port_security_enabled": "x", "description": 5}')]:
    step(f"fo-port-{name}", "POST", "/v2.0/ports", '{"port": %s}' % body)
for name, body in [("name-and-admin", '{"name": 5, "admin_state_up": "x"}'),
                   ("dps-and-name", '{"data_plane_status": "bogus", "name": 5}'),
                   ("mac-and-admin", '{"mac_address": "zz", "admin_state_up": "x"}'),
                   ("psec-and-vnic", '{"port_security_enabled": "x", "binding:vnic_type": "bogus"}')]:
    step(f"fo-port-update-{name}", "PUT", "/v2.0/ports/{FOPORT}", '{"port": %s}' % body)
for name, body in [("name-and-admin", '{"name": 5, "admin_state_up": "maybe"}'),
                   ("mtu-and-shared", '{"mtu": "x", "shared": "x"}'),
                   ("description-and-psec", '{"description": 5, "port_security_enabled": "x"}'),
                   ("provider-and-name", '{"provider:network_type": 5, "name": 5}'),
                   ("external-and-admin", '{"router:external": "x", "admin_state_up": "x"}'),
                   ("hints-and-name", '{"availability_zone_hints": "x", "name": 5}'),
                   ("segmentation-and-physnet", '{"provider:segmentation_id": "x", "provider:physical_network": 5}')]:
    step(f"fo-network-{name}", "POST", "/v2.0/networks", '{"network": %s}' % body)
step("fo-network-update-mtu-and-name", "PUT", "/v2.0/networks/{FONET}", '{"network": {"mtu": "x", "name": 5}}')
step("fo-sg-name-and-stateful", "POST", "/v2.0/security-groups", '{"security_group": {"name": 5, "stateful": "x"}}')
step("fo-sg-description-and-name", "POST", "/v2.0/security-groups",
     '{"security_group": {"description": 5, "name": 5}}')

# ---- vlan_transparent and qinq on a network create (ML2 without a driver that supports them)
for name, body in [("vlan-transparent-true", '{"name": "vt", "vlan_transparent": true}'),
                   ("vlan-transparent-false", '{"name": "vt", "vlan_transparent": false}'),
                   ("vlan-transparent-string", '{"name": "vt", "vlan_transparent": "x"}'),
                   ("qinq-true", '{"name": "vt", "qinq": true}'),
                   ("qinq-false", '{"name": "vt", "qinq": false}'),
                   ("both-true", '{"name": "vt", "qinq": true, "vlan_transparent": true}')]:
    step(f"vt-network-create-{name}", "POST", "/v2.0/networks", '{"network": %s}' % body)
step("vt-network-update-vlan-transparent", "PUT", "/v2.0/networks/{FONET}", '{"network": {"vlan_transparent": true}}')

# ---- tag visibility on networks another project can see (shared, external)
step("tv-network-create-shared", "POST", "/v2.0/networks", '{"network": {"name": "tv-shared", "shared": true}}')
step("tv-network-tag-shared", "PUT", "/v2.0/networks/{TVNET}/tags/red")
step("tv-network-create-external", "POST", "/v2.0/networks",
     '{"network": {"name": "tv-ext", "router:external": true}}')
step("tv-network-tag-external", "PUT", "/v2.0/networks/{TVEXT}/tags/blue")
step("h-tv-member-show-shared", "GET", "/v2.0/networks/{TVNET}", None, *SGMEMBER)
step("h-tv-member-show-external", "GET", "/v2.0/networks/{TVEXT}", None, *SGMEMBER)
step("h-tv-member-list-shared-tags", "GET", "/v2.0/networks?id={TVNET}&fields=id&fields=tags", None, *SGMEMBER)
step("h-tv-member-filter-tags", "GET", "/v2.0/networks?tags=red&fields=name", None, *SGMEMBER)
step("h-tv-member-tags-of-shared", "GET", "/v2.0/networks/{TVNET}/tags", None, *SGMEMBER)
step("h-tv-member-port-on-shared", "POST", "/v2.0/ports", '{"port": {"network_id": "{TVNET}", "name": "tv-p"}}',
     *SGMEMBER)

# ---- security group rules: create and delete
step("sr-group-create", "POST", "/v2.0/security-groups", '{"security_group": {"name": "sr-group"}}')
R = '{"security_group_rule": {"security_group_id": "{SRG}", %s}}'
step("sr-rule-create-ssh", "POST", "/v2.0/security-group-rules",
     R % '"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22')
for name, body in [
        ("duplicate", '"direction": "ingress", "protocol": "6", "port_range_min": 22, "port_range_max": 22'),
        ("cidr-host-bits", '"direction": "ingress", "protocol": "tcp", "port_range_min": 80, "port_range_max": 81, '
                           '"remote_ip_prefix": "10.0.0.5/24"'),
        ("address-only", '"direction": "ingress", "protocol": "UDP", "port_range_min": 53, "port_range_max": 53, '
                         '"remote_ip_prefix": "192.168.1.1", "description": "dns"'),
        ("icmp-v6", '"direction": "ingress", "protocol": "icmp", "ethertype": "ipv6", "remote_ip_prefix": "::/0"'),
        ("icmp-type-code", '"direction": "ingress", "protocol": "icmp", "port_range_min": 8, "port_range_max": 0'),
        ("whole-range", '"direction": "egress", "protocol": "tcp", "port_range_min": 1, "port_range_max": 65535'),
        ("remote-group", '"direction": "ingress", "remote_group_id": "{SRG}", "ethertype": "IPv6"'),
        ("protocol-number", '"direction": "egress", "protocol": "132"'),
        ("any-protocol-egress-exists", '"direction": "egress", "protocol": "any"'),
        ("ethertype-conflict", '"direction": "ingress", "protocol": "icmp", "remote_ip_prefix": "::/0"'),
        ("bad-direction", '"direction": "sideways"'),
        ("ports-without-protocol", '"direction": "ingress", "port_range_min": 22'),
        ("range-reversed", '"direction": "ingress", "protocol": "tcp", "port_range_min": 30, "port_range_max": 22'),
        ("range-min-only", '"direction": "ingress", "protocol": "tcp", "port_range_min": 30'),
        ("port-too-big", '"direction": "ingress", "protocol": "tcp", "port_range_min": 70000'),
        ("port-zero", '"direction": "ingress", "protocol": "tcp", "port_range_min": 0, "port_range_max": 10'),
        ("ports-for-gre", '"direction": "ingress", "protocol": "gre", "port_range_min": 1, "port_range_max": 2'),
        ("icmp-code-only", '"direction": "ingress", "protocol": "icmp", "port_range_max": 3'),
        ("icmp-type-too-big", '"direction": "ingress", "protocol": "icmp", "port_range_min": 300'),
        ("bad-protocol", '"direction": "ingress", "protocol": "bogus"'),
        ("bad-ethertype", '"direction": "ingress", "ethertype": "IPv5"'),
        ("bad-cidr", '"direction": "egress", "remote_ip_prefix": "x"'),
        ("two-remotes", '"direction": "ingress", "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": "{SRG}"'),
        ("ipv6-protocol-ipv4", '"direction": "ingress", "protocol": "ipv6-icmp"'),
        ("unknown-remote-group", '"direction": "ingress", "remote_group_id": "00000000-0000-0000-0000-000000000001"'),
        ("no-direction", '"protocol": "tcp"'),
        ("read-only", '"direction": "ingress", "normalized_cidr": "10.0.0.0/8"')]:
    step(f"sr-rule-create-{name}", "POST", "/v2.0/security-group-rules", R % body)
step("sr-rule-create-unknown-group", "POST", "/v2.0/security-group-rules",
     '{"security_group_rule": {"security_group_id": "00000000-0000-0000-0000-000000000001", "direction": "ingress"}}')
step("sr-rule-create-no-group", "POST", "/v2.0/security-group-rules", '{"security_group_rule": {"direction": "ingress"}}')
step("sr-group-show", "GET", "/v2.0/security-groups/{SRG}?fields=revision_number&fields=name")
step("sr-rules-list", "GET", "/v2.0/security-group-rules?security_group_id={SRG}&sort_key=protocol&sort_dir=asc"
     "&sort_key=port_range_min&sort_dir=asc&fields=protocol&fields=port_range_min&fields=port_range_max"
     "&fields=remote_ip_prefix&fields=normalized_cidr&fields=direction&fields=ethertype")
step("sr-rule-show", "GET", "/v2.0/security-group-rules/{SRSSH}")
step("sr-rule-delete", "DELETE", "/v2.0/security-group-rules/{SRSSH}")
step("sr-rule-delete-again", "DELETE", "/v2.0/security-group-rules/{SRSSH}")
step("sr-group-show-after-delete", "GET", "/v2.0/security-groups/{SRG}?fields=revision_number")
step("h-sr-member-create-rule-admin-group", "POST", "/v2.0/security-group-rules",
     '{"security_group_rule": {"security_group_id": "{SRG}", "direction": "ingress"}}', *SGMEMBER)
step("h-sr-member-group-create", "POST", "/v2.0/security-groups", '{"security_group": {"name": "sr-m"}}', *SGMEMBER)
step("h-sr-member-rule-create", "POST", "/v2.0/security-group-rules",
     '{"security_group_rule": {"security_group_id": "{HSRG}", "direction": "ingress", "protocol": "tcp", '
     '"port_range_min": 443, "port_range_max": 443}}', *SGMEMBER)
step("h-sr-reader-rule-create", "POST", "/v2.0/security-group-rules",
     '{"security_group_rule": {"security_group_id": "{HSRG}", "direction": "ingress"}}', *SGREADER)
step("h-sr-reader-rule-delete", "DELETE", "/v2.0/security-group-rules/{HSRRULE}", None, *SGREADER)
step("h-sr-member-rule-delete-admin-rule", "DELETE", "/v2.0/security-group-rules/{SRHTTP}", None, *SGMEMBER)
step("h-sr-member-rule-delete", "DELETE", "/v2.0/security-group-rules/{HSRRULE}", None, *SGMEMBER)

# Which create teaches which placeholder.
CREATES = {"conf-network-create": ("NET", "network"), "conf-port-create": ("PORT", "port"),
           "h-conf-member-network-create": ("HNET", "network"),
           "h-conf-member-port-create": ("HPORT", "port"), "pg-network-create": ("PGNET", "network"),
           "pg-port-create-a": ("PGA", "port"), "pg-port-create-b": ("PGB", "port"),
           "pg-port-create-c": ("PGC", "port"), "h-pg-member-network-create": ("HPGNET", "network"),
           "h-pg-member-port-create": ("HPGPORT", "port"), "more-network-create": ("MNET", "network"),
           "more-port-create": ("MPORT", "port"), "cv-network-create": ("CVNET", "network"),
           "cv-port-create": ("CVPORT", "port"), "h-cv-member-network-create": ("HCVNET", "network"),
           "h-cv-member-port-create": ("HCVPORT", "port"), "se-network-create": ("SENET", "network"),
           "se-port-dhcp-create": ("SEDHCP", "port"), "se-port-distributed-create": ("SEDVR", "port"),
           "se-port-router-create": ("SEROUTER", "port"), "se-network2-create": ("SENET2", "network"),
           "h-se-member-network-create": ("HSENET", "network"),
           "se-admin-dhcp-in-member-network": ("SEADHCP", "port"),
           "h-se-member-network2-create": ("HSENET2", "network"), "se-trusted-port-create": ("SETRUSTED", "port"),
           "tg-network-create": ("TGNET", "network"), "tg-port-create": ("TGPORT", "port"),
           "h-tg-member-network-create": ("HTGNET", "network"), "pl-network-create": ("PLNET", "network"),
           "pl-port-create": ("PLPORT", "port"), "h-pl-member-network-create": ("HPLNET", "network"),
           "h-pl-member-port-create": ("HPLPORT", "port"), "sg-network-create": ("SGNET", "network"),
           "sg-port-create-default": ("SGPORT", "port"), "sg-create": ("SGWEB", "security_group"),
           "sg-create-stateless": ("SGUDP", "security_group"), "sg-network2-create": ("SGNET2", "network"),
           "h-sg-member-network-create": ("HSGNET", "network"), "h-sg-member-port-create": ("HSGPORT", "port"),
           "h-sg-member-create": ("HSGMINE", "security_group"), "fo-network-create": ("FONET", "network"),
           "fo-port-create": ("FOPORT", "port"), "tv-network-create-shared": ("TVNET", "network"),
           "tv-network-create-external": ("TVEXT", "network"), "sr-group-create": ("SRG", "security_group"),
           "sr-rule-create-ssh": ("SRSSH", "security_group_rule"),
           "sr-rule-create-cidr-host-bits": ("SRHTTP", "security_group_rule"),
           "h-sr-member-group-create": ("HSRG", "security_group"),
           "h-sr-member-rule-create": ("HSRRULE", "security_group_rule")}
# Ids learnt from other answers than creates: placeholder and where the answer has it.
LEARNS = {"sg-list-own-project": ("SGDEF", lambda body: body["security_groups"][0]["id"]),
          "sg-rules-of-group": ("SGRULE", lambda body: body["security_group_rules"][0]["id"]),
          "h-sg-m2-member-list": ("HSG2DEF", lambda body: body["security_groups"][0]["id"])}


def record(host: str, first: int, out: Path, only: str | None = None) -> None:
    ids: dict[str, str] = {}
    steps = [entry for entry in SCENARIO if only is None or entry[0].removeprefix("h-").startswith(only)]

    def subst(text: str) -> str:
        for key, value in ids.items():
            text = text.replace("{" + key + "}", value)
        return text

    for offset, (name, method, target, body, headers, port) in enumerate(steps):
        number = first + offset
        target = subst(target)
        body = subst(body) if body is not None else None
        conn = http.client.HTTPConnection(host, port, timeout=60)
        sent = {"Host": f"{host}:{port}", "Accept": "application/json"}
        for header in headers:
            key, value = header.split(": ", 1)
            sent[key] = value
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for key, value in sent.items():
            conn.putheader(key, value)
        payload = body.encode() if body is not None else b""
        if body is not None:
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(len(payload)))
        conn.endheaders(payload or None)
        resp = conn.getresponse()
        data = resp.read().decode()
        conn.close()
        lines = ["### REQUEST", f"{method} {target} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in sent.items()]
        if body is not None:
            lines += ["Content-Type: application/json", "", body]
        lines += ["", "### RESPONSE", f"HTTP/1.1 {resp.status} {resp.reason}"]
        lines += [f"{k}: {v}" for k, v in resp.getheaders()]
        lines += ["", data]
        (out / f"{number:02d}-{name}.http").write_text("\n".join(lines) + "\n")
        print(f"{number:02d} {method} {port}{target} -> HTTP/1.1 {resp.status} {resp.reason}")
        if name in CREATES:
            key, singular = CREATES[name]
            ids[key] = json.loads(data)[singular]["id"]
        if name in LEARNS:
            key, find = LEARNS[name]
            ids[key] = find(json.loads(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="the anchor (noauth on 9696, headers on 9697)")
    parser.add_argument("--first", type=int, default=49)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", help="record only the steps whose name (without h-) starts so, "
                        "e.g. pg- (their creates must be among them)")
    args = parser.parse_args()
    record(args.host, args.first, args.out, args.only)


if __name__ == "__main__":
    main()
