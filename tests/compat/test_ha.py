"""Three replicas on one PostgreSQL: one elected writer, failover, nothing acknowledged lost.

Each test has a fresh database on the shared PostgreSQL (scripts/test starts it on 127.0.0.1:55432)
or, for the restart test, a PostgreSQL of its own. Writes go through all three replicas while the
writer is killed with SIGKILL and restarted; afterwards every acknowledged write must be there, each
port's acknowledged revisions unique and increasing (If-Match: no lost update), MAC addresses unique,
every port's data_plane_status the verdict of the stored faults, and every notification delivered
(AMQP, oslo.messaging) at least once and in order per port.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time

import pytest
import requests

from conftest import Api, eventually, needs_own_server, unique
from ha_support import Cluster, CuttableProxy, FreshDatabase, PrivatePostgres, database_url
from test_notifications import AMQP_URL, OsloListener, broker_up, read_sse

HOSTS = [f"ha-host-{i}" for i in range(4)]
SOURCES = ["onos", "alertmanager", "doctor"]


@pytest.fixture
def database():
    needs_own_server()
    db = FreshDatabase()
    yield db
    db.drop()


@pytest.fixture
def cluster_factory(tmp_path):
    clusters = []

    def make(database, **kw):
        cluster = Cluster(tmp_path / f"cluster{len(clusters)}", database, **kw)
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in clusters:
        cluster.stop()


class Ledger:
    """What the clients were told: acknowledged creations, updates and events."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created: dict[str, str] = {}  # port id -> MAC address
        self.updates: list[tuple[str, int, str]] = []  # (port id, revision, name), in acknowledgement order
        self.events: list[tuple[str, str, str]] = []  # (source, host, state), acknowledged
        self.errors: list[str] = []
        self.answers = itertools.count()

    def note_error(self, what: str):
        with self.lock:
            self.errors.append(what)


def writer_of(api_answer) -> bool:
    return api_answer is not None and api_answer.status_code in (200, 201, 204)


def worker(api: Api, network_id: str, shared: list[str], ledger: Ledger, stop: threading.Event, seed: int):
    rng = random.Random(seed)
    while not stop.is_set():
        choice = rng.random()
        try:
            if choice < 0.35:
                # The same ports from every replica, each update conditional on the revision read.
                port_id = rng.choice(shared)
                r = api.get(f"/v2.0/ports/{port_id}")
                if r.status_code != 200:
                    continue
                revision = r.json()["port"]["revision_number"]
                name = f"w{seed}-{next(ledger.answers)}"
                r = api.put(f"/v2.0/ports/{port_id}", {"port": {"name": name}},
                            headers={"If-Match": f"revision_number={revision}"})
                if r.status_code == 200:
                    port = r.json()["port"]
                    if port["revision_number"] <= revision:
                        ledger.note_error(f"PUT answered revision {port['revision_number']} after {revision}")
                    with ledger.lock:
                        ledger.updates.append((port_id, port["revision_number"], name))
                    # Read-your-writes on the replica that took the write.
                    seen = api.get(f"/v2.0/ports/{port_id}")
                    if seen.status_code == 200 and seen.json()["port"]["revision_number"] < port["revision_number"]:
                        ledger.note_error(f"read {seen.json()['port']['revision_number']} after writing "
                                          f"{port['revision_number']} on {api.url}")
                elif r.status_code not in (412, 503, 500):
                    ledger.note_error(f"PUT {r.status_code} {r.text}")
            elif choice < 0.65:
                # Different ports, with MAC addresses some other worker may try at once.
                mac = "fa:16:3e:aa:%02x:%02x" % (rng.randrange(4), rng.randrange(256))
                r = api.post("/v2.0/ports", {"port": {"network_id": network_id, "mac_address": mac,
                                                      "binding:host_id": rng.choice(HOSTS)}})
                if r.status_code == 201:
                    with ledger.lock:
                        ledger.created[r.json()["port"]["id"]] = mac
                elif r.status_code not in (409, 503, 500):
                    ledger.note_error(f"POST {r.status_code} {r.text}")
            else:
                source, host = rng.choice(SOURCES), rng.choice(HOSTS)
                state = rng.choice(["down", "up"])
                r = api.post("/v2.0/data-plane-events", {"events": [
                    {"resource_type": "host", "resource_id": host, "state": state, "source": source,
                     "reason": "ha test"}]})
                if r.status_code == 200:
                    with ledger.lock:
                        ledger.events.append((source, host, state))
                elif r.status_code not in (503, 500):
                    ledger.note_error(f"events {r.status_code} {r.text}")
        except requests.RequestException:
            # The replica was killed under the request: its outcome is unknown, not acknowledged.
            time.sleep(0.05)


def test_three_replicas_survive_the_writer_killed_again_and_again(database, cluster_factory):
    assert broker_up(), f"RabbitMQ is needed at {AMQP_URL} (scripts/test starts it)"
    with OsloListener(pool=unique("ha")) as notifications:
        cluster = cluster_factory(database.url(), extra_args=["--notify", AMQP_URL, "--publisher-host", "ha"])
        cluster.start()
        apis = [Api(r.url) for r in cluster.replicas]
        network = apis[1].create_network()
        shared = [apis[i % 3].create_port(network["id"], **{"binding:host_id": HOSTS[i % 4]})["id"]
                  for i in range(6)]
        # A write taken by a follower is visible there as soon as it is answered.
        follower = next(a for a, r in zip(apis, cluster.replicas) if r.role() == "follower")
        made = follower.create_port(network["id"], name="read-your-writes")
        assert follower.get(f"/v2.0/ports/{made['id']}").status_code == 200

        ledger = Ledger()
        stop = threading.Event()
        threads = [threading.Thread(target=worker, args=(Api(cluster.replicas[i % 3].url), network["id"], shared,
                                                          ledger, stop, i), daemon=True) for i in range(6)]
        for t in threads:
            t.start()
        kills = 0
        failovers: list[float] = []  # seconds from SIGKILL to a new writer seen on /readyz (reported, not asserted)
        try:
            for _ in range(4):
                writer = cluster.wait_for_writer()
                assert writer is not None, cluster.logs()
                progress = len(ledger.updates) + len(ledger.created)
                assert eventually(lambda: len(ledger.updates) + len(ledger.created) > progress + 20, timeout=120), \
                    cluster.logs()
                writer.kill()
                killed_at = time.monotonic()
                kills += 1
                # Another replica takes over while the killed one is down.
                assert cluster.wait_for_writer(timeout=60) not in (None, writer), cluster.logs()
                failovers.append(time.monotonic() - killed_at)
                writer.restart()
            progress = len(ledger.updates) + len(ledger.created)
            assert eventually(lambda: len(ledger.updates) + len(ledger.created) > progress + 5, timeout=120)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        assert kills == 4
        assert not ledger.errors, ledger.errors[:5]
        # The workload did write through the failovers (each kind of write acknowledged).
        assert ledger.updates and ledger.created and ledger.events
        print(f"ha: {len(ledger.updates)} updates, {len(ledger.created)} ports, {len(ledger.events)} events "
              f"acknowledged across {kills} kills; failover {min(failovers):.2f}-{max(failovers):.2f} s")
        assert eventually(cluster.caught_up, timeout=60), cluster.logs()

        # Every acknowledged write is there, on every replica.
        for api in apis:
            ports = {p["id"]: p for p in api.list_ports({"network_id": network["id"]})["ports"]}
            assert set(ledger.created) <= set(ports)
            for port_id, mac in ledger.created.items():
                assert ports[port_id]["mac_address"] == mac
            # MAC addresses stay unique in the network.
            macs = [p["mac_address"] for p in ports.values()]
            assert len(macs) == len(set(macs))

        final = {p["id"]: p for p in apis[0].list_ports({"network_id": network["id"]})["ports"]}
        # No lost update: every acknowledged revision of a port is distinct and the latest one stands.
        for port_id in shared:
            acknowledged = [(rev, name) for pid, rev, name in ledger.updates if pid == port_id]
            revisions = [rev for rev, _ in acknowledged]
            assert len(revisions) == len(set(revisions)), (port_id, acknowledged)
            if acknowledged:
                newest_revision, newest_name = max(acknowledged)
                assert final[port_id]["revision_number"] >= newest_revision
                if final[port_id]["revision_number"] == newest_revision:
                    assert final[port_id]["name"] == newest_name

        # data_plane_status is the verdict of the stored faults (read from the database itself): a
        # host is down while the latest stored event of any source says so.
        stored = [json.loads(line) for line in database.query(
            "SELECT convert_from(body, 'UTF8') FROM documents WHERE kind = 'fault-event'").splitlines() if line]
        down_hosts = {e["resource"]["id"] for e in stored if e["state"] == "down"}
        for port in final.values():
            host = port["binding:host_id"]
            if host in HOSTS:
                verdict = "DOWN" if host in down_hosts else "ACTIVE"
                # A port no fault ever touched keeps Neutron's null.
                assert port["data_plane_status"] == verdict or (verdict == "ACTIVE" and port["data_plane_status"] is None), \
                    (port["id"], host, port["data_plane_status"], down_hosts)

        # Every notification at least once, in order per port.
        def delivered_all():
            items = notifications.snapshot()
            seen = {(i["payload"]["port"]["id"], i["payload"]["port"]["revision_number"])
                    for i in items if i["event_type"] == "port.update.end"}
            return all((pid, rev) in seen for pid, rev, _ in ledger.updates)
        assert eventually(delivered_all, timeout=120), "acknowledged updates missing from the notifications"
        first_seen: dict[str, list[int]] = {}
        seen_once = set()
        for item in notifications.snapshot():
            if item["event_type"] != "port.update.end":
                continue
            key = (item["payload"]["port"]["id"], item["payload"]["port"]["revision_number"])
            if key in seen_once:
                continue  # a redelivery after a failover (at least once)
            seen_once.add(key)
            first_seen.setdefault(key[0], []).append(key[1])
        for port_id, revisions in first_seen.items():
            assert revisions == sorted(revisions), (port_id, revisions)


def test_cluster_endpoint_readiness_and_forwarded_identity(database, cluster_factory):
    cluster = cluster_factory(database.url(), extra_args=["--auth", "headers"])
    cluster.start()
    writer = cluster.writer()
    follower = next(r for r in cluster.replicas if r is not writer)
    api = Api(follower.url)
    admin = {"X-User-Id": "admin", "X-Project-Id": "admin-project", "X-Roles": "admin"}
    member = {"X-User-Id": "u1", "X-Project-Id": "proj-a", "X-Roles": "member"}
    other = {"X-User-Id": "u2", "X-Project-Id": "proj-b", "X-Roles": "member"}

    r = api.get("/v2.0/portwatch/cluster", headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()["cluster"]
    assert body["writer"] == writer.name and body["this_replica"] == follower.name
    assert {x["name"] for x in body["replicas"]} == {"r0", "r1", "r2"}
    assert api.get("/v2.0/portwatch/cluster", headers=member).status_code == 403
    assert requests.get(follower.url + "/healthz", timeout=5).json()["alive"] is True
    assert follower.readyz().json() | {"since_database_contact": None} == follower.readyz().json() | {
        "since_database_contact": None}
    assert follower.readyz().json()["role"] == "follower" and writer.readyz().json()["role"] == "writer"

    # The writer authenticates the forwarded request itself: the caller stays who they are.
    network = api.post("/v2.0/networks", {"network": {"name": "mine"}}, headers=member)
    assert network.status_code == 201, network.text
    assert network.json()["network"]["project_id"] == "proj-a"
    assert api.post("/v2.0/networks", {"network": {"name": "x"}}).status_code == 401
    r = api.put(f"/v2.0/networks/{network.json()['network']['id']}", {"network": {"name": "theirs"}}, headers=other)
    assert r.status_code == 404, r.text
    # Bad input on a follower: Neutron's error, nothing changed.
    r = api.post("/v2.0/networks", {"network": {"name": 5}}, headers=member)
    assert r.status_code == 400 and "NeutronError" in r.json(), r.text
    # A request that claims to be forwarded without the cluster's secret is refused by the writer.
    r = requests.post(writer.url + "/v2.0/networks", json={"network": {"name": "sneaky"}},
                      headers={**member, "X-Portwatch-Forwarded-By": "r9", "X-Portwatch-Cluster-Secret": "guess"},
                      timeout=10)
    assert r.status_code == 403, r.text
    names = [n["name"] for n in Api(writer.url).get("/v2.0/networks", headers=admin).json()["networks"]]
    assert "sneaky" not in names and "x" not in names
    metrics = requests.get(writer.url + "/metrics", timeout=5).text
    assert "portwatch_cluster_is_writer 1" in metrics

    # The live stream on a follower: the writer's commits, read from the outbox table; a member sees
    # its own project's events only.
    port = api.post("/v2.0/ports", {"port": {"network_id": network.json()["network"]["id"]}}, headers=member)
    assert port.status_code == 201, port.text
    with requests.get(follower.url + "/v2.0/portwatch/stream", stream=True, timeout=30, headers=member,
                      params={"event_types": "port.update.end"}) as live:
        assert live.status_code == 200, live.text
        other_net = api.post("/v2.0/networks", {"network": {"name": "b"}}, headers=other).json()["network"]
        other_port = api.post("/v2.0/ports", {"port": {"network_id": other_net["id"]}}, headers=other).json()["port"]
        api.put(f"/v2.0/ports/{other_port['id']}", {"port": {"name": "not yours"}}, headers=other)
        r = api.put(f"/v2.0/ports/{port.json()['port']['id']}", {"port": {"name": "streamed"}}, headers=member)
        assert r.status_code == 200, r.text
        (_, event, data), = read_sse(live, 1)
    assert event == "port.update.end" and data["port"]["name"] == "streamed"


def start_behind_proxy(cluster_factory, database, proxy):
    """Three replicas, the first reaching the database through `proxy` and started first, so that it
    is the writer when the proxy cuts it off; returns the cluster and that replica."""
    cluster = cluster_factory(database.url(), databases={0: database_url(database.name, proxy.port)})
    cut_off = cluster.replicas[0]
    cut_off.start(port=cut_off.port)
    assert eventually(lambda: cut_off.role() == "writer", timeout=60), cut_off.log_tail()
    for replica in cluster.replicas[1:]:
        replica.start(port=replica.port)
    return cluster, cut_off


def test_a_replica_cut_off_from_the_database_refuses_writes_and_rejoins(database, cluster_factory):
    proxy = CuttableProxy(database.port)
    try:
        cluster, cut_off = start_behind_proxy(cluster_factory, database, proxy)
        apis = [Api(r.url) for r in cluster.replicas]
        network = apis[0].create_network(name="before")

        proxy.cut()
        # The others elect a writer of their own; the cut-off one stops writing and is not ready.
        assert eventually(lambda: cluster.writer() not in (None, cut_off), timeout=60), cluster.logs()
        assert eventually(lambda: cut_off.ready_status() == 503, timeout=60)
        assert cut_off.role() == "follower"
        r = apis[0].post("/v2.0/networks", {"network": {"name": "from-the-cut-off-replica"}})
        assert r.status_code == 503 and "NeutronError" in r.json(), r.text
        # Its memory still serves reads.
        assert apis[0].get(f"/v2.0/networks/{network['id']}").status_code == 200
        after = apis[1].create_network(name="after")

        proxy.heal()
        assert eventually(lambda: apis[0].get(f"/v2.0/networks/{after['id']}").status_code == 200, timeout=60), \
            cut_off.log_tail()
        names = {n["name"] for n in apis[2].get("/v2.0/networks").json()["networks"]}
        assert "from-the-cut-off-replica" not in names
        # Writes through it work again (forwarded to the writer).
        assert eventually(lambda: apis[0].post("/v2.0/networks", {"network": {"name": "healed"}}).status_code == 201,
                          timeout=60)
    finally:
        proxy.close()


class WriteStream:
    """Creates networks of unique names through every replica until stopped, and notes each answer:
    the name, the status, how long it took and its message."""

    def __init__(self, cluster, threads_per_replica: int = 2):
        self.cluster = cluster
        self.lock = threading.Lock()
        self.answers: list[tuple[str, int | None, float, str]] = []
        self.stop = threading.Event()
        self.counter = itertools.count()
        self.threads = [threading.Thread(target=self._run, args=(r,), daemon=True)
                        for r in cluster.replicas for _ in range(threads_per_replica)]

    def _run(self, replica):
        session = requests.Session()
        while not self.stop.is_set():
            name = f"stream-{replica.name}-{next(self.counter)}"
            started = time.monotonic()
            try:
                r = session.post(replica.url + "/v2.0/networks", json={"network": {"name": name}}, timeout=120)
                status, text = r.status_code, r.text
            except requests.RequestException as e:
                status, text = None, repr(e)
            with self.lock:
                self.answers.append((name, status, time.monotonic() - started, text))
            if status != 201:
                time.sleep(0.05)

    def acknowledged(self) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[1] == 201)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=180)


@pytest.mark.parametrize("partition", ["reset", "dropping"])
def test_writes_through_a_partition_are_durable_when_acknowledged_and_refused_fast(
        database, cluster_factory, partition):
    """The writer is cut off from PostgreSQL during a stream of writes through all three replicas:
    by connections reset, or by a partition that drops packets (no reset: a COMMIT sent may never be
    answered). Every write answered 201 is stored; every other answer is a Neutron 503 and its write
    is either absent or, when its outcome was unknown, present, the same on every replica as in the
    database; no request waits more than 30 s (the pool's minute-long wait is gone)."""
    proxy = CuttableProxy(database.port)
    try:
        cluster, cut_off = start_behind_proxy(cluster_factory, database, proxy)
        assert eventually(cluster.caught_up, timeout=60), cluster.logs()

        with WriteStream(cluster) as stream:
            assert eventually(lambda: stream.acknowledged() > 30, timeout=120), cluster.logs()
            (proxy.cut if partition == "reset" else proxy.freeze)()
            # Another replica takes over; writes go on through the two others.
            assert eventually(lambda: cluster.writer() not in (None, cut_off), timeout=120), cluster.logs()
            before = stream.acknowledged()
            assert eventually(lambda: stream.acknowledged() > before + 30, timeout=120), cluster.logs()
            proxy.heal()

            def rejoined():
                # Ready, and following the new writer: it read the database since it stepped down (a
                # replica that stepped down knows no writer until then).
                answer = cut_off.readyz()
                if answer is None or answer.status_code != 200:
                    return False
                body = answer.json()
                return body.get("role") == "follower" and body.get("writer") not in (None, cut_off.name)
            assert eventually(rejoined, timeout=120), cluster.logs()
            before = stream.acknowledged()
            assert eventually(lambda: stream.acknowledged() > before + 10, timeout=120), cluster.logs()
        assert eventually(cluster.caught_up, timeout=120), cluster.logs()

        answers = list(stream.answers)
        stored = set(database.query(
            "SELECT convert_from(body, 'UTF8')::json->>'name' FROM networks").splitlines())
        seen = {r.name: {n["name"] for n in Api(r.url).get("/v2.0/networks").json()["networks"]}
                for r in cluster.replicas}
        acknowledged = [a for a in answers if a[1] == 201]
        refused = [a for a in answers if a[1] != 201]
        unknown = [a for a in refused if "may or may not" in a[3]]
        slowest = max(a[2] for a in answers)
        print(f"ha partition ({partition}): {len(acknowledged)} acknowledged, {len(refused)} refused "
              f"({len(unknown)} of unknown outcome, {sum(a[0] in stored for a in unknown)} of them stored), "
              f"slowest answer {slowest:.1f} s")
        # Every acknowledged write is durable, and on every replica.
        assert not [a for a in acknowledged if a[0] not in stored]
        for names in seen.values():
            assert {a[0] for a in acknowledged} <= names
        # Every refusal is a fast Neutron 503 (never a 500, never a hang).
        assert not [a for a in refused if a[1] != 503 or "NeutronError" not in a[3]], refused[:5]
        assert slowest < 30, sorted(answers, key=lambda a: -a[2])[:3]
        # Whatever a refused write's outcome, every replica agrees with the database.
        for name, _, _, _ in refused:
            assert all((name in names) == (name in stored) for names in seen.values()), name
    finally:
        proxy.close()


def test_postgresql_restarted_mid_run(cluster_factory):
    needs_own_server()
    postgres = PrivatePostgres()
    try:
        postgres.start()
        db = FreshDatabase(port=postgres.port)
        cluster = cluster_factory(db.url())
        cluster.start()
        apis = [Api(r.url) for r in cluster.replicas]
        network = apis[0].create_network()
        port = apis[1].create_port(network["id"], name="before")
        # Another replica sees a write once it has applied it (read-your-writes is per replica).
        assert eventually(cluster.caught_up, timeout=60), cluster.logs()

        postgres.stop("immediate")
        # Reads continue from memory; writes fail fast with a Neutron 503; readiness says stale.
        for api, replica in zip(apis, cluster.replicas):
            assert api.get(f"/v2.0/ports/{port['id']}").json()["port"]["name"] == "before"
        assert eventually(lambda: all(r.ready_status() == 503 for r in cluster.replicas), timeout=60)
        assert all(r.readyz().json()["stale"] for r in cluster.replicas)
        started = time.monotonic()
        r = apis[2].put(f"/v2.0/ports/{port['id']}", {"port": {"name": "during"}})
        assert r.status_code == 503 and "NeutronError" in r.json(), r.text
        assert time.monotonic() - started < 15

        postgres.start()
        # The cluster recovers by itself: a writer again, writes accepted, every replica ready.
        assert cluster.wait_for_writer(timeout=90) is not None, cluster.logs()
        answers = []
        assert eventually(lambda: answers.append(apis[2].put(f"/v2.0/ports/{port['id']}", {"port": {"name": "after"}}))
                          or answers[-1].status_code == 200, timeout=90), (answers[-1].text, cluster.logs())
        assert eventually(cluster.caught_up, timeout=60), cluster.logs()
        for api in apis:
            assert api.get(f"/v2.0/ports/{port['id']}").json()["port"]["name"] == "after"
        cluster.stop()
        db.drop()
    finally:
        postgres.destroy()
