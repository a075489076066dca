"""The real Keystone of the test command, for the compat suite.

scripts/test starts it (scripts/keystone.sh: PyPI keystone==30.0.0, SQLite, fernet tokens,
127.0.0.1:5001) and exports PORTWATCH_TEST_KEYSTONE_URL=http://127.0.0.1:5001/v3. Without that
variable (pytest run by hand) the tests that use these fixtures are skipped; with it, a
Keystone that does not answer fails them.

    def test_x(keystone):
        tok = keystone.token("dpi")              # project-scoped, cached for the session
        fresh = keystone.issue("demo")           # always a new token
        sys_tok = keystone.issue("admin", system=True)
        keystone.validate(fresh.id)              # GET /v3/auth/tokens as the system admin
        keystone.revoke(fresh.id)                # DELETE /v3/auth/tokens
        keystone.register_network(server.url)    # catalog: network -> that Portwatch server

    def test_y(keystone_os_env):                 # openstack CLI / openstacksdk, the catalog way:
        ... openstack --os-cloud dpi port list   # clouds.yaml with password auth per user

Users (domain Default) and their roles come from tests/keystone/seed.py (USERS).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KEYSTONE_SH = ROOT / "scripts" / "keystone.sh"
KEYSTONE_URL = os.environ.get("PORTWATCH_TEST_KEYSTONE_URL", "").rstrip("/")
REGION = "RegionOne"
TIMEOUT = 60  # per request: Keystone shares 2 cores with the build and the servers under test


def _load_seed():
    spec = importlib.util.spec_from_file_location(
        "portwatch_keystone_seed", ROOT / "tests" / "keystone" / "seed.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_seed = _load_seed()
#: name -> (password, project, roles granted on that project)
USERS: dict[str, tuple[str, str, list[str]]] = _seed.USERS
NETWORK_SERVICE_NAME = _seed.NETWORK_SERVICE_NAME


def start_with_service_user(server):
    """Starts a `portwatch serve --auth keystone` PortwatchServer with Portwatch's service user in
    OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME for the start alone; returns it."""
    os.environ.update({"OS_USERNAME": "portwatch", "OS_PASSWORD": USERS["portwatch"][0],
                       "OS_PROJECT_NAME": "service"})
    try:
        server.start()
    finally:
        for key in ("OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME"):
            os.environ.pop(key, None)
    return server


def needs_keystone():
    if not KEYSTONE_URL:
        pytest.skip("PORTWATCH_TEST_KEYSTONE_URL is not set (scripts/test starts Keystone and sets "
                    "it; by hand: scripts/keystone.sh start && eval \"$(scripts/keystone.sh env)\")")


@dataclass
class Token:
    id: str
    body: dict  # the "token" object of the issue response
    user: str
    issued: float = field(default_factory=time.monotonic)

    @property
    def roles(self) -> set[str]:
        return {r["name"] for r in self.body.get("roles", [])}

    @property
    def user_id(self) -> str:
        return self.body["user"]["id"]

    @property
    def project_id(self) -> str | None:
        return (self.body.get("project") or {}).get("id")

    @property
    def headers(self) -> dict:
        return {"X-Auth-Token": self.id}

    def catalog_url(self, service_type: str, interface: str = "public") -> str | None:
        for svc in self.body.get("catalog", []):
            if svc["type"] == service_type:
                for ep in svc["endpoints"]:
                    if ep["interface"] == interface and ep.get("region_id", REGION) == REGION:
                        return ep["url"]
        return None


class Keystone:
    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.s = requests.Session()
        self._cache: dict[tuple[str, bool], Token] = {}

    # -- tokens -------------------------------------------------------------------------
    def auth_body(self, user: str, *, system: bool = False, project: str | None = None,
                  password: str | None = None) -> dict:
        pw, default_project, _ = USERS.get(user, (None, None, None))
        scope = ({"system": {"all": True}} if system else
                 {"project": {"name": project or default_project, "domain": {"id": "default"}}})
        return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password or pw, "domain": {"id": "default"}}}},
            "scope": scope}}

    def issue_raw(self, user: str, **kw) -> requests.Response:
        """POST /v3/auth/tokens; the response as it is (for tests of failures)."""
        return self.s.post(self.url + "/auth/tokens", json=self.auth_body(user, **kw),
                           timeout=TIMEOUT)

    def issue(self, user: str = "demo", *, system: bool = False,
              project: str | None = None) -> Token:
        """A new token (password auth, project-scoped unless system=True)."""
        r = self.issue_raw(user, system=system, project=project)
        assert r.status_code == 201, f"issuing a token for {user}: {r.status_code} {r.text[:500]}"
        return Token(r.headers["X-Subject-Token"], r.json()["token"], user)

    def token(self, user: str = "demo", *, system: bool = False) -> Token:
        """A token shared by the session (re-issued after 30 min; tokens last 60)."""
        key = (user, system)
        tok = self._cache.get(key)
        if tok is None or time.monotonic() - tok.issued > 1800:
            tok = self._cache[key] = self.issue(user, system=system)
        return tok

    def admin(self) -> Token:
        """System-scoped token of the bootstrap admin (what catalog/identity writes need)."""
        return self.token("admin", system=True)

    def validate(self, subject: str, *, auth: Token | str | None = None,
                 nocatalog: bool = False) -> requests.Response:
        """GET /v3/auth/tokens (X-Subject-Token), as the system admin unless auth is given."""
        auth_id = auth.id if isinstance(auth, Token) else (auth or self.admin().id)
        return self.s.get(self.url + "/auth/tokens" + ("?nocatalog" if nocatalog else ""),
                          headers={"X-Auth-Token": auth_id, "X-Subject-Token": subject},
                          timeout=TIMEOUT)

    def revoke(self, subject: str, *, auth: Token | str | None = None) -> None:
        """DELETE /v3/auth/tokens as the system admin; later validations answer 404."""
        auth_id = auth.id if isinstance(auth, Token) else (auth or self.admin().id)
        r = self.s.delete(self.url + "/auth/tokens",
                          headers={"X-Auth-Token": auth_id, "X-Subject-Token": subject},
                          timeout=TIMEOUT)
        assert r.status_code == 204, f"revoking a token: {r.status_code} {r.text[:500]}"
        self._cache = {k: t for k, t in self._cache.items() if t.id != subject}

    # -- catalog ------------------------------------------------------------------------
    def register_network(self, url: str) -> str:
        """scripts/keystone.sh register-network URL; returns what it printed."""
        env = {**os.environ, "PORTWATCH_TEST_KEYSTONE_URL": self.url}
        p = subprocess.run([str(KEYSTONE_SH), "register-network", url], env=env,
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, (f"register-network {url} exited {p.returncode}:\n"
                                   f"{p.stdout}\n{p.stderr}")
        return p.stdout

    def network_endpoints(self) -> list[dict]:
        """The endpoints of the portwatch network service, read as the system admin."""
        h = self.admin().headers
        svcs = self.s.get(self.url + "/services", params={"type": "network"}, headers=h,
                          timeout=TIMEOUT).json()["services"]
        eps = []
        for svc in svcs:
            if svc["name"] == NETWORK_SERVICE_NAME:
                eps += self.s.get(self.url + "/endpoints", params={"service_id": svc["id"]},
                                  headers=h, timeout=TIMEOUT).json()["endpoints"]
        return eps

    # -- clients ------------------------------------------------------------------------
    def write_clouds_yaml(self, path: Path, users=None) -> Path:
        return write_keystone_clouds_yaml(path, self.url, users)


def write_keystone_clouds_yaml(path: Path, auth_url: str, users=None) -> Path:
    """clouds.yaml with one cloud per seeded user, named as the user, password auth, no
    endpoint override: the CLI/SDK find Portwatch in the catalog (register_network first).
    Cloud "admin-system" is the admin with a system-scoped token."""
    import yaml  # PyYAML: a dependency of openstacksdk

    clouds = {}
    for name in users or USERS:
        password, project, _ = USERS[name]
        clouds[name] = {
            "auth_type": "password",
            "auth": {"auth_url": auth_url, "username": name, "password": password,
                     "project_name": project, "user_domain_name": "Default",
                     "project_domain_name": "Default"},
            "region_name": REGION, "interface": "public", "identity_api_version": 3,
        }
    if users is None or "admin" in users:
        password = USERS["admin"][0]
        clouds["admin-system"] = {
            "auth_type": "password",
            "auth": {"auth_url": auth_url, "username": "admin", "password": password,
                     "user_domain_name": "Default", "system_scope": "all"},
            "region_name": REGION, "interface": "public", "identity_api_version": 3,
        }
    path = Path(path)
    path.write_text(yaml.safe_dump({"clouds": clouds}, sort_keys=False))
    return path


def keystone_client_env(clouds_yaml: Path, home: Path) -> dict:
    """Environment for `openstack --os-cloud USER ...` (same shape as conftest.client_env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env["OS_CLIENT_CONFIG_FILE"] = str(clouds_yaml)
    env["HOME"] = str(home)
    env["PYTHONWARNINGS"] = "ignore"
    return env


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def keystone_url() -> str:
    needs_keystone()
    try:
        r = requests.get(KEYSTONE_URL, timeout=TIMEOUT)
    except requests.RequestException as e:
        pytest.fail(f"Keystone at {KEYSTONE_URL} does not answer: {e!r} "
                    "(scripts/keystone.sh status; logs in /tmp/portwatch-keystone/log)")
    if r.status_code != 200:
        pytest.fail(f"GET {KEYSTONE_URL} -> {r.status_code}: {r.text[:300]}")
    return KEYSTONE_URL


@pytest.fixture(scope="session")
def keystone(keystone_url) -> Keystone:
    return Keystone(keystone_url)


@pytest.fixture(scope="session")
def keystone_clouds_yaml(keystone, tmp_path_factory) -> Path:
    return keystone.write_clouds_yaml(tmp_path_factory.mktemp("ks-clouds") / "clouds.yaml")


@pytest.fixture(scope="session")
def keystone_os_env(keystone_clouds_yaml, tmp_path_factory) -> dict:
    return keystone_client_env(keystone_clouds_yaml, tmp_path_factory.mktemp("ks-home"))
