"""Hostile and odd input to the real server: option values, fault times, shutdown under load,
webhook destinations.

Every option value is range-checked with a message naming the option (no trap from a flag or an
environment variable); an event dated in the future is clamped to its arrival and says so; a
graceful stop answers every write it accepted (2xx or 503, never 500) and loses none of them; a
webhook to loopback is refused unless the operator allows it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from conftest import PORTWATCH_BIN, free_port, needs_own_server

BAD_OPTIONS = [
    (["--flap-hold-down", "1e300"], "--flap-hold-down"),
    (["--flap-hold-down", "-1"], "--flap-hold-down"),
    (["--flap-hold-down", "nan"], "--flap-hold-down"),
    (["--outbox-retention", "1e300"], "--outbox-retention"),
    (["--outbox-retention", "99999999999d"], "--outbox-retention"),
    (["--outbox-retention", "-5m"], "--outbox-retention"),
    (["--port", "0"], "--port"),
    (["--port", "70000"], "--port"),
    (["--port", "99999999999999999999999"], "--port"),
    (["--webhook-max-attempts", "0"], "--webhook-max-attempts"),
    (["--webhook-max-attempts", "1e9"], "--webhook-max-attempts"),
    (["--event-clock-skew", "1e300"], "--event-clock-skew"),
    (["--webhook-allow", "10.0.0.0/99"], "--webhook-allow"),
    (["--webhook-max-per-project", "0"], "--webhook-max-per-project"),
    (["--log-level", "verbose"], "--log-level"),
]

BAD_ENVIRONMENT = [
    ({"PORTWATCH_PORT": "abc"}, "--port"),
    ({"PORTWATCH_FLAP_HOLD_DOWN": "1e308"}, "--flap-hold-down"),
    ({"PORTWATCH_OUTBOX_RETENTION": "forever"}, "--outbox-retention"),
    ({"PORTWATCH_WEBHOOK_MAX_ATTEMPTS": "-3"}, "--webhook-max-attempts"),
]


def run_serve(tmp_path, args, env_extra=None):
    """`portwatch serve ARGS` with a clean PORTWATCH_* environment; it must exit by itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTWATCH_")}
    env.update(env_extra or {})
    if "--port" not in args and "PORTWATCH_PORT" not in env:
        args = [*args, "--port", str(free_port())]
    return subprocess.run([PORTWATCH_BIN, "serve", "--database", f"sqlite:{tmp_path / 'bad.sqlite'}", *args],
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)


@pytest.mark.parametrize("args,option", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_out_of_range_options_are_clear_errors(tmp_path, args, option):
    needs_own_server()
    done = run_serve(tmp_path, args)
    # A validation error exits with status 64 (EX_USAGE); a trap would be a signal (negative).
    assert done.returncode > 0, (done.returncode, done.stderr)
    assert option in done.stderr, done.stderr
    assert "Fatal error" not in done.stderr and "Crash" not in done.stderr, done.stderr


@pytest.mark.parametrize("env,option", BAD_ENVIRONMENT, ids=[next(iter(e)) for e, _ in BAD_ENVIRONMENT])
def test_bad_environment_values_are_clear_errors(tmp_path, env, option):
    needs_own_server()
    done = run_serve(tmp_path, [], env)
    assert done.returncode > 0, (done.returncode, done.stderr)
    assert option in done.stderr, done.stderr


FABRIC = {
    "switches": [{"id": "leaf-1", "role": "leaf", "ports": [{"name": "Ethernet1"}]}],
    "hosts": [{"id": "compute-1", "nics": [{"name": "eth0"}], "physnetMappings": {"physnet1": "eth0"},
               "tunnelInterface": "eth0"}],
    "links": [{"a": {"switch": "leaf-1", "port": "Ethernet1"}, "b": {"host": "compute-1", "nic": "eth0"}}],
}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_event_from_the_future_is_clamped_and_does_not_poison_later_events(server_factory):
    srv = server_factory(["--flap-hold-down", "0"]).start()
    r = requests.put(srv.url + "/v2.0/topology", data=json.dumps(FABRIC), timeout=30)
    assert r.status_code == 200, r.text
    net = requests.post(srv.url + "/v2.0/networks", data=json.dumps({"network": {"name": "n"}}), timeout=30).json()
    port = requests.post(srv.url + "/v2.0/ports", data=json.dumps({"port": {
        "network_id": net["network"]["id"], "binding:host_id": "compute-1"}}), timeout=30).json()["port"]
    future = iso(datetime.now(timezone.utc) + timedelta(days=365 * 50))
    r = requests.post(srv.url + "/v2.0/data-plane-events", data=json.dumps({"event": {
        "resource_type": "switch", "resource_id": "leaf-1", "state": "down", "source": "skewed",
        "time": future}}), timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["clamped_events"] == 1, body
    outcome = body["events"][0]
    assert outcome["outcome"] == "accepted"
    assert outcome["time_clamped_from"].startswith(future[:10]), outcome
    assert outcome["time"] < future, "the stored time is the arrival, not the future"
    # A real event from the same source right after is not "older" than the bad clock's.
    r = requests.post(srv.url + "/v2.0/data-plane-events", data=json.dumps({"event": {
        "resource_type": "switch", "resource_id": "leaf-1", "state": "up", "source": "skewed"}}), timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["outcome"] == "accepted", r.text
    shown = requests.get(srv.url + f"/v2.0/ports/{port['id']}", timeout=30).json()["port"]
    assert shown["data_plane_status"] == "ACTIVE"


def test_graceful_stop_answers_every_write_and_loses_none(server_factory):
    srv = server_factory().start()
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    started = threading.Event()

    def writer(index: int):
        session = requests.Session()
        for attempt in range(40):
            started.set()
            try:
                r = session.post(srv.url + "/v2.0/networks",
                                 data=json.dumps({"network": {"name": f"w{index}-{attempt}"}}), timeout=60)
            except requests.RequestException:
                return  # the server stopped listening: nothing was acknowledged
            with lock:
                answers.append((r.status_code, r.json().get("network", {}).get("id") if r.ok else None))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    started.wait(30)
    # Let some writes land, then stop while others are queued or in flight.
    deadline = threading.Event()
    for _ in range(600):
        with lock:
            if len(answers) >= 20:
                break
        deadline.wait(0.05)
    assert srv.stop() == 0, srv.log_tail()
    for t in threads:
        t.join(120)
    statuses = {status for status, _ in answers}
    assert statuses <= {201, 503}, (statuses, srv.log_tail())
    acknowledged = {id_ for status, id_ in answers if status == 201}
    assert acknowledged, "some writes landed before the stop"
    srv.start()
    stored = {n["id"] for n in requests.get(srv.url + "/v2.0/networks", timeout=30).json()["networks"]}
    assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged writes lost"


def test_webhooks_to_loopback_and_metadata_are_refused_by_default(server_factory):
    srv = server_factory().start()
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:9/"):
        r = requests.post(srv.url + "/v2.0/portwatch/webhooks",
                          data=json.dumps({"webhook": {"url": url}}), timeout=30)
        assert r.status_code == 400, (url, r.text)
        assert "refused" in r.json()["NeutronError"]["message"]
    assert requests.get(srv.url + "/v2.0/portwatch/webhooks", timeout=30).json()["webhooks"] == []


def test_modes_that_trust_clients_refuse_to_listen_beyond_loopback(tmp_path):
    needs_own_server()
    for mode in ("noauth", "headers"):
        done = run_serve(tmp_path, ["--host", "0.0.0.0", "--auth", mode])
        assert done.returncode != 0, done.stderr
        assert "--trust-remote-clients" in done.stderr and "loopback" in done.stderr, done.stderr


def test_trust_remote_clients_lets_a_proxy_fronted_server_listen(server_factory):
    srv = server_factory(["--host", "0.0.0.0", "--trust-remote-clients"])
    srv.command = lambda: [PORTWATCH_BIN, "serve", "--host", "0.0.0.0", "--port", str(srv.port),
                           "--database", f"sqlite:{srv.db_path}", "--trust-remote-clients"]
    srv.start()
    assert requests.get(srv.url + "/v2.0/networks", timeout=30).status_code == 200


def test_noauth_ignores_identity_headers_as_neutron_does(server_factory):
    srv = server_factory().start()
    member = {"X-User-Id": "u1", "X-Project-Id": "proj-a", "X-Roles": "member"}
    r = requests.post(srv.url + "/v2.0/networks", data=json.dumps({"network": {"name": "n"}}), headers=member,
                      timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["network"]["project_id"] == "fake_project_id", "the noauth admin, whatever the headers say"
    assert "provider:network_type" in r.json()["network"], "the admin view"


def test_headers_mode_requires_a_user(server_factory):
    srv = server_factory(["--auth", "headers"]).start()
    assert requests.get(srv.url + "/v2.0/ports", timeout=30).status_code == 401
    r = requests.get(srv.url + "/v2.0/ports", headers={"X-User-Id": "u1", "X-Project-Id": "p", "X-Roles": "reader"},
                     timeout=30)
    assert r.status_code == 200, r.text
