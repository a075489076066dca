"""The README's production setup: three replicas on one PostgreSQL behind a real nginx (Debian's
nginx-light) configured by docs/nginx-portwatch.conf itself, its addresses and port replaced by the
test's. Through the load balancer a client reads its own writes, follows the live stream, and goes on
writing when the writer is killed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from conftest import Api, eventually, free_port, needs_own_server, write_clouds_yaml
from ha_support import Cluster, FreshDatabase
from test_notifications import read_sse

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "docs" / "nginx-portwatch.conf"


class Nginx:
    """nginx in the foreground with docs/nginx-portwatch.conf, in front of `replicas`."""

    def __init__(self, workdir: Path, replicas, tls: bool = False):
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.scheme = "https" if tls else "http"
        config = CONFIG.read_text()
        addresses = re.findall(r"^\s*server (\S+:9696)", config, flags=re.M)
        assert len(addresses) == len(replicas), addresses
        for address, replica in zip(addresses, replicas):
            config = config.replace(f"server {address}", f"server 127.0.0.1:{replica.port}")
        assert "listen 9696;" in config
        listen = f"listen 127.0.0.1:{self.port}"
        if tls:
            # As the file's comment says: `listen … ssl` and a certificate (here a self-signed one).
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(self.dir / "key.pem"),
                            "-out", str(self.dir / "cert.pem")], check=True, capture_output=True, timeout=60)
            listen += (f" ssl;\n    ssl_certificate {self.dir / 'cert.pem'};"
                       f"\n    ssl_certificate_key {self.dir / 'key.pem'}")
        config = config.replace("listen 9696;", listen + ";")
        (self.dir / "portwatch.conf").write_text(config)
        temp = "\n".join(f"    {kind}_temp_path {self.dir / kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.dir / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {self.dir / 'nginx.pid'};
error_log {self.dir / 'error.log'};
events {{ worker_connections 512; }}
http {{
    access_log off;
{temp}
    include {self.dir / 'portwatch.conf'};
}}
""")
        self.proc: subprocess.Popen | None = None

    @property
    def verify(self) -> str | bool:
        """What a client verifies nginx's certificate with."""
        return str(self.dir / "cert.pem") if self.scheme == "https" else True

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        checked = subprocess.run([binary, "-t", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
                                 capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stderr
        self.proc = subprocess.Popen([binary, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def answers():
            try:
                return requests.get(self.url + "/healthz", timeout=5, verify=self.verify).status_code == 200
            except requests.RequestException:
                return False
        assert eventually(answers, timeout=60), self.error_log()
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def error_log(self) -> str:
        log = self.dir / "error.log"
        return log.read_text()[-4000:] if log.exists() else ""


@pytest.fixture
def balanced(tmp_path):
    """Three replicas on a fresh database and nginx in front of them."""
    needs_own_server()
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (scripts/test installs Debian's nginx-light)")
    database = FreshDatabase()
    cluster = Cluster(tmp_path / "cluster", database.url())
    nginx = None
    try:
        cluster.start()
        nginx = Nginx(tmp_path / "nginx", cluster.replicas).start()
        yield cluster, nginx
    finally:
        if nginx is not None:
            nginx.stop()
        cluster.stop()
        database.drop()


def writes_then_reads(api: Api, port_id: str, rounds: int, tag: str) -> list[str]:
    """Renames the port `rounds` times through the load balancer, reading it back after each write;
    returns the names written (each read must show its write)."""
    names = []
    for i in range(rounds):
        name = f"{tag}-{i}"
        r = api.put(f"/v2.0/ports/{port_id}", {"port": {"name": name}})
        assert r.status_code == 200, r.text
        shown = api.get(f"/v2.0/ports/{port_id}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["port"]["name"] == name, f"round {i}: read {shown.json()['port']['name']!r} after writing {name!r}"
        names.append(name)
    return names


def client_of(nginx: Nginx) -> Api:
    """A client of nginx; it verifies nginx's certificate when nginx terminates TLS."""
    api = Api(nginx.url)
    if nginx.scheme == "https":
        api.s.trust_env = False  # REQUESTS_CA_BUNDLE would win over the session's own verify
        api.s.verify = nginx.verify
    return api


def a_port(api: Api) -> dict:
    """A port of a network of its own, created through `api`."""
    return api.create_port(api.create_network()["id"])


def paged_links(api: Api, nginx: Nginx, ports: int) -> tuple[str, set[str], dict[str, str]]:
    """A network of `ports` ports, listed two a page through nginx: the network, its ports and the first
    page's links. Neutron builds its links from the request's `Host` and `X-Forwarded-Proto`: nginx
    must pass the client's, port included, or the next page is looked for on port 80 (or over plain
    HTTP behind TLS)."""
    network = api.create_network()["id"]
    ids = {api.create_port(network)["id"] for _ in range(ports)}
    page = api.get("/v2.0/ports", params={"network_id": network, "limit": 2}).json()
    links = {link["rel"]: link["href"] for link in page["ports_links"]}
    assert links["next"].startswith(nginx.url + "/v2.0/ports?"), links
    return network, ids, links


def test_through_nginx_a_client_reads_its_own_writes_and_follows_the_stream(balanced):
    cluster, nginx = balanced
    api = client_of(nginx)
    port = a_port(api)
    with requests.get(nginx.url + "/v2.0/portwatch/stream", stream=True, timeout=60,
                      params={"event_types": "port.update.end"}) as live:
        assert live.status_code == 200
        assert live.headers["Content-Type"].startswith("text/event-stream")
        # nginx keeps a client on one replica: each read shows the write before it.
        names = writes_then_reads(api, port["id"], 40, "sticky")
        # The stream is not buffered by nginx: every rename arrives, in order.
        events = read_sse(live, len(names), timeout=60)
    assert [data["port"]["name"] for _, _, data in events] == names


def test_through_nginx_links_point_at_nginx_and_openstacksdk_pages_through_them(balanced, tmp_path, monkeypatch):
    _, nginx = balanced
    network, ports, _ = paged_links(client_of(nginx), nginx, 5)
    openstack = pytest.importorskip("openstack")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(write_clouds_yaml(tmp_path / "clouds.yaml", nginx.url)))
    conn = openstack.connect(cloud="portwatch")
    try:
        assert {p.id for p in conn.network.ports(network_id=network, limit=2)} == ports
    finally:
        conn.close()


def test_behind_nginx_terminating_tls_links_say_https(balanced, tmp_path):
    cluster, _ = balanced
    tls = Nginx(tmp_path / "nginx-tls", cluster.replicas, tls=True).start()
    try:
        api = client_of(tls)
        _, _, links = paged_links(api, tls, 3)
        assert links["next"].startswith("https://")
        assert api.s.get(links["next"], timeout=30).status_code == 200
    finally:
        tls.stop()


def reads_served(replica) -> float:
    """The port reads `replica` has answered (its /metrics: routed GETs and event-loop reads)."""
    metrics = requests.get(replica.url + "/metrics", timeout=10).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("portwatch_http_fast_reads_total")
               or (line.startswith("portwatch_http_requests_total") and 'method="GET"' in line))


def pinned_replica(cluster, api: Api, port_id: str):
    """The replica nginx sends this client to: the one whose reads grow by the client's."""
    before = {r.name: reads_served(r) for r in cluster.replicas if r.proc is not None}
    for _ in range(20):
        assert api.get(f"/v2.0/ports/{port_id}").status_code == 200
    grown = [r for r in cluster.replicas if r.proc is not None and reads_served(r) - before[r.name] >= 20]
    return grown[0] if len(grown) == 1 else None


# docs/nginx-portwatch.conf: a replica that failed is skipped for this many seconds.
FAIL_TIMEOUT = max(int(t) for t in re.findall(r"fail_timeout=(\d+)s", CONFIG.read_text()))


def steady_pin(cluster, api: Api, port_id: str):
    """The replica nginx sends this client to once that no longer changes: nginx skips a replica for
    fail_timeout after it failed (down, or a 503 while there was no writer) and then sends the
    client back to it. A read right at such a move may miss a write made just before on the other
    replica, so the tests that check read-your-writes wait for a pin that holds across a
    fail_timeout (bounded: two minutes)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        first = pinned_replica(cluster, api, port_id)
        time.sleep(FAIL_TIMEOUT + 1)  # past nginx's window, whatever the machine's speed
        if first is not None and pinned_replica(cluster, api, port_id) is first:
            return first
    raise AssertionError("nginx did not settle on one replica for this client\n" + cluster.logs())


def renamed_through(api: Api, port_id: str) -> bool:
    try:
        return api.put(f"/v2.0/ports/{port_id}", {"port": {"name": "moved"}}).status_code == 200
    except requests.RequestException:
        return False


def test_through_nginx_writes_go_on_when_a_client_s_replica_or_the_writer_is_killed(balanced):
    cluster, nginx = balanced
    api = client_of(nginx)
    port = a_port(api)
    writes_then_reads(api, port["id"], 5, "before")

    # The client's replica dies: nginx sends the client to another, which reads its writes as well.
    pinned = pinned_replica(cluster, api, port["id"])
    assert pinned is not None, cluster.logs()
    pinned.kill()
    if cluster.writer() is None:  # it was the writer: another one takes over
        assert cluster.wait_for_writer(timeout=60) not in (None, pinned), cluster.logs()
    assert eventually(lambda: renamed_through(api, port["id"]), timeout=60), cluster.logs() + nginx.error_log()
    assert steady_pin(cluster, api, port["id"]) is not pinned
    writes_then_reads(api, port["id"], 10, "moved")
    pinned.restart()
    assert eventually(cluster.caught_up, timeout=60), cluster.logs()
    # nginx tries the failed replica again after fail_timeout, and the client goes back to it.
    assert steady_pin(cluster, api, port["id"]) is pinned
    writes_then_reads(api, port["id"], 5, "back")

    # The writer dies: another replica takes over, and writes through nginx are answered again.
    writer = cluster.wait_for_writer()
    assert writer is not None, cluster.logs()
    writer.kill()
    assert cluster.wait_for_writer(timeout=60) not in (None, writer), cluster.logs()
    assert eventually(lambda: renamed_through(api, port["id"]), timeout=60), cluster.logs() + nginx.error_log()
    steady_pin(cluster, api, port["id"])
    writes_then_reads(api, port["id"], 10, "after-failover")
    writer.restart()
    assert eventually(cluster.caught_up, timeout=60), cluster.logs()
    steady_pin(cluster, api, port["id"])
    writes_then_reads(api, port["id"], 5, "rejoined")
