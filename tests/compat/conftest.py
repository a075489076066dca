"""Fixtures for the black-box compatibility suite.

The suite drives the real Portwatch binary ($PORTWATCH_BIN, set by scripts/test; default
.build/debug/portwatch, where `swift build` puts it) over HTTP on loopback with the real clients.
Every server the suite starts gets a free port and a fresh SQLite file, and must shut
down cleanly: SIGTERM -> exit status 0 within 10 s.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
DEFAULT_BIN = str(HERE.parent.parent / ".build" / "debug" / "portwatch")
PORTWATCH_BIN = os.environ.get("PORTWATCH_BIN", DEFAULT_BIN)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

# Identity headers (keystone style) used by the policy tests.
ADMIN = {}  # no identity headers at all: Neutron-noauth admin, project fake_project_id
NOAUTH_PROJECT = "fake_project_id"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortwatchServer:
    """One `portwatch serve` process on 127.0.0.1 with its own SQLite database."""

    def __init__(self, workdir: Path, extra_args=(), db_path: Path | None = None, name="pw"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = Path(db_path) if db_path else self.workdir / f"{name}.sqlite"
        self.extra_args = list(extra_args)
        self.name = name
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.workdir / f"{name}.log"
        self._log = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return [
            PORTWATCH_BIN, "serve",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--database", f"sqlite:{self.db_path}",
            *self.extra_args,
        ]

    def start(self, port: int | None = None):
        if not os.access(PORTWATCH_BIN, os.X_OK):
            pytest.fail(f"server binary {PORTWATCH_BIN} not found or not executable "
                        "(build it, or set PORTWATCH_BIN)")
        self.port = port or free_port()
        env = {k: v for k, v in os.environ.items()
               if k not in ("PORTWATCH_HOST", "PORTWATCH_PORT", "PORTWATCH_DATABASE")}
        self.starts += 1
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== start #{self.starts}: {' '.join(self.command())}\n".encode())
        self._log.flush()
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=self.workdir)
        deadline = time.monotonic() + START_TIMEOUT
        last_err = None
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                pytest.fail(f"portwatch exited with {rc} during start-up:\n{self.log_tail()}")
            try:
                r = requests.get(self.url + "/", timeout=2)
                if r.status_code == 200:
                    return self
                last_err = f"GET / -> {r.status_code}"
            except requests.RequestException as e:  # not listening yet
                last_err = repr(e)
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"portwatch did not answer GET / within {START_TIMEOUT}s ({last_err}):\n"
                    f"{self.log_tail()}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM; returns the exit status, or None if it had to be killed."""
        if self.proc is None:
            return 0
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                rc = None
        else:
            rc = proc.returncode
        self._close_log()
        return rc

    def kill(self):
        """SIGKILL (crash simulation)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        self._close_log()

    def _close_log(self):
        if self._log:
            self._log.close()
            self._log = None

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    def assert_clean_stop(self):
        rc = self.stop()
        assert rc == 0, (f"portwatch did not shut down cleanly on SIGTERM within "
                         f"{STOP_TIMEOUT}s (exit status {rc!r}):\n{self.log_tail()}")


# Developer aid: PORTWATCH_COMPAT_URL=http://127.0.0.1:9696 runs the suite against an
# already running server (e.g. the reference Neutron in shared/reference/neutron-anchor,
# to check the suite's expectations). Tests that need servers of their own are skipped.
EXTERNAL_URL = os.environ.get("PORTWATCH_COMPAT_URL", "").rstrip("/")


class ExternalServer:
    def __init__(self, url):
        self.url = url
        self.proc = None

    def assert_clean_stop(self):
        pass

    def log_tail(self, n=60):
        return "(external server)"


def needs_own_server():
    if EXTERNAL_URL:
        pytest.skip("needs a Portwatch process of its own (PORTWATCH_COMPAT_URL is set)")


def _server_fixture(tmp_path_factory, name, extra_args=()):
    if EXTERNAL_URL:
        if extra_args:
            needs_own_server()
        yield ExternalServer(EXTERNAL_URL)
        return
    srv = PortwatchServer(tmp_path_factory.mktemp(name), extra_args=extra_args, name=name)
    srv.start()
    yield srv
    srv.assert_clean_stop()


@pytest.fixture(scope="session")
def portwatch(tmp_path_factory):
    """Shared default server for the whole session (tests must isolate by network)."""
    yield from _server_fixture(tmp_path_factory, "portwatch")


@pytest.fixture(scope="session")
def portwatch_dp(tmp_path_factory):
    """A server started with --status-follows-data-plane."""
    yield from _server_fixture(tmp_path_factory, "portwatch-dp", ["--status-follows-data-plane"])


@pytest.fixture
def server_factory(tmp_path):
    """Start extra servers for a single test; all are stopped (cleanly) at teardown."""
    needs_own_server()
    servers = []

    def make(extra_args=(), db_path=None, name=None):
        srv = PortwatchServer(tmp_path, extra_args=extra_args, db_path=db_path,
                              name=name or f"pw{len(servers)}")
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        if srv.proc is not None:
            srv.assert_clean_stop()


@pytest.fixture(scope="session")
def base_url(portwatch):
    return portwatch.url


# ------------------------------------------------------------------ raw HTTP helpers

class Api:
    """Tiny JSON client for raw-HTTP tests (keeps one keep-alive session)."""

    def __init__(self, url: str):
        self.url = url
        self.s = requests.Session()

    def req(self, method, path, body=None, headers=None, params=None, raw=None):
        h = {"Accept": "application/json"}
        if body is not None or raw is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        return self.s.request(method, self.url + path, data=data, headers=h, params=params,
                              timeout=30)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    # convenience creators (admin / noauth) -------------------------------------------
    def create_network(self, name=None, **attrs):
        r = self.post("/v2.0/networks", {"network": {"name": name or unique("net"), **attrs}})
        assert r.status_code == 201, r.text
        return r.json()["network"]

    def create_port(self, network_id, name=None, headers=None, **attrs):
        r = self.post("/v2.0/ports",
                      {"port": {"network_id": network_id, "name": name or unique("port"),
                                **attrs}}, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()["port"]

    def update_port(self, port_id, headers=None, **attrs):
        r = self.put(f"/v2.0/ports/{port_id}", {"port": attrs}, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()["port"]

    def show_port(self, port_id):
        r = self.get(f"/v2.0/ports/{port_id}")
        assert r.status_code == 200, r.text
        return r.json()["port"]

    def list_ports(self, params):
        r = self.get("/v2.0/ports", params=params)
        assert r.status_code == 200, r.text
        return r.json()


def eventually(condition, timeout: float = 60.0, interval: float = 0.1) -> bool:
    """Polls `condition` until it holds or `timeout` passes, and says whether it held. Generous
    bounds: a busy machine is slow, and the condition, not the time it took, is what tests assert
    (flap damping, for one, holds a change that follows another within its hold-down)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def neutron_error(type_, message, detail=""):
    return {"NeutronError": {"type": type_, "message": message, "detail": detail}}


@pytest.fixture(scope="session")
def api(portwatch):
    return Api(portwatch.url)


@pytest.fixture(scope="session")
def api_dp(portwatch_dp):
    return Api(portwatch_dp.url)


# ------------------------------------------------------------------ openstack clients

def write_clouds_yaml(path: Path, url: str, cloud: str = "portwatch") -> Path:
    """clouds.yaml for openstacksdk / the openstack CLI against a noauth endpoint
    (same shape as shared/reference/neutron-examples/clouds-noauth.yaml)."""
    path.write_text(
        "clouds:\n"
        f"  {cloud}:\n"
        "    auth_type: none\n"
        f"    endpoint: {url}\n"
        f"    network_endpoint_override: {url}\n"
    )
    return path


def client_env(clouds_yaml: Path, home: Path) -> dict:
    """Environment for running `openstack --os-cloud portwatch ...` in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(clouds_yaml)
    env["HOME"] = str(home)  # keep the CLI's caches out of the real home
    env["PYTHONWARNINGS"] = "ignore"
    return env


@pytest.fixture(scope="session")
def clouds_yaml(tmp_path_factory, portwatch):
    d = tmp_path_factory.mktemp("clouds")
    return write_clouds_yaml(d / "clouds.yaml", portwatch.url)


@pytest.fixture(scope="session")
def os_env(clouds_yaml, tmp_path_factory):
    return client_env(clouds_yaml, tmp_path_factory.mktemp("home"))


def openstack_bin() -> str:
    venv_bin = Path(sys.executable).parent / "openstack"
    return str(venv_bin) if venv_bin.exists() else "openstack"


class CLIResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def run_openstack(os_env):
    """run_openstack('port', 'show', id, '-f', 'json') -> CLIResult (never raises)."""

    def run(*args, check=False, timeout=120):
        cmd = [openstack_bin(), "--os-cloud", "portwatch", *args]
        proc = subprocess.run(cmd, env=os_env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        res = CLIResult(proc)
        if check:
            assert res.rc == 0, (f"{' '.join(cmd)} exited {res.rc}\nstdout: {res.stdout}\n"
                                 f"stderr: {res.stderr}")
        return res

    return run


# ------------------------------------------------------------------ keystone

# The real Keystone of scripts/test (scripts/keystone.sh): keystone_url, keystone (tokens,
# validation, revocation, register_network), keystone_clouds_yaml, keystone_os_env.
from keystone_fixtures import (keystone, keystone_clouds_yaml, keystone_os_env,  # noqa: E402,F401
                               keystone_url)
