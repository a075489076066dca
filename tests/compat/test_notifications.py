"""Notifications, black box: a real oslo.messaging notification listener on a real RabbitMQ
receives what `openstack port set --data-plane-status DOWN` causes, and nothing is lost when
RabbitMQ goes away for a while or Portwatch is killed with SIGKILL. Also the SSE live stream
and webhooks, over real HTTP.

The broker is $PORTWATCH_TEST_AMQP_URL (default amqp://guest:guest@127.0.0.1:5673/, the private
instance of scripts/services.sh); the tests are skipped when nothing listens there. The outage
test stops and restarts that instance (only when scripts/services.sh manages it).
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from conftest import Api, client_env, needs_own_server, openstack_bin, unique, write_clouds_yaml

import os

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.sh"
AMQP_URL = os.environ.get("PORTWATCH_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5673/")
_parsed = urllib.parse.urlparse(AMQP_URL)
BROKER_HOST = _parsed.hostname or "127.0.0.1"
BROKER_PORT = _parsed.port or 5672
BROKER_USER = urllib.parse.unquote(_parsed.username or "guest")
BROKER_PASSWORD = urllib.parse.unquote(_parsed.password or "guest")
TRANSPORT_URL = "rabbit://" + AMQP_URL.split("://", 1)[1]
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OSLO_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$")


def broker_up() -> bool:
    try:
        with socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def broker():
    needs_own_server()
    if not broker_up():
        pytest.skip(f"no RabbitMQ at {BROKER_HOST}:{BROKER_PORT} (set PORTWATCH_TEST_AMQP_URL)")
    return AMQP_URL


def amqp_channel_call(fn):
    """Runs fn(channel) on a short-lived py-amqp connection."""
    import amqp

    conn = amqp.Connection(f"{BROKER_HOST}:{BROKER_PORT}", userid=BROKER_USER, password=BROKER_PASSWORD)
    conn.connect()
    try:
        return fn(conn.channel())
    finally:
        conn.close()


class Collector:
    """oslo.messaging notification endpoint that keeps everything it is given."""

    def __init__(self):
        self.items = []
        self.cond = threading.Condition()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        with self.cond:
            self.items.append({"ctxt": ctxt, "publisher_id": publisher_id, "event_type": event_type,
                               "payload": payload, "message_id": metadata["message_id"],
                               "timestamp": metadata["timestamp"]})
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(list(self.items)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def snapshot(self):
        with self.cond:
            return list(self.items)


class OsloListener:
    """oslo_messaging.get_notification_listener on exchange neutron, topic notifications."""

    def __init__(self, pool=None):
        import oslo_messaging
        from oslo_config import cfg

        conf = cfg.ConfigOpts()
        conf([], project="portwatch-compat")
        self.transport = oslo_messaging.get_notification_transport(conf, url=TRANSPORT_URL)
        self.collector = Collector()
        targets = [oslo_messaging.Target(exchange="neutron", topic="notifications")]
        self.listener = oslo_messaging.get_notification_listener(
            self.transport, targets, [self.collector], executor="threading", pool=pool)
        self.pool = pool

    def __enter__(self):
        self.listener.start()
        return self.collector

    def __exit__(self, *exc):
        self.listener.stop()
        self.listener.wait()
        self.transport.cleanup()
        if self.pool:
            try:
                amqp_channel_call(lambda ch: ch.queue_delete(self.pool))
            except Exception:
                pass


def notify_args(publisher_host="pwtest"):
    return ["--notify", AMQP_URL, "--publisher-host", publisher_host]


def port_updates(items, port_id):
    return [i for i in items if i["event_type"] == "port.update.end" and i["payload"]["port"]["id"] == port_id]


# ------------------------------------------------------------------ the CLI → oslo listener


def test_oslo_listener_receives_port_update_end_from_openstack_cli(broker, server_factory, tmp_path):
    with OsloListener(pool=unique("pw-compat")) as got:
        srv = server_factory(notify_args()).start()
        env = client_env(write_clouds_yaml(tmp_path / "clouds.yaml", srv.url), tmp_path)

        def openstack(*args):
            proc = subprocess.run([openstack_bin(), "--os-cloud", "portwatch", *args], env=env,
                                  capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
            assert proc.returncode == 0, proc.stderr
            return json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None

        net = openstack("network", "create", unique("net"), "-f", "json")
        port = openstack("port", "create", "--network", net["id"], unique("port"), "-f", "json")
        openstack("port", "set", "--data-plane-status", "DOWN", port["id"])

        assert got.wait_for(lambda items: port_updates(items, port["id"])), got.snapshot()
        items = got.snapshot()
        end = port_updates(items, port["id"])[0]
        assert end["publisher_id"] == "network.pwtest"
        assert end["payload"]["port"]["data_plane_status"] == "DOWN"
        assert end["payload"]["port"]["network_id"] == net["id"]
        assert UUID4.match(end["message_id"])
        assert OSLO_TIME.match(end["timestamp"])
        # The request context, as oslo unpacks the _context_* keys.
        assert end["ctxt"]["project_id"] == "fake_project_id"
        assert end["ctxt"]["is_admin"] is True
        assert end["ctxt"]["auth_token"] is None
        assert end["ctxt"]["request_id"].startswith("req-")
        # .start precedes .end and carries the request body plus the id, as Neutron's does.
        starts = [i for i in items if i["event_type"] == "port.update.start" and i["payload"].get("id") == port["id"]]
        assert starts and starts[0]["payload"] == {"port": {"data_plane_status": "DOWN"}, "id": port["id"]}
        assert items.index(starts[0]) < items.index(end)
        creates = [i["event_type"] for i in items if i["payload"].get("port", {}).get("id") == port["id"]]
        assert creates[0] == "port.create.end"


# ------------------------------------------------------------------ faults


def assert_in_order_per_port(items, expected):
    """expected: {port_id: [revision_number, ...]} that must all arrive, in order per port.

    Redelivered duplicates (after a crash, the tail after the stored cursor is sent again) must carry
    the same message_id and content as the first delivery; order is checked on first deliveries."""
    by_id, firsts = {}, []
    for item in items:
        if item["event_type"] != "port.update.end":
            continue
        previous = by_id.setdefault(item["message_id"], item)
        if previous is item:
            firsts.append(item)
        else:
            assert previous["payload"] == item["payload"]
    revisions_by_message = {}
    for item in firsts:
        key = (item["payload"]["port"]["id"], item["payload"]["port"]["revision_number"])
        assert revisions_by_message.setdefault(key, item["message_id"]) == item["message_id"], \
            f"{key} delivered under two message ids"
    for port_id, revisions in expected.items():
        seen = [i["payload"]["port"]["revision_number"] for i in firsts if i["payload"]["port"]["id"] == port_id]
        missing = sorted(set(revisions) - set(seen))
        assert not missing, f"port {port_id}: revisions {missing} never arrived"
        assert seen == sorted(seen), f"port {port_id}: out of order {seen}"


def received_all(expected):
    def check(items):
        seen = {}
        for item in items:
            if item["event_type"] == "port.update.end":
                port = item["payload"]["port"]
                seen.setdefault(port["id"], set()).add(port["revision_number"])
        return all(set(revs) <= seen.get(pid, set()) for pid, revs in expected.items())
    return check


def services(*args, check=True):
    return subprocess.run([str(SERVICES), *args], capture_output=True, text=True, timeout=300, check=check)


def test_rabbitmq_outage_loses_nothing(broker, server_factory):
    if subprocess.run([str(SERVICES), "running-rabbitmq"], capture_output=True).returncode != 0:
        pytest.skip("the broker is not the scripts/services.sh instance; not stopping it")
    # Consume from notifications.info itself: the queue Portwatch declares, so that nothing published
    # after the restart is missed while the listener reconnects.
    amqp_channel_call(lambda ch: (ch.exchange_declare("neutron", "topic", durable=False, auto_delete=False),
                                  ch.queue_declare("notifications.info", durable=False, auto_delete=False),
                                  ch.queue_purge("notifications.info")))
    srv = server_factory(notify_args()).start()
    api = Api(srv.url)
    net = api.create_network()
    ports = [api.create_port(net["id"])["id"] for _ in range(4)]
    expected = {p: [] for p in ports}
    status = ["DOWN", "ACTIVE"]

    def change(i):
        p = ports[i % len(ports)]
        port = api.update_port(p, data_plane_status=status[(i // len(ports)) % 2])
        expected[p].append(port["revision_number"])

    with OsloListener() as got:
        for i in range(8):
            change(i)
        assert got.wait_for(received_all(expected)), "before the outage"
        stopped = threading.Event()
        keep_going = threading.Event()
        keep_going.set()
        counter = [8]

        def changes_keep_coming():
            while keep_going.is_set():
                change(counter[0])
                counter[0] += 1
                time.sleep(0.05)
            stopped.set()

        writer = threading.Thread(target=changes_keep_coming, daemon=True)
        writer.start()
        try:
            services("stop-rabbitmq")
            time.sleep(2)  # changes accumulate in the outbox meanwhile
        finally:
            services("start-rabbitmq")
        time.sleep(1)
        keep_going.clear()
        assert stopped.wait(30)
        assert counter[0] > 20
        assert got.wait_for(received_all(expected), timeout=90), \
            f"missing after the outage; server log:\n{srv.log_tail()}"
        assert_in_order_per_port(got.snapshot(), expected)


def test_kill_9_mid_stream_loses_nothing(broker, server_factory):
    with OsloListener(pool=unique("pw-compat")) as got:
        srv = server_factory(notify_args())
        srv.start()
        api = Api(srv.url)
        net = api.create_network()
        ports = [api.create_port(net["id"])["id"] for _ in range(5)]
        expected = {p: [] for p in ports}
        done = threading.Event()

        def writer():
            i = 0
            try:
                while True:
                    p = ports[i % len(ports)]
                    r = api.put(f"/v2.0/ports/{p}", {"port": {"data_plane_status": ["DOWN", "ACTIVE"][(i // 5) % 2]}})
                    if r.status_code != 200:
                        break
                    expected[p].append(r.json()["port"]["revision_number"])
                    i += 1
            except requests.RequestException:
                pass
            finally:
                done.set()

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        time.sleep(1.5)
        srv.kill()  # SIGKILL mid-stream
        assert done.wait(30)
        acknowledged = sum(len(v) for v in expected.values())
        assert acknowledged > 20
        srv.start()  # same database
        assert got.wait_for(received_all(expected), timeout=60), \
            f"acknowledged changes missing after kill -9; log:\n{srv.log_tail()}"
        assert_in_order_per_port(got.snapshot(), expected)


# ------------------------------------------------------------------ live stream


def read_sse(response, count, timeout=20):
    """The first `count` events of a streaming SSE response: [(id, event, data)]."""
    events, block, deadline = [], {}, time.monotonic() + timeout
    for raw in response.iter_lines(decode_unicode=True):
        if time.monotonic() > deadline:
            break
        if raw == "":
            if "data" in block:
                events.append((block.get("id"), block.get("event"), json.loads(block["data"])))
                if len(events) == count:
                    break
            block = {}
        elif not raw.startswith(":"):
            key, _, value = raw.partition(":")
            block[key] = value[1:] if value.startswith(" ") else value
    return events


def test_sse_stream_live_and_resume_then_clean_sigterm(server_factory):
    srv = server_factory().start()
    api = Api(srv.url)
    net = api.create_network()
    port = api.create_port(net["id"])
    with requests.get(srv.url + "/v2.0/portwatch/stream", stream=True, timeout=30,
                      params={"event_types": "port.update.end"}) as live:
        assert live.headers["Content-Type"].startswith("text/event-stream")
        api.update_port(port["id"], data_plane_status="DOWN")
        (event_id, event, data), = read_sse(live, 1)
    assert event == "port.update.end"
    assert data["port"]["data_plane_status"] == "DOWN"
    api.update_port(port["id"], data_plane_status="ACTIVE")
    with requests.get(srv.url + "/v2.0/portwatch/stream", stream=True, timeout=30,
                      headers={"Last-Event-ID": event_id}) as resumed:
        events = read_sse(resumed, 2)
    assert [e[1] for e in events] == ["port.update.start", "port.update.end"]
    assert int(events[0][0]) > int(event_id)
    assert events[1][2]["port"]["data_plane_status"] == "ACTIVE"
    # An open stream must not keep the server from stopping on SIGTERM.
    hanging = requests.get(srv.url + "/v2.0/portwatch/stream", stream=True, timeout=30)
    try:
        srv.assert_clean_stop()
    finally:
        hanging.close()


# ------------------------------------------------------------------ webhooks


class FlakyReceiver(http.server.BaseHTTPRequestHandler):
    fail_first = 2
    received: list = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            cls = type(self)
            accept = cls.fail_first <= 0
            cls.fail_first -= 1
            cls.received.append((dict(self.headers), body, accept))
        self.send_response(204 if accept else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_retries_signs_and_dead_letters(server_factory):
    import hashlib
    import hmac

    FlakyReceiver.received = []
    FlakyReceiver.fail_first = 2
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyReceiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        srv = server_factory(["--auth", "headers", "--webhook-max-attempts", "2", "--webhook-allow", "127.0.0.0/8"]).start()
        api = Api(srv.url)
        member = {"X-User-Id": "u1", "X-Project-Id": "proj-hook", "X-Roles": "member,reader"}
        hook = api.post("/v2.0/portwatch/webhooks", {"webhook": {
            "url": f"http://127.0.0.1:{receiver.server_address[1]}/hook", "event_types": ["port.update.end"],
            "secret": "k3y", "max_attempts": 5}}, headers=member)
        assert hook.status_code == 201, hook.text
        dead = api.post("/v2.0/portwatch/webhooks", {"webhook": {"url": "http://127.0.0.1:9/unreachable"}},
                        headers=member)
        assert dead.status_code == 201
        forbidden = api.post("/v2.0/portwatch/webhooks", {"webhook": {"url": "http://h/", "project_id": "other"}},
                             headers=member)
        assert forbidden.status_code == 403
        r = api.post("/v2.0/networks", {"network": {"name": unique("net")}}, headers=member)
        port = api.create_port(r.json()["network"]["id"], headers=member)
        api.update_port(port["id"], headers=member, name="renamed")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(a for _, _, a in FlakyReceiver.received):
            time.sleep(0.1)
        accepted = [(h, b) for h, b, a in FlakyReceiver.received if a]
        assert len(accepted) == 1 and len(FlakyReceiver.received) == 3
        headers, body = accepted[0]
        expected = "sha256=" + hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
        assert headers["X-Portwatch-Signature"] == expected
        message = json.loads(body)
        assert message["event_type"] == "port.update.end"
        assert message["payload"]["port"]["name"] == "renamed"
        assert message["message_id"] == headers["X-Portwatch-Delivery"]
        dead_id = dead.json()["webhook"]["id"]
        deadline = time.monotonic() + 30
        letters = []
        while time.monotonic() < deadline:
            letters = api.get(f"/v2.0/portwatch/webhooks/{dead_id}/dead-letters", headers=member).json()["dead_letters"]
            if len(letters) >= 4:  # network create start/end, port create start/end, ...
                break
            time.sleep(0.2)
        assert letters and all(l["attempts"] == 2 for l in letters)
        assert [l["sequence"] for l in letters] == sorted(l["sequence"] for l in letters)
    finally:
        receiver.shutdown()
