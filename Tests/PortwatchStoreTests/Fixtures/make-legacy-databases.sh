#!/usr/bin/env bash
# Makes legacy-sqlite.sql and legacy-postgres.sql: the databases a Portwatch before the shared
# migration list (commit f74cfd5) leaves, dumped as SQL. Not run by the tests; kept to show how the
# fixtures were made.
#
#   make-legacy-databases.sh OLD_PORTWATCH_BINARY POSTGRES_SERVER_URL
# e.g. git worktree add /tmp/old f74cfd5 && (cd /tmp/old && swift build) &&
#      make-legacy-databases.sh /tmp/old/.build/debug/portwatch postgres://postgres@127.0.0.1:55432
set -euo pipefail
BIN=$1
PG=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$(mktemp -d /tmp/legacy.XXXX)
PGHOST_PORT=${PG#*@}
DB=legacy_$RANDOM
createdb -h "${PGHOST_PORT%:*}" -p "${PGHOST_PORT#*:}" -U postgres $DB

populate() { # URL: one network, three ports, a rename, a host fault (a state-only row, audit with its cause)
    python3 - "$1" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
net = call("POST", "/v2.0/networks", {"network": {"name": "legacy-net"}})["network"]["id"]
ports = [call("POST", "/v2.0/ports", {"port": {"network_id": net, "name": f"p{i}", "binding:host_id": host,
         "mac_address": f"fa:16:3e:00:00:0{i}"}})["port"]["id"] for i, host in ((1, "compute-1"), (2, "compute-1"), (3, "compute-2"))]
call("PUT", f"/v2.0/ports/{ports[2]}", {"port": {"name": "p3-renamed"}})
call("POST", "/v2.0/data-plane-events", {"event": {"resource_type": "host", "resource_id": "compute-1",
     "state": "down", "source": "legacy", "reason": "made by the old binary"}})
PY
}
P=
trap '[[ -z $P ]] || kill $P 2>/dev/null || true' EXIT
up() { for _ in $(seq 300); do curl -sf "$1/" >/dev/null && return 0; sleep 0.1; done; exit 1; }

"$BIN" serve --port 19701 --database sqlite:$W/legacy.sqlite --flap-hold-down 0 --log-level warning &
P=$!; up http://127.0.0.1:19701; populate http://127.0.0.1:19701; kill $P; wait $P || true
sqlite3 $W/legacy.sqlite .dump > "$HERE/legacy-sqlite.sql"

"$BIN" serve --port 19702 --database $PG/$DB --flap-hold-down 0 --log-level warning &
P=$!; up http://127.0.0.1:19702; populate http://127.0.0.1:19702; kill $P; wait $P || true
# Plain statements, unqualified (the tests replay them into a schema of their own).
pg_dump -h "${PGHOST_PORT%:*}" -p "${PGHOST_PORT#*:}" -U postgres --inserts --no-owner --no-privileges \
    --no-comments --schema=public $DB |
    grep -v -E '^(SET |SELECT pg_catalog|--|\\|CREATE SCHEMA|$)' | sed 's/public\.//g' > "$HERE/legacy-postgres.sql"
dropdb -h "${PGHOST_PORT%:*}" -p "${PGHOST_PORT#*:}" -U postgres $DB
rm -rf $W
