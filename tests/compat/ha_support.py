"""Support of the multi-replica tests (test_ha.py): PostgreSQL databases and private instances,
replicas of one cluster, and a TCP proxy that can cut one replica off from the database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import requests

from conftest import PortwatchServer, eventually, free_port

PG_URL = os.environ.get("PORTWATCH_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:55432/portwatch")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
_pg = urllib.parse.urlparse(PG_URL)
PG_HOST, PG_PORT, PG_USER = _pg.hostname or "127.0.0.1", _pg.port or 5432, _pg.username or "postgres"


def psql(sql: str, port: int = PG_PORT, database: str = "postgres", host: str = PG_HOST) -> str:
    """Runs one statement with psql and returns its unaligned output."""
    result = subprocess.run(
        [str(PG_BIN / "psql"), "-h", host, "-p", str(port), "-U", PG_USER, "-d", database, "-tAX",
         "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"psql {sql!r}: {result.stderr}"
    return result.stdout.strip()


def database_url(name: str, port: int = PG_PORT, host: str = PG_HOST) -> str:
    return f"postgres://{PG_USER}@{host}:{port}/{name}"


class FreshDatabase:
    """A database of its own on a PostgreSQL server, dropped afterwards."""

    def __init__(self, port: int = PG_PORT):
        self.port = port
        self.name = f"portwatch_ha_{uuid.uuid4().hex[:10]}"
        psql(f"CREATE DATABASE {self.name}", port=port)

    def url(self, port: int | None = None) -> str:
        return database_url(self.name, port or self.port)

    def query(self, sql: str) -> str:
        return psql(sql, port=self.port, database=self.name)

    def drop(self):
        try:
            psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", port=self.port)
        except AssertionError:
            pass


class PrivatePostgres:
    """A PostgreSQL 15 of this test alone, on its own port and data directory (as scripts/services.sh
    starts the shared one: trust authentication, loopback, fsync off), run as the postgres user."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="portwatch-ha-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                           "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])

    def _as_postgres(self, command):
        result = subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"

    def start(self):
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w",
                           "-t", "60", "-o",
                           f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])

    def stop(self, mode: str = "fast"):
        self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"])

    def destroy(self):
        try:
            self.stop("immediate")
        except AssertionError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class Replica(PortwatchServer):
    """One `portwatch serve` replica of a cluster on PostgreSQL, always on the same port."""

    def __init__(self, workdir: Path, name: str, database: str, secret_file: Path, extra_args=()):
        super().__init__(workdir, extra_args=extra_args, name=name)
        self.database = database
        self.secret_file = secret_file
        self.port = free_port()

    def command(self):
        return [
            os.environ.get("PORTWATCH_BIN", str(Path(__file__).resolve().parents[2] / ".build/debug/portwatch")),
            "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database", self.database,
            "--replica-name", self.name, "--advertise-url", self.url,
            "--cluster-secret-file", str(self.secret_file), "--flap-hold-down", "0",
            *self.extra_args,
        ]

    def restart(self):
        return self.start(port=self.port)

    def readyz(self):
        try:
            return requests.get(self.url + "/readyz", timeout=5)
        except requests.RequestException:
            return None

    def ready_status(self) -> int | None:
        r = self.readyz()
        return r.status_code if r is not None else None

    def role(self) -> str | None:
        r = self.readyz()
        return r.json().get("role") if r is not None else None


class Cluster:
    """Replicas of one database, and how to find its writer."""

    def __init__(self, workdir: Path, database: str, count: int = 3, extra_args=(), databases=None):
        self.workdir = Path(workdir)
        self.secret_file = self.workdir / "cluster-secret"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.secret_file.write_text(uuid.uuid4().hex + uuid.uuid4().hex + "\n")
        self.replicas = [
            Replica(self.workdir, f"r{i}", (databases or {}).get(i, database), self.secret_file, extra_args)
            for i in range(count)]

    def start(self):
        for replica in self.replicas:
            replica.start(port=replica.port)
        assert self.wait_for_writer() is not None, self.logs()
        return self

    def writer(self) -> Replica | None:
        writers = [r for r in self.replicas if r.proc is not None and r.role() == "writer"]
        return writers[0] if len(writers) == 1 else None

    def wait_for_writer(self, timeout: float = 60) -> Replica | None:
        found = []
        eventually(lambda: bool(found.append(self.writer()) or found[-1]), timeout=timeout)
        return found[-1]

    def caught_up(self) -> bool:
        """Every running replica is ready and has applied the newest commit."""
        answers = [r.readyz() for r in self.replicas if r.proc is not None]
        if any(a is None or a.status_code != 200 for a in answers):
            return False
        applied = {a.json()["applied"] for a in answers}
        return len(applied) == 1

    def stop(self):
        for replica in self.replicas:
            if replica.proc is not None:
                replica.stop()

    def logs(self, n: int = 40) -> str:
        """Each replica's readiness as it answers now, then the tail of its log."""
        def readiness(replica):
            if replica.proc is None:
                return "stopped"
            answer = replica.readyz()
            return "no answer" if answer is None else f"{answer.status_code} {answer.text.strip()}"
        return "\n".join(f"--- {r.name}: /readyz {readiness(r)}\n{r.log_tail(n)}" for r in self.replicas)


class CuttableProxy:
    """A TCP proxy on loopback to `upstream_port` whose connections can all be cut at once (a
    partition between one replica and the database that resets them), or frozen (a partition that
    drops packets: nobody sees a reset, the bytes stop), and later allowed again."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.frozen = False
        self.open()

    def open(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                # Frozen: the bytes are held (and the next ones stay in the kernel's buffers).
                while self.frozen and target.fileno() != -1:
                    time.sleep(0.05)
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        """Refuses new connections and breaks every open one."""
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not stop it.
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def freeze(self):
        """Stops forwarding in both directions; connections stay open and new ones are accepted (and
        stall), as behind a partition that drops packets."""
        self.frozen = True

    def heal(self):
        """Allows connections again; frozen ones are reset first (their held bytes are dropped)."""
        if self.frozen:
            self.cut()
            self.frozen = False
        if self.listener is None:
            self.open()

    def close(self):
        self.cut()


def wait_port_closed(port: int, timeout: float = 30) -> bool:
    def closed():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return False
        except OSError:
            return True
    return eventually(closed, timeout=timeout)


__all__ = ["Cluster", "CuttableProxy", "FreshDatabase", "PrivatePostgres", "Replica", "psql", "time",
           "wait_port_closed", "database_url"]
