"""The operator console (`GET /ui`) in a real headless Chromium (Debian's chromium and
chromium-driver, installed by scripts/test), driven by selenium.

A fault raised through the API turns its switch red, with the count of affected ports, without a
reload (the live stream); a port's path tree marks the failed branch; a what-if lists the predicted
ports and applies nothing; in keystone mode (the real Keystone of scripts/test) a member logs in with
the form and sees only their project's ports. Screenshots of each view go to artifacts/console/
(git-ignored), with the page weight and time to interactive of a 1,000-host fabric (perf.json).

No test waits for a time: each waits for a condition with a generous bound (WebDriverWait).
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
import requests

from conftest import HERE, Api, PortwatchServer, needs_own_server
from keystone_fixtures import KEYSTONE_URL, USERS, needs_keystone, start_with_service_user

ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "artifacts" / "console"
FABRIC = json.loads((ROOT / "Tests" / "Fixtures" / "fabric-small.json").read_text())
PHYSNET1 = {"provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 100}
WAIT = 90  # seconds: a generous bound for a busy 2-core machine, never a pace

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def make_browser():
    """A headless Chromium. A missing browser or driver fails the test (scripts/test installs both)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: install Debian's chromium and chromium-driver (scripts/test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def shot(driver, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait(driver, condition, message=""):
    """Waits for `condition`; an element a live refresh replaced while it was read is read again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, poll_frequency=0.1,
                         ignored_exceptions=[StaleElementReferenceException]).until(condition, message)


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def act(driver, selector, do, message):
    """Finds the first element `selector` matches and does `do` to it, again if a live refresh
    replaced it meanwhile."""
    from selenium.common.exceptions import StaleElementReferenceException

    def attempt(d):
        try:
            found = css(d, selector)
            if not found:
                return False
            do(found[0])
            return True
        except StaleElementReferenceException:
            return False
    wait(driver, attempt, message)


def click(driver, selector, message=""):
    act(driver, selector, lambda e: e.click(), message or f"click {selector}")


def attribute_is(selector, name, value):
    def check(driver):
        found = css(driver, selector)
        return found and found[0].get_attribute(name) == value
    return check


def text_in(selector, text):
    def check(driver):
        return any(text in element.text for element in css(driver, selector))
    return check


@pytest.fixture(scope="module")
def noauth_console(tmp_path_factory):
    needs_own_server()
    srv = PortwatchServer(tmp_path_factory.mktemp("console"), extra_args=["--flap-hold-down", "0"], name="console")
    srv.start()
    api = Api(srv.url)
    assert api.put("/v2.0/topology", FABRIC).status_code == 200
    net = api.create_network("tenant-net", **PHYSNET1)["id"]
    ports = {}
    for name, host in [("web-1", "compute-a1"), ("web-2", "compute-a2"), ("db-1", "compute-a3"), ("db-2", "compute-a4"),
                       ("cache-1", "compute-b1"), ("cache-2", "compute-b2")]:
        ports[name] = api.create_port(net, name=name, **{"binding:host_id": host, "device_id": f"vm-{name}"})["id"]
    yield srv, api, ports
    srv.assert_clean_stop()


def test_a_fault_turns_its_switch_red_with_the_affected_ports_without_a_reload(browser, noauth_console):
    srv, api, _ = noauth_console
    browser.get(srv.url + "/ui#fabric")
    leaf = '[data-resource="switch leaf-a3"]'
    wait(browser, attribute_is(leaf, "data-status", "ok"), "the fabric shows leaf-a3 working")
    wait(browser, text_in("#live", "live"), "the live stream is connected")
    browser.execute_script("window.notReloaded = true")
    r = api.post("/v2.0/data-plane-events", {"events": [
        {"resource_type": "switch", "resource_id": "leaf-a3", "state": "down", "source": "onos", "reason": "LLDP lost"}]})
    assert r.status_code == 200, r.text
    wait(browser, attribute_is(leaf, "data-status", "down"), "leaf-a3 turns red")
    wait(browser, text_in(leaf + ' [data-testid="affected-badge"]', "2 ports DOWN"), "with its affected ports")
    wait(browser, text_in('[data-count="down"]', "2 DOWN"), "and the fabric-wide count")
    assert browser.execute_script("return window.notReloaded === true"), "no reload"
    wait(browser, text_in(leaf, "DOWN"), "the state is written, not only coloured")
    # Keyboard: the group of leaf-a3's hosts opens with Enter; a host selected with Enter too.
    from selenium.webdriver.common.keys import Keys

    act(browser, '[data-hosts-of="leaf-a3"]', lambda e: e.send_keys(Keys.ENTER), "Enter on leaf-a3's hosts")
    wait(browser, lambda d: css(d, '[data-host-group="leaf-a3"] button.host'), "the hosts of leaf-a3 expand")
    act(browser, leaf, lambda e: e.send_keys(Keys.ENTER), "Enter on leaf-a3")
    wait(browser, text_in('[data-testid="selection"]', "LLDP lost"), "the selected switch shows its fault")
    shot(browser, "fabric")


def test_a_ports_path_tree_marks_the_failed_branch(browser, noauth_console):
    srv, api, ports = noauth_console
    assert api.post("/v2.0/data-plane-events", {"events": [
        {"resource_type": "switch", "resource_id": "leaf-a1", "state": "down", "source": "onos"}]}).status_code == 200
    browser.get(srv.url + "/ui#ports")
    wait(browser, text_in('[data-testid="port-list"]', "web-1"), "the port list")
    act(browser, "#port-q", lambda e: e.send_keys("compute-a1"), "type a host")
    click(browser, 'form[role="search"] button')
    wait(browser, lambda d: len(css(d, '[data-testid="port-list"] tbody tr')) == 1, "search by host finds web-1 alone")
    click(browser, '[data-testid="port-list"] tbody button')
    tree = '[data-testid="path-tree"]'
    wait(browser, lambda d: css(d, tree + ' li[data-state="down"]'), "the path tree")
    failed = [li.text.split("\n")[0] for li in css(browser, tree + ' li[data-state="down"]')]
    assert any("switch leaf-a1" in line for line in failed), failed
    wait(browser, attribute_is(tree + " > li", "data-state", "degraded"), "a bond leg survives")
    wait(browser, text_in(tree, "ANY OF"), "the bond is an OR")
    wait(browser, text_in('[data-testid="port-detail"]', "degraded"), "its assessment")
    wait(browser, lambda d: css(d, '[data-testid="history"] tbody tr'), "and its history")
    shot(browser, "port")


def test_a_what_if_lists_the_predicted_ports_and_applies_nothing(browser, noauth_console):
    srv, api, ports = noauth_console
    browser.get(srv.url + "/ui#fabric")
    node = '[data-resource="switch leaf-b1"]'
    wait(browser, lambda d: css(d, node), "the fabric")
    click(browser, node)
    click(browser, '[data-testid="simulate-down"]', "the selection offers a simulation")
    result = '[data-testid="what-if-result"]'
    wait(browser, text_in(result, "cache-2"), "the predicted ports")
    text = wait(browser, lambda d: css(d, result)[0].text, "the prediction's text")
    assert "cache-1" in text and "1 DOWN" in text and "1 degraded" in text, text
    assert "web-1" not in text
    shot(browser, "what-if")
    faults = api.get("/v2.0/data-plane-faults").json()["faults"]
    assert all(f["resource_id"] != "leaf-b1" for f in faults), "nothing applied"
    assert api.show_port(ports["cache-2"])["data_plane_status"] is None


def test_blast_radius_faults_and_maintenance(browser, noauth_console):
    srv, api, ports = noauth_console
    browser.get(srv.url + "/ui#blast/switch:leaf-a3")
    wait(browser, text_in('[data-testid="impact-ports"]', "db-2"), "the ports behind leaf-a3")
    wait(browser, text_in('[data-testid="impact-ports"]', "db-1"), "both ports")
    shot(browser, "blast-radius")
    browser.get(srv.url + "/ui#faults")
    wait(browser, text_in('[data-source="onos"]', "switch leaf-a3"), "the active faults by source")
    act(browser, "#mt-id", lambda e: e.send_keys("leaf-a3"), "the maintenance form")
    act(browser, "#mt-id", lambda e: e.submit(), "start maintenance")
    wait(browser, text_in('[data-testid="maintenance"]', "switch leaf-a3"), "maintenance started from the console")
    assert api.get("/v2.0/topology/maintenance").json()["maintenance"][0]["resource_id"] == "leaf-a3"
    wait(browser, lambda d: api.show_port(ports["db-1"])["data_plane_status"] == "ACTIVE", "its ports come back")
    shot(browser, "faults")
    browser.get(srv.url + "/ui#fabric")
    wait(browser, attribute_is('[data-resource="switch leaf-a3"]', "data-status", "maint"), "grey in the fabric")


@pytest.fixture(scope="module")
def keystone_console(tmp_path_factory):
    needs_own_server()
    needs_keystone()
    srv = PortwatchServer(tmp_path_factory.mktemp("console-ks"), name="console-ks",
                          extra_args=["--auth", "keystone", "--keystone-url", KEYSTONE_URL])
    start_with_service_user(srv)
    yield srv
    srv.assert_clean_stop()


def test_in_keystone_mode_a_member_logs_in_and_sees_only_their_projects_ports(browser, keystone_console, keystone):
    srv = keystone_console
    demo, other, admin = keystone.token("demo"), keystone.token("other"), keystone.token("admin")
    api = Api(srv.url)
    for token, name in [(demo, "demo-port"), (other, "other-port")]:
        h = {"X-Auth-Token": token.id}
        r = api.post("/v2.0/networks", {"network": {"name": name + "-net"}}, headers=h)
        assert r.status_code == 201, r.text
        r = api.post("/v2.0/ports", {"port": {"network_id": r.json()["network"]["id"], "name": name}}, headers=h)
        assert r.status_code == 201, r.text
    assert api.put("/v2.0/topology", FABRIC, headers={"X-Auth-Token": admin.id}).status_code == 200

    def login(user, password):
        browser.get(srv.url + "/ui")
        browser.execute_script("sessionStorage.clear()")
        browser.get(srv.url + "/ui")
        wait(browser, lambda d: css(d, "#login-form") and css(d, "#login-form")[0].is_displayed(), "the login form")
        for field, value in [("#l-user", user), ("#l-pass", password), ("#l-project", USERS[user][1])]:
            css(browser, field)[0].clear()
            css(browser, field)[0].send_keys(value)
        css(browser, "#l-submit")[0].click()

    login("demo", "wrong-password")
    wait(browser, text_in("#login-error", "not accepted"), "a wrong password is refused")
    login("demo", USERS["demo"][0])
    wait(browser, text_in('[data-testid="port-list"]', "demo-port"), "the member's port")
    listed = wait(browser, lambda d: css(d, '[data-testid="port-list"]')[0].text, "the list's text")
    assert "other-port" not in listed, listed
    tabs = [t.text for t in css(browser, "#tabs button")]
    assert tabs == ["Ports"], f"a member sees no fabric, faults or what-if: {tabs}"
    assert browser.execute_script("return sessionStorage.getItem('portwatch.token')"), "token kept for the tab"
    wait(browser, text_in("#live", "live"), "the member's stream is connected")
    shot(browser, "member")

    login("admin", USERS["admin"][0])
    wait(browser, lambda d: [t.text for t in css(d, "#tabs button")][:1] == ["Fabric"], "an admin gets the fabric")
    wait(browser, lambda d: css(d, '[data-resource="switch leaf-a1"]'), "the fabric is drawn")
    click(browser, "#logout")
    wait(browser, lambda d: css(d, "#login-form")[0].is_displayed(), "logged out")
    assert browser.execute_script("return sessionStorage.getItem('portwatch.token')") is None


def large_fabric(spines=4, leaves=36, hosts=1000):
    switches = [{"id": f"spine-{i + 1}", "role": "spine", "ports": [{"name": f"Ethernet{p}"} for p in range(1, leaves + 1)]}
                for i in range(spines)]
    per_leaf = -(-hosts * 2 // leaves)
    switches += [{"id": f"lf{i + 1}", "role": "leaf",
                  "ports": [{"name": f"Ethernet{p}"} for p in range(1, per_leaf + spines + 1)]} for i in range(leaves)]
    links, used = [], {}
    for i in range(leaves):
        for j in range(spines):
            links.append({"a": {"switch": f"lf{i + 1}", "port": f"Ethernet{per_leaf + j + 1}"},
                          "b": {"switch": f"spine-{j + 1}", "port": f"Ethernet{i + 1}"}})
    host_docs = []
    for n in range(hosts):
        host = f"compute-{n + 1:04d}"
        pair = (n % (leaves // 2)) * 2
        host_docs.append({"id": host, "nics": [{"name": "eth0"}, {"name": "eth1"}],
                          "bonds": [{"name": "bond0", "members": ["eth0", "eth1"], "mode": "802.3ad"}],
                          "physnetMappings": {"physnet1": "bond0"}, "tunnelInterface": "bond0"})
        for nic, leaf in (("eth0", pair), ("eth1", pair + 1)):
            used[leaf] = used.get(leaf, 0) + 1
            links.append({"a": {"switch": f"lf{leaf + 1}", "port": f"Ethernet{used[leaf]}"}, "b": {"host": host, "nic": nic}})
    return {"switches": switches, "hosts": host_docs, "links": links}


def test_a_1000_host_fabric_loads_and_stays_responsive(browser, server_factory):
    srv = server_factory(["--flap-hold-down", "0"], name="console-large").start()
    api = Api(srv.url)
    r = api.put("/v2.0/topology", large_fabric())
    assert r.status_code == 200, r.text[:500]
    net = api.create_network("big", **PHYSNET1)["id"]
    body = {"ports": [{"network_id": net, "name": f"vm-{n}", "binding:host_id": f"compute-{n % 1000 + 1:04d}",
                       "device_id": f"instance-{n}"} for n in range(2000)]}
    assert api.post("/v2.0/ports", body).status_code == 201
    assert api.post("/v2.0/data-plane-events", {"events": [
        {"resource_type": "switch", "resource_id": "lf3", "state": "down", "source": "onos"}]}).status_code == 200

    browser.get(srv.url + "/ui#fabric")
    wait(browser, lambda d: d.execute_script("return document.getElementById('view').dataset.ready") == "fabric",
         "the fabric is drawn")
    wait(browser, attribute_is('[data-resource="switch lf3"]', "data-status", "down"), "lf3 is red")
    timing = browser.execute_script("""
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        const bytes = (e) => e.transferSize || e.encodedBodySize || 0;
        return {
          time_to_interactive_ms: Math.round(window.fabricDrawnAt),
          dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
          document_bytes: bytes(nav),
          static_bytes: resources.filter((e) => e.name.includes('/ui/')).reduce((n, e) => n + bytes(e), 0),
          api_bytes: resources.filter((e) => e.name.includes('/v2.0/')).reduce((n, e) => n + bytes(e), 0),
          svg_elements: document.querySelectorAll('svg.fabric *').length,
        };""")
    # Expanding a leaf's hosts, and a what-if of lf4, on the big fabric: the page answers.
    start = time.monotonic()
    click(browser, '[data-hosts-of="lf4"]')
    wait(browser, lambda d: len(css(d, '[data-host-group="lf4"] button.host')) > 50, "a leaf's hosts expand")
    timing["expand_hosts_ms"] = round((time.monotonic() - start) * 1000)
    timing["page_weight_bytes"] = timing["document_bytes"] + timing["static_bytes"] + timing["api_bytes"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "perf.json").write_text(json.dumps(timing, indent=2) + "\n")
    print("console on a 1,000-host fabric:", json.dumps(timing))
    shot(browser, "fabric-1000-hosts")
    assert timing["svg_elements"] < 2000, "hosts are grouped per leaf, not drawn one by one"
    assert requests.get(srv.url + "/ui/console.js", timeout=30).status_code == 200
