"""`--policy-file`: an operator's oslo.policy overrides, checked at start and applied on change.

The server runs with `--auth headers` so that the roles of each caller come from X-Roles. The file
is rewritten while the server runs; the change must apply without a restart, on the file's change
and on SIGHUP, and a broken file must leave the rules in force (and say which line is wrong).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import PORTWATCH_BIN, Api, needs_own_server, unique
from conftest import eventually as conftest_eventually

MEMBER = {"X-User-Id": "u-member", "X-Project-Id": "proj-a", "X-Roles": "member,reader"}
CUSTOM = {"X-User-Id": "u-custom", "X-Project-Id": "proj-a", "X-Roles": "member,reader,custom"}
OTHER = {"X-User-Id": "u-other-role", "X-Project-Id": "proj-a", "X-Roles": "member,reader,other"}
INTEGRATOR = {"X-User-Id": "u-dpi", "X-Project-Id": "proj-a",
              "X-Roles": "data_plane_integrator,member,reader"}
DENIED = "(rule:update_port and rule:update_port:data_plane_status) is disallowed by policy"

# Portwatch's own rules (OsloPolicy's PolicyDefaults.portwatch) and a sample of Neutron's.
PORTWATCH_RULES = [
    "create_data_plane_event", "get_data_plane_faults", "get_topology", "update_topology",
    "update_maintenance", "get_port_data_plane", "get_port_data_plane_history", "create_webhook",
    "get_webhook", "delete_webhook", "get_notification_stream", "create_data_plane_what_if",
]
NEUTRON_RULES = [
    "context_is_admin", "admin_only", "service_api", "get_network", "create_network:shared",
    "get_network:provider:network_type", "create_port", "create_port:binding:profile", "get_port",
    "get_port:binding:host_id", "update_port", "update_port:data_plane_status", "delete_port",
    "update_port:tags", "delete_network:tags",
]
# neutronBase + neutronNetworks + neutronPorts + neutronSecurityGroups + portwatch
DEFAULT_RULE_COUNT = 17 + 29 + 48 + 16 + 12


def write_atomically(path: Path, text: str):
    """As a config manager writes: beside the file, then rename over it."""
    aside = path.with_name(path.name + ".tmp")
    aside.write_text(text)
    os.replace(aside, path)



def eventually(condition, timeout=20.0, interval=0.1):
    return conftest_eventually(condition, timeout=timeout, interval=interval)


def set_dps(api, port_id, headers, value="DOWN"):
    return api.put(f"/v2.0/ports/{port_id}", {"port": {"data_plane_status": value}}, headers=headers)


@pytest.fixture
def member_port():
    """Creates a network and port of proj-a as its member on `api`; returns the port id."""

    def make(api):
        r = api.post("/v2.0/networks", {"network": {"name": unique("net")}}, headers=MEMBER)
        assert r.status_code == 201, r.text
        network = r.json()["network"]["id"]
        r = api.post("/v2.0/ports", {"port": {"network_id": network, "name": unique("port")}},
                     headers=MEMBER)
        assert r.status_code == 201, r.text
        return r.json()["port"]["id"]

    return make


def test_override_applies_and_changes_apply_without_restart(server_factory, tmp_path, member_port):
    policy = tmp_path / "policy.yaml"
    policy.write_text('# only the custom role sets data_plane_status\n'
                      '"update_port:data_plane_status": "role:custom"\n')
    srv = server_factory(["--auth", "headers", "--policy-file", str(policy)]).start()
    pid = srv.proc.pid
    api = Api(srv.url)
    port = member_port(api)

    r = set_dps(api, port, CUSTOM)
    assert r.status_code == 200, r.text
    assert r.json()["port"]["data_plane_status"] == "DOWN"
    r = set_dps(api, port, INTEGRATOR)
    assert r.status_code == 403, r.text
    assert r.json()["NeutronError"]["message"] == DENIED

    # The file changes: the new rule applies to the next requests, in the same process.
    write_atomically(policy, '"update_port:data_plane_status": "role:other"\n')
    assert eventually(lambda: set_dps(api, port, OTHER, "ACTIVE").status_code == 200), srv.log_tail()
    assert set_dps(api, port, CUSTOM).status_code == 403
    assert srv.proc.pid == pid and srv.proc.poll() is None

    # A broken edit is refused with the line named, and the rules in force stay.
    write_atomically(policy, '# two lines of comments\n#\n"update_port:data_plane_status": "role:other or"\n')
    assert eventually(lambda: "policy file not loaded" in srv.log_tail(200)), srv.log_tail()
    tail = srv.log_tail(200)
    assert re.search(r"line=3\b", tail), tail
    assert str(policy) in tail
    assert set_dps(api, port, OTHER, "DOWN").status_code == 200
    assert set_dps(api, port, CUSTOM).status_code == 403

    # A misspelt rule name is refused too.
    write_atomically(policy, '"update_prot:data_plane_status": "role:custom"\n')
    assert eventually(lambda: "update_prot:data_plane_status" in srv.log_tail(200)), srv.log_tail()
    assert set_dps(api, port, OTHER, "ACTIVE").status_code == 200

    # Back to the defaults: an empty file overrides nothing; the integrator may set it again.
    write_atomically(policy, "")
    assert eventually(lambda: set_dps(api, port, INTEGRATOR, "DOWN").status_code == 200), srv.log_tail()
    assert set_dps(api, port, OTHER).status_code == 403
    srv.assert_clean_stop()


def test_sighup_reloads(server_factory, tmp_path, member_port):
    policy = tmp_path / "policy.yaml"
    policy.write_text('"update_port:data_plane_status": "role:custom"\n')
    srv = server_factory(["--auth", "headers", "--policy-file", str(policy)]).start()
    api = Api(srv.url)
    port = member_port(api)
    assert set_dps(api, port, CUSTOM).status_code == 200

    # Rewrite in place to the same size and put the modification time back, so that only the
    # signal can tell the server the file changed.
    stat = policy.stat()
    policy.write_text('"update_port:data_plane_status": "role:gadget"\n')
    os.utime(policy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert policy.stat().st_size == stat.st_size
    time.sleep(3)  # longer than the watcher's poll: it must not have noticed
    assert set_dps(api, port, CUSTOM, "ACTIVE").status_code == 200

    srv.proc.send_signal(signal.SIGHUP)
    gadget = {**OTHER, "X-Roles": "member,reader,gadget"}
    assert eventually(lambda: set_dps(api, port, gadget, "DOWN").status_code == 200), srv.log_tail()
    assert set_dps(api, port, CUSTOM).status_code == 403
    assert srv.proc.poll() is None, "SIGHUP must not stop the server"
    assert "reason=SIGHUP" in srv.log_tail(200)
    srv.assert_clean_stop()


def test_json_policy_file(server_factory, tmp_path, member_port):
    policy = tmp_path / "policy.json"
    policy.write_text('{\n  "get_port:binding:host_id": '
                      '"rule:admin_only or role:member and project_id:%(project_id)s"\n}\n')
    srv = server_factory(["--auth", "headers", "--policy-file", str(policy)]).start()
    api = Api(srv.url)
    port = member_port(api)
    r = api.get(f"/v2.0/ports/{port}", headers=MEMBER)
    assert r.status_code == 200
    assert r.json()["port"]["binding:host_id"] == ""
    assert "binding:profile" not in r.json()["port"]
    reader = {**MEMBER, "X-Roles": "reader"}
    assert "binding:host_id" not in api.get(f"/v2.0/ports/{port}", headers=reader).json()["port"]
    srv.assert_clean_stop()


def run_portwatch(*args, env=None, timeout=60):
    return subprocess.run([PORTWATCH_BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=env)


@pytest.mark.parametrize("text,line,fragment", [
    ('"get_port": "@"\n\n"update_port:data_plane_status": "role:custom or"\n', 3,
     "expected a check after 'or'"),
    ('# comment\n"updte_port:data_plane_status": "role:custom"\n', 2, "is not a known rule"),
    ('"get_port": "@"\n"update_port": "unclosed\n', 3, "is not valid YAML"),
])
def test_broken_file_at_start_names_the_line(tmp_path, text, line, fragment):
    needs_own_server()
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    db = tmp_path / "never.sqlite"
    res = run_portwatch("serve", "--host", "127.0.0.1", "--port", "1", "--database", f"sqlite:{db}",
                        "--policy-file", str(policy))
    assert res.returncode != 0
    assert f"{policy}, line {line}:" in res.stderr, res.stderr
    assert fragment in res.stderr, res.stderr
    assert not db.exists(), "the start stops before the store is opened"


def test_policy_file_from_the_environment(tmp_path):
    needs_own_server()
    policy = tmp_path / "policy.yaml"
    policy.write_text('"no_such_rule_at_all": "@"\n')
    env = {**os.environ, "PORTWATCH_POLICY_FILE": str(policy)}
    res = run_portwatch("serve", "--port", "1", "--database", f"sqlite:{tmp_path / 'x.sqlite'}", env=env)
    assert res.returncode != 0
    assert f"{policy}, line 1:" in res.stderr, res.stderr


def test_missing_file_at_start(tmp_path):
    needs_own_server()
    res = run_portwatch("serve", "--port", "1", "--policy-file", str(tmp_path / "absent.yaml"))
    assert res.returncode != 0
    assert "absent.yaml: cannot be read" in res.stderr, res.stderr


def default_rules(text):
    return re.findall(r'^#"([^"]+)": "(.*)"$', text, re.MULTILINE)


def test_policy_defaults_prints_every_rule(tmp_path):
    res = run_portwatch("policy", "defaults")
    assert res.returncode == 0, res.stderr
    rules = dict(default_rules(res.stdout))
    assert len(rules) == DEFAULT_RULE_COUNT
    for name in PORTWATCH_RULES + NEUTRON_RULES:
        assert name in rules, name
    assert rules["update_port:data_plane_status"] == "rule:admin_only or role:data_plane_integrator"
    assert rules["create_data_plane_event"] == "rule:admin_only or rule:service_api"
    assert rules["create_port:binding:profile"] == "rule:service_api"
    assert all(line.startswith("#") for line in res.stdout.splitlines() if line)

    # The sample, as it is, loads and changes nothing; uncommented, it restates every default.
    sample = tmp_path / "sample.yaml"
    sample.write_text(res.stdout)
    check = run_portwatch("policy", "check", "--policy-file", str(sample))
    assert check.returncode == 0, check.stderr
    assert "0 rule(s) overridden" in check.stdout
    uncommented = tmp_path / "uncommented.yaml"
    uncommented.write_text("".join(f'"{name}": "{rule}"\n' for name, rule in default_rules(res.stdout)))
    check = run_portwatch("policy", "check", "--policy-file", str(uncommented))
    assert check.returncode == 0, check.stderr
    assert f"{DEFAULT_RULE_COUNT} rule(s) overridden" in check.stdout


def test_policy_check_reports_the_line(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text('"get_port": "@"\n"create_data_plane_event": "rule:admins"\n')
    res = run_portwatch("policy", "check", "--policy-file", str(policy))
    assert res.returncode == 1
    assert res.stderr.strip() == (f'{policy}, line 2: policy rule "create_data_plane_event": '
                                  "references rule:admins, which is not defined")


def test_policy_file_gives_admins_the_binding_profile(server_factory, tmp_path):
    """Neutron 29 keeps binding:profile for the service role (Nova, Ironic); an operator who writes
    local_link_information by hand gives it to admins in the policy file."""
    profile = {"local_link_information": [{"switch_id": "52:54:00:0a:00:04", "port_id": "Ethernet5"}]}
    srv = server_factory([]).start()
    api = Api(srv.url)
    net = api.create_network()["id"]
    r = api.post("/v2.0/ports", {"port": {"network_id": net, "binding:profile": profile}})
    assert r.status_code == 403, r.text
    assert r.json()["NeutronError"]["message"] == (
        "(rule:create_port and rule:create_port:binding:profile) is disallowed by policy")
    srv.assert_clean_stop()

    policy = tmp_path / "policy.yaml"
    policy.write_text('"create_port:binding:profile": "rule:admin_only or rule:service_api"\n'
                      '"update_port:binding:profile": "rule:admin_only or rule:service_api"\n')
    srv = server_factory(["--policy-file", str(policy)]).start()
    api = Api(srv.url)
    net = api.create_network()["id"]
    port = api.create_port(net, **{"binding:profile": profile})
    assert port["binding:profile"] == profile
    assert api.update_port(port["id"], **{"binding:profile": {}})["binding:profile"] == {}
    srv.assert_clean_stop()
