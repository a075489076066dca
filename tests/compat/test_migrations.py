"""Schema migrations through the real binary, on SQLite and on PostgreSQL (the shared server of
scripts/test, a database per test; the tests fail without it).

A database left by the previous release (the dumps of Tests/PortwatchStoreTests/Fixtures, made by the
binary of commit f74cfd5) is served after the upgrade with its ports, their fault-derived
data_plane_status and its outbox, takes writes that survive a restart, and records every step of the
migration list; a database migrated by a newer binary stops the start with a clear error and is left
as it was.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import eventually, needs_own_server
from ha_support import FreshDatabase, Replica

FIXTURES = Path(__file__).resolve().parents[2] / "Tests/PortwatchStoreTests/Fixtures"
STEPS = ["v1", "v2-port-state-and-audit-causes", "v3-cluster", "v4-fence-in-the-commit-statement",
         "v5-state-only-ports-in-the-change-log", "v6-room-for-port-state-updates"]


class Store:
    """A database of one backend: its `--database` value, and SQL run on it."""

    def __init__(self, backend: str, tmp_path: Path):
        self.backend = backend
        if backend == "sqlite":
            self.path = tmp_path / "legacy.sqlite"
            self.url = f"sqlite:{self.path}"
            self.pg = None
        else:
            self.pg = FreshDatabase()
            self.url = self.pg.url()

    def load_legacy_dump(self):
        if self.pg is None:
            with sqlite3.connect(self.path) as db:
                db.executescript((FIXTURES / "legacy-sqlite.sql").read_text())
        else:
            self.pg.query((FIXTURES / "legacy-postgres.sql").read_text())

    def rows(self, sql: str) -> list[str]:
        if self.pg is None:
            with sqlite3.connect(self.path) as db:
                return ["|".join(map(str, row)) for row in db.execute(sql)]
        out = self.pg.query(sql)
        return out.splitlines() if out else []

    def drop(self):
        if self.pg is not None:
            self.pg.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    needs_own_server()
    created = Store(request.param, tmp_path)
    yield created
    created.drop()


def server(tmp_path: Path, store: Store, name: str = "pw") -> Replica:
    secret = tmp_path / "secret"
    secret.write_text("s" * 32)
    return Replica(tmp_path, name, store.url, secret)


def start_writable(srv: Replica, store: Store) -> Replica:
    """Starts `srv` and, on PostgreSQL, waits until it is the elected writer."""
    srv.start()
    if store.pg is not None:
        assert eventually(lambda: srv.role() == "writer"), srv.log_tail()
    return srv


def test_a_database_of_the_previous_release_is_served_after_the_upgrade(store, tmp_path):
    store.load_legacy_dump()
    srv = start_writable(server(tmp_path, store), store)
    try:
        ports = {p["name"]: p for p in requests.get(srv.url + "/v2.0/ports", timeout=10).json()["ports"]}
        assert sorted(ports) == ["p1", "p2", "p3-renamed"]
        # The host fault the old binary stored still holds p1 and p2 DOWN; p3 was renamed (revision 2).
        assert ports["p1"]["data_plane_status"] == "DOWN" and ports["p2"]["data_plane_status"] == "DOWN"
        assert ports["p3-renamed"]["data_plane_status"] is None and ports["p3-renamed"]["revision_number"] == 2
        faults = requests.get(srv.url + "/v2.0/data-plane-faults", timeout=10)
        assert faults.status_code == 200 and "compute-1" in faults.text
        r = requests.put(srv.url + f"/v2.0/ports/{ports['p3-renamed']['id']}",
                         json={"port": {"data_plane_status": "DOWN"}},
                         headers={"If-Match": "revision_number=2"}, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["port"]["revision_number"] == 3
    finally:
        assert srv.stop() == 0
    assert store.rows("SELECT id FROM schema_migrations ORDER BY position") == STEPS
    if store.pg is not None:
        # v6: room on port_state's pages for in-place updates; the change log's id lists uncompressed.
        assert store.rows("SELECT reloptions FROM pg_class WHERE relname = 'port_state'") == ["{fillfactor=50}"]
        assert store.rows("SELECT attname || '=' || attstorage::text FROM pg_attribute WHERE attrelid = 'changes'::regclass "
                          "AND attname IN ('ports', 'port_states') ORDER BY attname") == ["port_states=e", "ports=e"]
    # The outbox carries on after the old binary's twelve records.
    assert int(store.rows("SELECT max(sequence) FROM outbox")[0]) > 12

    start_writable(srv, store)
    try:
        port = requests.get(srv.url + f"/v2.0/ports/{ports['p3-renamed']['id']}", timeout=10).json()["port"]
        assert port["data_plane_status"] == "DOWN" and port["revision_number"] == 3
    finally:
        assert srv.stop() == 0


def test_a_database_of_a_newer_binary_stops_the_start_and_is_left_alone(store, tmp_path):
    srv = start_writable(server(tmp_path, store), store)
    requests.post(srv.url + "/v2.0/networks", json={"network": {"name": "kept"}}, timeout=10).raise_for_status()
    assert srv.stop() == 0
    if store.pg is None:
        with sqlite3.connect(store.path) as db:
            db.execute("INSERT INTO schema_migrations VALUES ('v99-from-a-newer-portwatch', 99, 0)")
    else:
        store.pg.query("INSERT INTO schema_migrations VALUES ('v99-from-a-newer-portwatch', 99, 0)")

    result = subprocess.run(srv.command(), capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode != 0
    assert "the database schema is newer than this Portwatch" in result.stderr
    assert "v99-from-a-newer-portwatch" in result.stderr
    assert store.rows("SELECT id FROM schema_migrations ORDER BY position") == STEPS + ["v99-from-a-newer-portwatch"]
    assert len(store.rows("SELECT id FROM networks")) == 1
