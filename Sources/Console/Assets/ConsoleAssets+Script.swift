// The asset itself, as served: edit it here (no build step turns another file into this one).
extension ConsoleAssets {
    /// The console's script: plain JavaScript, no build step, no third-party code.
    static let script = #"""
// Portwatch operator console: plain JavaScript, no build step, no third-party code.
// Every read and write goes through Portwatch's API with the caller's own token, so the console
// shows exactly what the API lets the caller see. Live updates come from the Server-Sent Events
// stream (/v2.0/portwatch/stream), read with fetch so that the token travels in a header.
'use strict';

const TOKEN_KEY = 'portwatch.token';
const USER_KEY = 'portwatch.user';
const S = {
  session: null, token: sessionStorage.getItem(TOKEN_KEY), view: null,
  topology: null, faults: [], maintenance: [], impact: null,
  expanded: new Set(), selected: null, stream: null, lastEventId: null,
  refreshTimer: null, refreshing: false, refreshAgain: false, steps: [],
  portQuery: '', portResults: null, portDetail: null, blast: null, whatIf: null,
};

const KINDS = ['switch', 'switch_port', 'link', 'host_nic', 'bond', 'host', 'vswitch', 'vif'];
const VIEWS = [
  { id: 'fabric', label: 'Fabric', need: 'topology', render: renderFabric },
  { id: 'blast', label: 'Blast radius', need: 'faults', render: renderBlast },
  { id: 'ports', label: 'Ports', need: null, render: renderPorts },
  { id: 'faults', label: 'Faults & maintenance', need: 'faults', render: renderFaults },
  { id: 'whatif', label: 'What-if', need: 'what_if', render: renderWhatIf },
];

// ------------------------------------------------------------------ DOM helpers
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, kids);
  return el;
}
const SVG_NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, kids);
  return el;
}
function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}
function append(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
}
const $ = (id) => document.getElementById(id);
function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 5000);
}

// ------------------------------------------------------------------ API
class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (S.token) headers['X-Auth-Token'] = S.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    const message = (data && (data.NeutronError ? data.NeutronError.message : data.message || (data.error && data.error.message))) || text || response.statusText;
    if (response.status === 401 && path !== '/ui/login') showLogin();
    throw new ApiError(response.status, message);
  }
  return data;
}
const can = (what) => !!(S.session && S.session.can && S.session.can[what]);
const key = (type, id) => type + ' ' + id;

// ------------------------------------------------------------------ boot and login
async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('l-token-submit').addEventListener('click', onTokenLogin);
  $('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', () => route());
  await start();
}
async function start() {
  try {
    S.session = await api('GET', '/v2.0/portwatch/session');
  } catch (e) {
    if (e.status !== 401) { $('view').replaceChildren(h('p', { class: 'error', text: 'Portwatch is not answering: ' + e.message })); }
    return;
  }
  $('login').hidden = true;
  $('view').hidden = false;
  const who = sessionStorage.getItem(USER_KEY) || ((S.session.user_id || S.session.auth + ' caller') + (S.session.project_id ? ' · project ' + S.session.project_id : ''));
  $('whoami').textContent = who + (S.session.is_admin ? ' · admin' : '');
  $('logout').hidden = S.session.auth !== 'keystone';
  renderTabs();
  // The stream first (so nothing committed after the view's first read is missed), then the view;
  // a stream slower than a few seconds does not hold the page back (it refreshes once connected).
  S.routed = false;
  const connected = new Promise((resolve) => { S.onConnected = resolve; });
  follow();
  await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, 5000))]);
  S.routed = true;
  route();
}
function showLogin() {
  stopStream();
  S.session = null;
  $('tabs').replaceChildren();
  $('view').hidden = true;
  $('login').hidden = false;
  $('whoami').textContent = '';
  $('logout').hidden = true;
  $('l-user').focus();
}
async function onLogin(event) {
  event.preventDefault();
  const form = new FormData($('login-form'));
  $('login-error').textContent = '';
  try {
    const answer = await api('POST', '/ui/login', {
      username: form.get('username'), password: form.get('password'), project_name: form.get('project_name'),
      user_domain_name: form.get('user_domain_name'), project_domain_name: form.get('project_domain_name'),
    });
    S.token = answer.token.id;
    sessionStorage.setItem(TOKEN_KEY, S.token);
    sessionStorage.setItem(USER_KEY, answer.token.user_name + ' · ' + answer.token.project_name);
    $('l-pass').value = '';
    await start();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}
async function onTokenLogin() {
  S.token = $('l-token').value.trim();
  sessionStorage.setItem(TOKEN_KEY, S.token);
  sessionStorage.removeItem(USER_KEY);
  $('login-error').textContent = '';
  await start();
  if (!S.session) $('login-error').textContent = 'The token is not accepted.';
}
function logout() {
  S.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  showLogin();
}

// ------------------------------------------------------------------ tabs and routing
function allowedViews() { return VIEWS.filter((v) => !v.need || can(v.need)); }
function renderTabs() {
  const tabs = allowedViews().map((view) => h('button', {
    role: 'tab', id: 'tab-' + view.id, 'data-view': view.id, 'aria-controls': 'view', type: 'button',
    onclick: () => { location.hash = view.id; },
    onkeydown: (event) => {
      const list = [...$('tabs').querySelectorAll('button')];
      const index = list.indexOf(event.currentTarget);
      let next = null;
      if (event.key === 'ArrowRight') next = list[(index + 1) % list.length];
      if (event.key === 'ArrowLeft') next = list[(index - 1 + list.length) % list.length];
      if (next) { next.focus(); next.click(); event.preventDefault(); }
    },
  }, view.label));
  $('tabs').replaceChildren(...tabs);
}
function route() {
  if (!S.session) return;
  delete $('view').dataset.ready;
  const views = allowedViews();
  const [name, arg] = decodeURIComponent(location.hash.slice(1)).split('/');
  const view = views.find((v) => v.id === name) || views.find((v) => v.id === (can('topology') ? 'fabric' : 'ports'));
  S.view = view.id;
  for (const tab of $('tabs').querySelectorAll('button')) {
    const selected = tab.dataset.view === view.id;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.tabIndex = selected ? 0 : -1;
  }
  $('view').setAttribute('aria-labelledby', 'tab-' + view.id);
  view.render(arg);
}

// ------------------------------------------------------------------ live stream
async function follow() {
  stopStream();
  const controller = new AbortController();
  S.stream = controller;
  let delay = 1000;
  while (S.stream === controller) {
    try {
      const headers = { Accept: 'text/event-stream' };
      if (S.token) headers['X-Auth-Token'] = S.token;
      if (S.lastEventId) headers['Last-Event-ID'] = S.lastEventId;
      const query = can('faults') ? '?fabric=true' : '';
      const response = await fetch('/v2.0/portwatch/stream' + query, { headers, signal: controller.signal });
      if (response.status === 401) { showLogin(); return; }
      if (!response.ok) throw new Error('stream answered ' + response.status);
      setLive(true);
      delay = 1000;
      // What changed while the stream was down (or before it first connected) is read again.
      if (S.onConnected) { S.onConnected(); S.onConnected = null; }
      if (S.routed) scheduleRefresh();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          onStreamEvent(parseEvent(block));
        }
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    setLive(false);
    // Reconnect after a pause (the stream resumes from Last-Event-ID); not a polling loop.
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
  }
}
function stopStream() {
  if (S.stream) S.stream.abort();
  S.stream = null;
  setLive(false);
}
function setLive(on) {
  const el = $('live');
  el.className = 'live ' + (on ? 'on' : 'off');
  el.textContent = on ? 'live' : 'offline';
}
function parseEvent(block) {
  const event = { type: 'message', data: '', id: null };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.type = value;
    else if (field === 'data') event.data += (event.data ? '\n' : '') + value;
    else if (field === 'id') event.id = value;
  }
  return event;
}
function onStreamEvent(event) {
  if (event.id) S.lastEventId = event.id;
  if (event.type === 'message' && !event.data) return;
  if (event.type.startsWith('port.') || event.type === 'portwatch.fabric.update') scheduleRefresh();
}
// Coalesces bursts (a leaf failure is thousands of port events) into one refresh at a time.
function scheduleRefresh() {
  if (S.refreshTimer) return;
  S.refreshTimer = setTimeout(async () => {
    S.refreshTimer = null;
    if (S.refreshing) { S.refreshAgain = true; return; }
    S.refreshing = true;
    try { await refreshCurrent(); } catch (e) { /* shown by the view */ }
    S.refreshing = false;
    if (S.refreshAgain) { S.refreshAgain = false; scheduleRefresh(); }
  }, 150);
}
async function refreshCurrent() {
  if (S.view === 'fabric') { if (await loadFabricState()) drawFabric(); }
  else if (S.view === 'faults') { if (await loadFabricState()) drawFaults(); }
  else if (S.view === 'ports') { await refreshPorts(); }
  else if (S.view === 'blast' && S.blast) { await runBlast(S.blast.resource, false); }
}

// ------------------------------------------------------------------ shared rendering
function stateClass(state) {
  return { down: 'down', degraded: 'degraded', maint: 'maint' }[state] || 'ok';
}
function stateText(state) {
  return { down: 'DOWN', degraded: 'DEGRADED', maint: 'MAINTENANCE', up: 'UP', ok: 'OK' }[state] || String(state || 'UNKNOWN').toUpperCase();
}
function chips(summary) {
  return h('div', { class: 'summary', 'data-testid': 'summary' },
    h('span', { class: 'chip down', 'data-count': 'down' }, summary.down + ' DOWN'),
    h('span', { class: 'chip degraded', 'data-count': 'degraded' }, summary.degraded + ' degraded'),
    h('span', { class: 'chip up', 'data-count': 'up' }, summary.up + ' up'));
}
function groupTable(title, groups, label) {
  if (!groups || !groups.length) return null;
  return h('div', { class: 'grow' }, h('h3', { text: title }),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { text: label }), h('th', { text: 'DOWN' }), h('th', { text: 'Degraded' }), h('th', { text: 'Up' }))),
      h('tbody', {}, groups.slice(0, 50).map((g) => h('tr', {},
        h('td', { class: 'mono', text: g.id }), h('td', { class: 'num', text: g.down }),
        h('td', { class: 'num', text: g.degraded }), h('td', { class: 'num', text: g.up }))))));
}
function impactBody(impact, predicted) {
  const rows = impact.ports.slice(0, 500).map((p) => h('tr', { 'data-port': p.id },
    h('td', {}, h('button', { class: 'link', type: 'button', onclick: () => { location.hash = 'ports/' + p.id; } }, p.name || p.id)),
    h('td', { class: 'mono', text: p.project_id }), h('td', { class: 'mono', text: p.device_id || '-' }),
    p['binding:host_id'] !== undefined ? h('td', { text: p['binding:host_id'] || '-' }) : null,
    h('td', {}, predicted ? [h('span', { class: 'state ' + stateClass(p.state_before), text: stateText(p.state_before) }), h('span', { class: 'arrow', text: '→' })] : null,
      h('span', { class: 'state ' + stateClass(p.state), text: stateText(p.state) })),
    h('td', { class: 'mono', text: (p.root_cause || []).map((r) => key(r.resource_type, r.resource_id)).join(', ') || '-' })));
  const showsHost = impact.ports.some((p) => p['binding:host_id'] !== undefined);
  return h('div', {},
    chips(impact.summary),
    h('div', { class: 'row' }, groupTable('By project', impact.by_project, 'Project'), groupTable('By network', impact.by_network, 'Network'),
      groupTable('By instance', impact.by_instance, 'Instance (device_id)')),
    h('h3', { text: 'Ports (' + impact.ports.length + (impact.ports.length > 500 ? ', first 500 shown' : '') + ')' }),
    impact.ports.length ? h('table', { 'data-testid': 'impact-ports' }, h('thead', {}, h('tr', {}, h('th', { text: 'Port' }), h('th', { text: 'Project' }),
      h('th', { text: 'Instance' }), showsHost ? h('th', { text: 'Host' }) : null, h('th', { text: predicted ? 'Now → after' : 'State' }), h('th', { text: 'Root cause' }))),
    h('tbody', {}, rows)) : h('p', { class: 'muted', text: 'No port is affected.' }));
}
function resourcePicker(prefix, type, id) {
  return [
    h('div', {}, h('label', { for: prefix + '-type', text: 'Resource type' }),
      h('select', { id: prefix + '-type' }, KINDS.map((k) => h('option', { value: k, selected: k === type }, k)))),
    h('div', {}, h('label', { for: prefix + '-id', text: 'Resource id' }), h('input', { id: prefix + '-id', value: id || '', placeholder: 'e.g. leaf-a1' })),
  ];
}

// ------------------------------------------------------------------ fabric
// Returns false when a newer load started meanwhile: only the latest read may become the state.
async function loadFabricState() {
  const generation = S.fabricLoads = (S.fabricLoads || 0) + 1;
  const [topology, faults, impact] = await Promise.all([
    api('GET', '/v2.0/topology'),
    api('GET', '/v2.0/data-plane-faults'),
    api('GET', '/v2.0/data-plane-blast-radius?ports=false'),
  ]);
  if (generation !== S.fabricLoads) return false;
  S.topology = topology.topology;
  S.faults = faults.faults;
  S.maintenance = faults.maintenance || [];
  S.impact = impact.blast_radius;
  return true;
}
function fabricModel() {
  const topo = S.topology || { switches: [], hosts: [], links: [] };
  const down = new Set(S.faults.filter((f) => f.state === 'down').map((f) => key(f.resource_type, f.resource_id)));
  const maint = new Set(S.maintenance.map((m) => key(m.resource_type, m.resource_id)));
  const partial = new Set();
  for (const f of S.faults) {
    const owner = f.resource_id.split(':')[0];
    if (f.resource_type === 'switch_port') partial.add(key('switch', owner));
    if (f.resource_type === 'host_nic' || f.resource_type === 'bond' || f.resource_type === 'vswitch') partial.add(key('host', owner));
  }
  const affected = new Map();
  for (const g of (S.impact && S.impact.by_root_cause) || []) {
    const [type, ...rest] = g.id.split(' ');
    const id = rest.join(' ');
    const owner = (type === 'switch_port') ? key('switch', id.split(':')[0])
      : (type === 'host_nic' || type === 'bond' || type === 'vswitch') ? key('host', id.split(':')[0]) : key(type, id);
    const total = affected.get(owner) || { down: 0, degraded: 0 };
    total.down += g.down; total.degraded += g.degraded;
    affected.set(owner, total);
  }
  const status = (type, id) => {
    const k = key(type, id);
    if (maint.has(k)) return 'maint';
    if (down.has(k)) return 'down';
    if (partial.has(k)) return 'degraded';
    return 'ok';
  };
  const hostsByLeaf = new Map();
  const attached = new Set();
  for (const link of topo.links) {
    const ends = [link.a, link.b];
    const sw = ends.find((e) => e && e.switch !== undefined);
    const host = ends.find((e) => e && e.host !== undefined);
    if (!sw || !host) continue;
    if (!hostsByLeaf.has(sw.switch)) hostsByLeaf.set(sw.switch, new Set());
    hostsByLeaf.get(sw.switch).add(host.host);
    attached.add(host.host);
  }
  const uplinks = [];
  const byID = new Map(topo.switches.map((sw) => [sw.id, sw]));
  for (const link of topo.links) {
    if (link.a && link.b && link.a.switch !== undefined && link.b.switch !== undefined) {
      uplinks.push({ a: link.a.switch, b: link.b.switch, id: link.id });
    }
  }
  const tiers = { core: [], spine: [], leaf: [] };
  for (const sw of topo.switches) (tiers[sw.role || 'leaf'] || tiers.leaf).push(sw);
  for (const list of Object.values(tiers)) list.sort((x, y) => x.id.localeCompare(y.id, undefined, { numeric: true }));
  const unattached = topo.hosts.filter((host) => !attached.has(host.id)).map((host) => host.id);
  return { topo, tiers, hostsByLeaf, uplinks, byID, status, affected, unattached, down };
}
async function renderFabric() {
  const view = $('view');
  view.replaceChildren(h('p', { class: 'muted', text: 'Loading the fabric…' }));
  try {
    if (!(await loadFabricState())) return;
  } catch (e) {
    view.replaceChildren(h('p', { class: 'error', text: e.message }));
    return;
  }
  drawFabric();
}
function drawFabric() {
  if (S.view !== 'fabric') return;
  // A refresh that changed nothing leaves the page (and the keyboard focus) alone.
  const signature = JSON.stringify([S.topology, S.faults, S.maintenance, S.impact, [...S.expanded], S.selected]);
  if (signature === S.drawnFabric && $('view').dataset.ready === 'fabric') return;
  S.drawnFabric = signature;
  const model = fabricModel();
  const view = $('view');
  const impact = S.impact || { summary: { down: 0, degraded: 0, up: 0 }, by_project: [] };
  const header = h('div', { class: 'card' },
    h('div', { class: 'row' },
      h('div', { class: 'grow' }, h('h1', { text: 'Fabric' }),
        h('p', { class: 'muted', text: model.topo.switches.length + ' switches, ' + model.topo.hosts.length + ' hosts, '
          + S.faults.length + ' active fault' + (S.faults.length === 1 ? '' : 's') + ', ' + S.maintenance.length + ' in maintenance' })),
      h('div', {}, h('h3', { text: 'Ports affected now' }), chips(impact.summary),
        h('p', { class: 'muted', 'data-testid': 'affected-projects', text: impact.by_project.length + ' project(s) hit' }))),
    h('div', { class: 'legend', 'aria-hidden': 'true' }, h('span', { class: 'l-ok' }, 'working'), h('span', { class: 'l-down' }, 'faulty (hatched, "DOWN")'),
      h('span', { class: 'l-degraded' }, 'degraded (hatched, "DEGRADED")'), h('span', { class: 'l-maint' }, 'maintenance (dashed, "MAINT")')));
  const svg = fabricSVG(model);
  const details = h('div', { id: 'fabric-details' });
  view.replaceChildren(header, h('div', { class: 'fabric-wrap', 'data-testid': 'fabric' }, svg), details);
  drawHostGroups(model, details);
  if (S.selected) drawSelection(model);
  // For tests and measurements: when the fabric was first drawn (ms since navigation started).
  if (window.fabricDrawnAt === undefined) window.fabricDrawnAt = performance.now();
  view.dataset.ready = 'fabric';
}
const NODE_W = 116, NODE_H = 46, GAP = 14;
function fabricSVG(model) {
  const rows = [['core', model.tiers.core], ['spine', model.tiers.spine], ['leaf', model.tiers.leaf]].filter(([, list]) => list.length);
  const widest = Math.max(1, ...rows.map(([, list]) => list.length));
  const width = Math.max(1000, 40 + widest * (NODE_W + GAP));
  const rowGap = 110;
  const positions = new Map();
  // Each tier spreads over the whole width, so the few spines stand above the many leaves they serve.
  rows.forEach(([, list], row) => {
    const step = (width - 40) / list.length;
    list.forEach((sw, i) => positions.set(sw.id, { x: 20 + i * step + (step - NODE_W) / 2, y: 34 + row * rowGap }));
  });
  const leafRowY = 34 + (rows.length - 1) * rowGap;
  const height = leafRowY + NODE_H + 30 + 70;
  const svg = s('svg', { class: 'fabric', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'group', 'aria-label': 'Fabric graph' });
  svg.append(s('defs', {},
    s('pattern', { id: 'hatch-down', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 8, height: 8, fill: '#fdecea' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: '#e57373', 'stroke-width': 3 })),
    s('pattern', { id: 'hatch-degraded', width: 8, height: 8, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 8, height: 8, fill: '#fff4e0' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: '#ffb74d', 'stroke-width': 2 }))));
  const tierNames = { core: 'cores', spine: 'spines', leaf: 'leaves' };
  rows.forEach(([tier], row) => svg.append(s('text', { class: 'tier', x: 8, y: 26 + row * rowGap, text: tierNames[tier] })));
  const edges = s('g', { 'aria-hidden': 'true' });
  for (const link of model.uplinks) {
    const a = positions.get(link.a), b = positions.get(link.b);
    if (!a || !b) continue;
    const [top, bottom] = a.y < b.y ? [a, b] : [b, a];
    const broken = model.status('switch', link.a) === 'down' || model.status('switch', link.b) === 'down'
      || (link.id && model.down.has(key('link', link.id)));
    edges.append(s('line', { class: 'edge' + (broken ? ' down' : ''), x1: top.x + NODE_W / 2, y1: top.y + NODE_H, x2: bottom.x + NODE_W / 2, y2: bottom.y }));
  }
  svg.append(edges);
  for (const [tier, list] of rows) {
    for (const sw of list) {
      const p = positions.get(sw.id);
      svg.append(nodeSVG('switch', sw.id, p.x, p.y, model, tier));
      if (tier === 'leaf') svg.append(hostGroupSVG(sw.id, p.x, p.y + NODE_H + 26, model));
    }
  }
  return svg;
}
function nodeSVG(type, id, x, y, model, tier) {
  const status = model.status(type, id);
  const label = { ok: 'OK', down: 'DOWN', degraded: 'DEGRADED', maint: 'MAINT' }[status];
  const hit = model.affected.get(key(type, id));
  const selected = S.selected && S.selected.type === type && S.selected.id === id;
  const g = s('g', {
    class: 'node ' + status + (selected ? ' sel' : ''), tabindex: 0, role: 'button', 'data-resource': key(type, id), 'data-status': status,
    'aria-label': type + ' ' + id + ', ' + stateText(status) + (hit ? ', ' + hit.down + ' ports down, ' + hit.degraded + ' degraded' : ''),
    transform: 'translate(' + x + ',' + y + ')',
    onclick: () => select(type, id), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(type, id); } },
  },
  s('title', { text: type + ' ' + id + ' (' + (tier || type) + '): ' + stateText(status) }),
  s('rect', { width: NODE_W, height: NODE_H, rx: 6 }),
  s('text', { class: 'name', x: 8, y: 18, text: id.length > 15 ? id.slice(0, 14) + '…' : id }),
  s('text', { class: 'status', x: 8, y: 36, text: label }));
  if (hit && (hit.down || hit.degraded)) {
    const text = hit.down ? hit.down + ' ports DOWN' : hit.degraded + ' degraded';
    const width = 12 + text.length * 6.6;
    g.append(s('g', { class: 'badge' + (hit.down ? '' : ' degraded'), 'data-testid': 'affected-badge', transform: 'translate(' + (NODE_W - width + 6) + ',' + (NODE_H - 9) + ')' },
      s('rect', { width, height: 18, rx: 9 }), s('text', { x: 6, y: 13, text })));
  }
  return g;
}
function hostGroupSVG(leaf, x, y, model) {
  const hosts = [...(model.hostsByLeaf.get(leaf) || [])];
  const counts = { down: 0, degraded: 0, maint: 0 };
  for (const host of hosts) { const st = model.status('host', host); if (counts[st] !== undefined) counts[st]++; }
  const status = counts.down ? 'down' : counts.degraded ? 'degraded' : counts.maint ? 'maint' : 'ok';
  const open = S.expanded.has(leaf);
  const label = hosts.length + ' host' + (hosts.length === 1 ? '' : 's');
  const detail = counts.down ? counts.down + ' DOWN' : counts.degraded ? counts.degraded + ' DEGRADED' : counts.maint ? counts.maint + ' MAINT' : 'all OK';
  const toggle = () => { if (open) S.expanded.delete(leaf); else S.expanded.add(leaf); drawFabric(); };
  return s('g', {
    class: 'node ' + status, tabindex: 0, role: 'button', 'aria-expanded': open ? 'true' : 'false', 'data-hosts-of': leaf,
    'aria-label': 'Hosts of ' + leaf + ': ' + label + ', ' + detail + (open ? ', expanded' : ', collapsed'),
    transform: 'translate(' + x + ',' + y + ')', onclick: toggle,
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } },
  }, s('rect', { width: NODE_W, height: 40, rx: 6 }),
  s('text', { class: 'name', x: 8, y: 16, text: (open ? '▾ ' : '▸ ') + label }),
  s('text', { class: 'status', x: 8, y: 32, text: detail }));
}
function drawHostGroups(model, container) {
  const groups = [...S.expanded].filter((leaf) => model.hostsByLeaf.has(leaf)).sort();
  if (model.unattached.length && S.expanded.has('(unattached)')) groups.push('(unattached)');
  const cards = groups.map((leaf) => {
    const hosts = leaf === '(unattached)' ? model.unattached : [...model.hostsByLeaf.get(leaf)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    return h('div', { class: 'card', 'data-host-group': leaf }, h('h2', { text: 'Hosts of ' + leaf }),
      h('div', { class: 'hosts' }, hosts.map((host) => {
        const status = model.status('host', host);
        const vs = model.status('vswitch', host);
        const hit = model.affected.get(key('host', host));
        return h('button', { type: 'button', class: 'host ' + status, 'data-resource': key('host', host), 'data-status': status, onclick: () => select('host', host) },
          h('span', { class: 'hn', text: host }),
          h('span', { class: 'hs', text: stateText(status) + ' · vswitch ' + (vs === 'down' ? 'DOWN' : 'ok') + (hit && hit.down ? ' · ' + hit.down + ' ports DOWN' : '') }));
      })));
  });
  if (model.unattached.length && !S.expanded.has('(unattached)')) {
    cards.push(h('p', {}, h('button', { class: 'link', type: 'button', onclick: () => { S.expanded.add('(unattached)'); drawFabric(); } },
      model.unattached.length + ' host(s) without cabling')));
  }
  container.append(...cards);
}
function select(type, id) {
  S.selected = { type, id };
  drawFabric();
  const panel = $('selection');
  if (panel) panel.focus();
}
async function drawSelection(model) {
  const { type, id } = S.selected;
  const status = model.status(type, id);
  const faults = S.faults.filter((f) => f.resource_id === id || f.resource_id.startsWith(id + ':'));
  const inMaintenance = S.maintenance.some((m) => m.resource_type === type && m.resource_id === id);
  const panel = h('div', { class: 'card', id: 'selection', tabindex: -1, 'data-testid': 'selection' },
    h('h2', {}, type + ' ' + id + ' ', h('span', { class: 'state ' + stateClass(status), text: stateText(status) })),
    faults.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Resource', 'Source', 'Since', 'Reason'].map((t) => h('th', { text: t })))),
      h('tbody', {}, faults.map((f) => h('tr', {}, h('td', { class: 'mono', text: key(f.resource_type, f.resource_id) }), h('td', { text: f.source }),
        h('td', { text: age(f.since) }), h('td', { text: f.reason || '-' }))))) : h('p', { class: 'muted', text: 'No active fault here.' }),
    h('div', { class: 'inline' },
      h('button', { class: 'secondary', type: 'button', onclick: () => { location.hash = 'blast/' + type + ':' + id; } }, 'Blast radius'),
      can('what_if') ? h('button', { class: 'secondary', type: 'button', 'data-testid': 'simulate-down',
        onclick: () => { S.steps = [{ kind: 'event', type, id, state: 'down' }]; location.hash = 'whatif/run'; } }, 'Simulate taking ' + id + ' down') : null,
      can('maintenance') && (type === 'switch' || type === 'host') ? h('button', { class: inMaintenance ? 'secondary' : 'danger', type: 'button',
        onclick: () => setMaintenance(type, id, !inMaintenance) }, inMaintenance ? 'End maintenance' : 'Start maintenance') : null));
  $('fabric-details').prepend(panel);
}
async function setMaintenance(type, id, active) {
  try {
    await api('PUT', '/v2.0/topology/maintenance', { maintenance: { resource_type: type, resource_id: id, active } });
    toast((active ? 'Maintenance started on ' : 'Maintenance ended on ') + type + ' ' + id);
    scheduleRefresh();
  } catch (e) { toast(e.message); }
}
function age(since) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min ago';
  return Math.floor(seconds / 86400) + ' days ago';
}

// ------------------------------------------------------------------ blast radius
function renderBlast(arg) {
  const view = $('view');
  let resource = null;
  if (arg && arg.includes(':')) {
    const at = arg.indexOf(':');
    resource = { type: arg.slice(0, at), id: arg.slice(at + 1) };
  }
  const results = h('div', { id: 'blast-results' });
  const form = h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); runBlast({ type: $('br-type').value, id: $('br-id').value.trim() }, true); } },
    resourcePicker('br', resource ? resource.type : 'switch', resource ? resource.id : ''), h('button', { class: 'primary', type: 'submit' }, 'Show blast radius'));
  const faultList = h('div', { id: 'blast-faults' });
  view.replaceChildren(h('div', { class: 'card' }, h('h1', { text: 'Blast radius' }),
    h('p', { class: 'muted', text: 'Pick an active fault, or any resource, to see the ports whose path depends on it.' }), faultList, form), results);
  api('GET', '/v2.0/data-plane-faults').then((answer) => {
    faultList.replaceChildren(h('div', { class: 'inline' },
      h('button', { class: 'secondary', type: 'button', onclick: () => runBlast(null, true) }, 'All active faults'),
      answer.faults.map((f) => h('button', { class: 'secondary', type: 'button', onclick: () => runBlast({ type: f.resource_type, id: f.resource_id }, true) },
        key(f.resource_type, f.resource_id) + ' (' + f.source + ')'))));
  }).catch((e) => faultList.replaceChildren(h('p', { class: 'error', text: e.message })));
  if (resource) runBlast(resource, false);
  else runBlast(null, false);
}
async function runBlast(resource, focus) {
  const query = resource ? '?resource_type=' + encodeURIComponent(resource.type) + '&resource_id=' + encodeURIComponent(resource.id) : '';
  const results = $('blast-results');
  if (!results) return;
  try {
    const answer = await api('GET', '/v2.0/data-plane-blast-radius' + query);
    S.blast = { resource, impact: answer.blast_radius };
    results.replaceChildren(h('div', { class: 'card', tabindex: -1, id: 'blast-card' },
      h('h2', { text: resource ? 'Ports depending on ' + key(resource.type, resource.id) : 'Ports the active faults reach' }),
      impactBody(answer.blast_radius, false)));
    if (focus) $('blast-card').focus();
  } catch (e) {
    results.replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
  }
}

// ------------------------------------------------------------------ ports
function renderPorts(arg) {
  const view = $('view');
  const results = h('div', { id: 'port-results' });
  const detail = h('div', { id: 'port-detail' });
  view.replaceChildren(h('div', { class: 'card' }, h('h1', { text: 'Ports' }),
    h('form', { class: 'inline', role: 'search', onsubmit: (e) => { e.preventDefault(); S.portQuery = $('port-q').value.trim(); searchPorts(); } },
      h('div', { class: 'grow' }, h('label', { for: 'port-q', text: 'Search by port id, name, host or instance (device_id); empty lists your ports' }),
        h('input', { id: 'port-q', value: S.portQuery, autocomplete: 'off' })),
      h('button', { class: 'primary', type: 'submit' }, 'Search'))),
  h('div', { class: 'row' }, h('div', { class: 'grow' }, results), h('div', { class: 'grow' }, detail)));
  searchPorts();
  if (arg) openPort(arg);
}
async function searchPorts() {
  const q = S.portQuery;
  const generation = S.portSearches = (S.portSearches || 0) + 1;
  const fields = '&fields=id&fields=name&fields=project_id&fields=device_id&fields=binding:host_id&fields=status&fields=data_plane_status';
  let ports;
  try {
    if (!q) {
      ports = (await api('GET', '/v2.0/ports?limit=200' + fields)).ports;
    } else {
      const e = encodeURIComponent(q);
      const answers = await Promise.all(['id', 'name', 'binding:host_id', 'device_id'].map((f) =>
        api('GET', '/v2.0/ports?' + f + '=' + e + fields).catch(() => ({ ports: [] }))));
      const seen = new Map();
      for (const a of answers) for (const p of a.ports) seen.set(p.id, p);
      ports = [...seen.values()];
    }
  } catch (e) {
    $('port-results').replaceChildren(h('p', { class: 'error', text: e.message }));
    return;
  }
  if (generation !== S.portSearches) return;
  S.portResults = ports;
  drawPortResults();
}
async function refreshPorts() {
  await searchPorts();
  if (S.portDetail) await openPort(S.portDetail, true);
}
function drawPortResults() {
  const ports = S.portResults || [];
  const container = $('port-results');
  if (!container) return;
  const signature = JSON.stringify([ports, S.portDetail]);
  if (signature === container.dataset.drawn) return;
  container.dataset.drawn = signature;
  container.replaceChildren(h('div', { class: 'card' }, h('h2', { text: ports.length + ' port(s)' }),
    ports.length ? h('table', { 'data-testid': 'port-list' }, h('thead', {}, h('tr', {}, ['Port', 'Project', 'Host', 'Data plane'].map((t) => h('th', { text: t })))),
      h('tbody', {}, ports.map((p) => h('tr', { 'data-port': p.id, class: S.portDetail === p.id ? 'sel' : null },
        h('td', {}, h('button', { class: 'link', type: 'button', onclick: () => { location.hash = 'ports/' + p.id; } }, p.name || p.id)),
        h('td', { class: 'mono', text: p.project_id }), h('td', { text: p['binding:host_id'] || '-' }),
        h('td', {}, h('span', { class: 'state ' + stateClass((p.data_plane_status || '').toLowerCase()), text: p.data_plane_status || 'not set' })))))) : h('p', { class: 'muted', text: 'No port matches.' })));
}
async function openPort(id, quiet) {
  S.portDetail = id;
  const detail = $('port-detail');
  if (!detail) return;
  try {
    const [port, dataPlane, history] = await Promise.all([
      api('GET', '/v2.0/ports/' + encodeURIComponent(id)), api('GET', '/v2.0/ports/' + encodeURIComponent(id) + '/data-plane'),
      api('GET', '/v2.0/ports/' + encodeURIComponent(id) + '/data-plane-history?limit=50')]);
    const p = port.port, dp = dataPlane.data_plane;
    const card = h('div', { class: 'card', id: 'port-card', tabindex: -1, 'data-testid': 'port-detail' },
      h('h2', {}, (p.name || p.id) + ' ', h('span', { class: 'state ' + stateClass(dp.state), text: stateText(dp.state || 'unknown') })),
      h('dl', { class: 'kv' },
        kv('id', p.id), kv('project', p.project_id), kv('network', p.network_id), kv('instance (device_id)', p.device_id || '-'),
        p['binding:host_id'] !== undefined ? kv('host', p['binding:host_id'] || '-') : null,
        kv('data_plane_status', p.data_plane_status || 'not set'), kv('manual override', dp.manual_override || 'none'),
        kv('correlated state', dp.state || 'unknown'),
        kv('root cause', (dp.root_cause || []).map((r) => key(r.resource_type, r.resource_id)).join(', ') || '-')),
      dp.faults && dp.faults.length ? [h('h3', { text: 'Faults on its path' }), h('ul', {}, dp.faults.map((f) => h('li', {}, key(f.resource_type, f.resource_id) + ' — ' + f.source + ', ' + age(f.since) + (f.reason ? ': ' + f.reason : ''))))] : null,
      h('h3', { text: 'Path tree' }),
      dp.path ? h('ul', { class: 'tree', role: 'tree', 'data-testid': 'path-tree' }, pathNode(dp.path)) : h('p', { class: 'muted', text: 'Not attached to the modelled fabric.' }),
      h('h3', { text: 'History' }),
      history.history.length ? h('table', { 'data-testid': 'history' }, h('thead', {}, h('tr', {}, ['When', 'Change', 'data_plane_status', 'Why'].map((t) => h('th', { text: t })))),
        h('tbody', {}, history.history.map((entry) => h('tr', {}, h('td', { text: entry.decided_at || '-' }),
          h('td', { text: (entry.previous || 'unknown') + ' → ' + (entry.current || 'unknown') }), h('td', { text: entry.data_plane_status || 'null' }),
          h('td', { class: 'mono', text: describeCause(entry.cause) }))))) : h('p', { class: 'muted', text: 'No data-plane change recorded.' }));
    const signature = JSON.stringify([port, dataPlane, history]);
    if (quiet && signature === detail.dataset.drawn) return;
    detail.dataset.drawn = signature;
    detail.replaceChildren(card);
    drawPortResults();
    if (!quiet) card.focus();
  } catch (e) {
    detail.replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
  }
}
function kv(k, v) { return [h('dt', { text: k }), h('dd', { class: 'mono', text: v })]; }
function describeCause(cause) {
  if (!cause) return '-';
  const trigger = cause.trigger ? (typeof cause.trigger === 'string' ? cause.trigger : Object.keys(cause.trigger)[0]) : '';
  const roots = (cause.rootCause || cause.root_cause || []).map((r) => (r.kind || r.resource_type) + ' ' + (r.id || r.resource_id));
  return [trigger, roots.join(', ')].filter(Boolean).join(': ') || JSON.stringify(cause).slice(0, 120);
}
function pathNode(node) {
  const state = node.state;
  const mark = state === 'down' ? '✕ FAILED' : state === 'degraded' ? '! DEGRADED' : '✓ ok';
  let label;
  if (node.type === 'resource') {
    label = [h('span', { class: 'mono', text: key(node.resource_type, node.resource_id) }), node.in_maintenance ? h('span', { class: 'state maint', text: 'MAINTENANCE' }) : null];
  } else {
    label = h('span', { class: 'op', text: node.type === 'any_of' ? 'ANY OF (one is enough)' : 'ALL OF (each needed)' });
  }
  return h('li', { role: 'treeitem', 'aria-expanded': node.children ? 'true' : null, 'data-state': state },
    h('span', { class: 'node-label ' + stateClass(state) }, label, h('span', { class: 'state ' + stateClass(state), text: mark })),
    node.children ? h('ul', { role: 'group' }, node.children.map(pathNode)) : null);
}

// ------------------------------------------------------------------ faults and maintenance
async function renderFaults() {
  $('view').replaceChildren(h('p', { class: 'muted', text: 'Loading…' }));
  try { if (!(await loadFabricState())) return; } catch (e) { $('view').replaceChildren(h('p', { class: 'error', text: e.message })); return; }
  drawFaults();
}
function drawFaults() {
  if (S.view !== 'faults') return;
  const bySource = new Map();
  for (const f of S.faults) { if (!bySource.has(f.source)) bySource.set(f.source, []); bySource.get(f.source).push(f); }
  const faultCards = [...bySource.entries()].sort().map(([source, faults]) => h('div', { class: 'card', 'data-source': source },
    h('h2', { text: 'Source: ' + source + ' (' + faults.length + ')' }),
    h('table', {}, h('thead', {}, h('tr', {}, ['Resource', 'Severity', 'Since', 'Age', 'Reason'].map((t) => h('th', { text: t })))),
      h('tbody', {}, faults.map((f) => h('tr', {}, h('td', { class: 'mono' }, h('button', { class: 'link', type: 'button', onclick: () => { location.hash = 'blast/' + f.resource_type + ':' + f.resource_id; } }, key(f.resource_type, f.resource_id))),
        h('td', { text: f.severity }), h('td', { text: f.since }), h('td', { text: age(f.since) }), h('td', { text: f.reason || '-' })))))));
  const maintenance = h('div', { class: 'card' }, h('h2', { text: 'Maintenance' }),
    S.maintenance.length ? h('table', { 'data-testid': 'maintenance' }, h('thead', {}, h('tr', {}, ['Resource', 'Since', 'Source', ''].map((t) => h('th', { text: t })))),
      h('tbody', {}, S.maintenance.map((m) => h('tr', {}, h('td', { class: 'mono', text: key(m.resource_type, m.resource_id) }), h('td', { text: age(m.since) }),
        h('td', { text: m.source }), h('td', {}, can('maintenance') ? h('button', { class: 'secondary', type: 'button', onclick: () => setMaintenance(m.resource_type, m.resource_id, false) }, 'End maintenance') : null)))))
      : h('p', { class: 'muted', text: 'Nothing is in maintenance.' }),
    can('maintenance') ? h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); setMaintenance($('mt-type').value, $('mt-id').value.trim(), true); } },
      h('div', {}, h('label', { for: 'mt-type', text: 'Type' }), h('select', { id: 'mt-type' }, h('option', { value: 'switch' }, 'switch'), h('option', { value: 'host' }, 'host'))),
      h('div', {}, h('label', { for: 'mt-id', text: 'Id' }), h('input', { id: 'mt-id', placeholder: 'e.g. leaf-a1' })),
      h('button', { class: 'danger', type: 'submit' }, 'Start maintenance')) : null);
  $('view').replaceChildren(h('h1', { text: 'Active faults (' + S.faults.length + ')' }),
    ...(faultCards.length ? faultCards : [h('div', { class: 'card' }, h('p', { class: 'muted', text: 'No active fault.' }))]), maintenance);
}

// ------------------------------------------------------------------ what-if
function renderWhatIf(arg) {
  const view = $('view');
  const steps = h('ol', { class: 'steps', id: 'wi-steps' });
  const form = h('form', { class: 'inline', onsubmit: (e) => {
    e.preventDefault();
    const action = $('wi-action').value;
    const step = { type: $('wi-type').value, id: $('wi-id').value.trim() };
    if (!step.id) return;
    if (action === 'down' || action === 'up') S.steps.push({ kind: 'event', state: action, ...step });
    else S.steps.push({ kind: 'maintenance', active: action === 'maintenance-start', ...step });
    drawSteps();
  } }, resourcePicker('wi', 'switch', ''),
  h('div', {}, h('label', { for: 'wi-action', text: 'What happens' }), h('select', { id: 'wi-action' },
    h('option', { value: 'down' }, 'goes down'), h('option', { value: 'up' }, 'comes back up'),
    h('option', { value: 'maintenance-start' }, 'enters maintenance'), h('option', { value: 'maintenance-end' }, 'leaves maintenance'))),
  h('button', { class: 'secondary', type: 'submit' }, 'Add to scenario'));
  view.replaceChildren(h('div', { class: 'card' }, h('h1', { text: 'What-if' }),
    h('p', { class: 'muted', text: 'Ask which ports would go DOWN, be degraded or come back — computed by the correlation engine on a copy of the current state. Nothing is applied.' }),
    form, h('h3', { text: 'Scenario' }), steps,
    h('div', { class: 'inline' }, h('button', { class: 'primary', type: 'button', id: 'wi-run', onclick: runWhatIf }, 'Simulate'),
      h('button', { class: 'link', type: 'button', onclick: () => { S.steps = []; drawSteps(); } }, 'Clear'))),
  h('div', { id: 'wi-results' }));
  drawSteps();
  if (arg === 'run' && S.steps.length) runWhatIf();
}
function drawSteps() {
  const list = $('wi-steps');
  if (!list) return;
  list.replaceChildren(...(S.steps.length ? S.steps.map((step) => h('li', {}, step.kind === 'event'
    ? key(step.type, step.id) + (step.state === 'down' ? ' goes down' : ' comes back up')
    : key(step.type, step.id) + (step.active ? ' enters maintenance' : ' leaves maintenance'))) : [h('li', { class: 'muted', text: 'Add a step above.' })]));
}
async function runWhatIf() {
  const results = $('wi-results');
  const events = S.steps.filter((x) => x.kind === 'event').map((x) => ({ resource_type: x.type, resource_id: x.id, state: x.state, source: 'what-if' }));
  const maintenance = S.steps.filter((x) => x.kind === 'maintenance').map((x) => ({ resource_type: x.type, resource_id: x.id, active: x.active }));
  const body = {};
  if (events.length) body.events = events;
  if (maintenance.length) body.maintenance = maintenance;
  try {
    const answer = await api('POST', '/v2.0/data-plane-what-if', body);
    S.whatIf = answer.what_if;
    results.replaceChildren(h('div', { class: 'card', id: 'wi-card', tabindex: -1, 'data-testid': 'what-if-result' },
      h('h2', { text: 'Prediction' }), impactBody(answer.what_if, true)));
    $('wi-card').focus();
  } catch (e) {
    results.replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
  }
}

document.addEventListener('DOMContentLoaded', boot);
"""#
}
