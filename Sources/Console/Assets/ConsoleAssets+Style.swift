// The asset itself, as served: edit it here (no build step turns another file into this one).
extension ConsoleAssets {
    /// The console's style sheet: colours come with text and pattern cues, never colour alone.
    static let style = #"""
:root {
  --bg: #f4f6f9; --panel: #ffffff; --ink: #1d2733; --muted: #5b6b7c; --line: #d8dee6;
  --brand: #1f4e79; --brand-ink: #ffffff; --focus: #1a73e8;
  --down: #c62828; --down-bg: #fdecea; --degraded: #b26a00; --degraded-bg: #fff4e0;
  --maint: #5f6b76; --maint-bg: #eceff1; --ok: #2e7d32; --ok-bg: #e8f5e9;
  font-family: "DejaVu Sans", "Segoe UI", system-ui, sans-serif; font-size: 14px; color: var(--ink);
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); }
button, input, select { font: inherit; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 6px; z-index: 10; }
.skip:focus { left: 8px; }
.bar { display: flex; align-items: center; gap: 18px; background: var(--brand); color: var(--brand-ink);
  padding: 0 18px; height: 52px; box-shadow: 0 1px 3px rgba(0,0,0,.25); }
.brand { font-weight: 700; font-size: 17px; letter-spacing: .2px; display: flex; align-items: center; gap: 8px; white-space: nowrap; }
.brand .sub { font-weight: 400; opacity: .8; font-size: 13px; }
.logo { width: 18px; height: 18px; border-radius: 4px; background: linear-gradient(135deg, #8fd3ff, #ffffff); display: inline-block; }
nav.tabs { display: flex; gap: 2px; height: 100%; flex: 1; }
nav.tabs button { background: transparent; color: #dce8f5; border: 0; padding: 0 14px; height: 100%; cursor: pointer;
  border-bottom: 3px solid transparent; }
nav.tabs button[aria-selected="true"] { color: #fff; border-bottom-color: #8fd3ff; font-weight: 600; }
nav.tabs button:hover { color: #fff; }
.who { display: flex; align-items: center; gap: 12px; font-size: 13px; white-space: nowrap; }
.live { padding: 2px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.live.on { background: #d7f5dd; color: #14532d; }
.live.off { background: #ffe1de; color: #7f1d1d; }
.ghost { background: transparent; border: 1px solid rgba(255,255,255,.5); color: #fff; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
main { padding: 18px; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .4px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.muted { color: var(--muted); }
.error { color: var(--down); font-weight: 600; min-height: 1.2em; }
.row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.grow { flex: 1; min-width: 320px; }
.side { width: 360px; }
label { display: block; margin: 8px 0 4px; font-weight: 600; font-size: 13px; }
input, select { border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; background: #fff; }
input[type=text], input[type=password], input:not([type]) { width: 100%; }
.inline { display: flex; gap: 8px; align-items: flex-end; flex-wrap: wrap; }
.inline label { margin: 0 0 4px; }
.inline > div { display: flex; flex-direction: column; }
button.primary, button.secondary, button.danger { border-radius: 4px; padding: 7px 14px; cursor: pointer; border: 1px solid transparent; }
button.primary { background: var(--brand); color: #fff; }
button.secondary { background: #fff; color: var(--brand); border-color: var(--brand); }
button.danger { background: #fff; color: var(--down); border-color: var(--down); }
button.link { background: none; border: 0; color: var(--brand); text-decoration: underline; cursor: pointer; padding: 0; }
.login { display: flex; justify-content: center; padding-top: 40px; }
.login-card { width: 380px; }
.login-card button.primary { width: 100%; margin-top: 14px; }
details { margin-top: 10px; }
.summary { display: flex; gap: 10px; flex-wrap: wrap; margin: 6px 0 12px; }
.chip { border-radius: 14px; padding: 4px 12px; font-weight: 600; border: 1px solid; font-size: 13px; }
.chip.down { color: var(--down); background: var(--down-bg); border-color: var(--down); }
.chip.degraded { color: var(--degraded); background: var(--degraded-bg); border-color: var(--degraded); }
.chip.maint { color: var(--maint); background: var(--maint-bg); border-color: var(--maint); }
.chip.ok, .chip.up { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.state { font-weight: 700; font-size: 12px; letter-spacing: .3px; }
.state.down { color: var(--down); } .state.degraded { color: var(--degraded); } .state.up, .state.ok { color: var(--ok); }
.state.maint { color: var(--maint); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .3px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.sel td { background: #e8f0fb; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
.fabric-wrap { overflow-x: auto; background: #fbfcfd; border: 1px solid var(--line); border-radius: 8px; }
svg.fabric { display: block; }
svg.fabric .tier { font-size: 11px; fill: var(--muted); text-transform: uppercase; letter-spacing: 1px; }
svg.fabric .edge { stroke: #9aa8b6; stroke-width: 1.2; }
svg.fabric .edge.down { stroke: var(--down); stroke-width: 2; stroke-dasharray: 5 3; }
svg.fabric .node > rect { fill: var(--ok-bg); stroke: var(--ok); stroke-width: 1.5; rx: 6; }
svg.fabric .node.down > rect { fill: url(#hatch-down); stroke: var(--down); stroke-width: 2.5; }
svg.fabric .node.degraded > rect { fill: url(#hatch-degraded); stroke: var(--degraded); stroke-width: 2.5; }
svg.fabric .node.maint > rect { fill: var(--maint-bg); stroke: var(--maint); stroke-dasharray: 4 3; }
svg.fabric .node.sel > rect { stroke: var(--focus); stroke-width: 3; }
svg.fabric .node { cursor: pointer; }
svg.fabric .node:focus { outline: none; }
svg.fabric .node:focus > rect { stroke: var(--focus); stroke-width: 3.5; }
svg.fabric .name { font-size: 12px; font-weight: 700; fill: var(--ink); }
svg.fabric .status { font-size: 10px; font-weight: 700; }
svg.fabric .down .status { fill: var(--down); } svg.fabric .degraded .status { fill: var(--degraded); }
svg.fabric .maint .status { fill: var(--maint); } svg.fabric .ok .status { fill: var(--ok); }
svg.fabric .badge rect { fill: var(--down); stroke: none; rx: 9; }
svg.fabric .badge text { fill: #fff; font-size: 10px; font-weight: 700; }
svg.fabric .badge.degraded rect { fill: var(--degraded); }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--muted); margin: 8px 0; flex-wrap: wrap; }
.legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -2px; border: 2px solid; }
.legend .l-ok::before { background: var(--ok-bg); border-color: var(--ok); }
.legend .l-down::before { background: var(--down-bg); border-color: var(--down); }
.legend .l-degraded::before { background: var(--degraded-bg); border-color: var(--degraded); }
.legend .l-maint::before { background: var(--maint-bg); border-color: var(--maint); border-style: dashed; }
.hosts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-top: 8px; }
.host { border: 1.5px solid var(--ok); background: var(--ok-bg); border-radius: 6px; padding: 6px 8px; text-align: left; cursor: pointer; }
.host.down { border-color: var(--down); background: var(--down-bg); border-width: 2.5px; }
.host.degraded { border-color: var(--degraded); background: var(--degraded-bg); border-width: 2.5px; }
.host.maint { border-color: var(--maint); background: var(--maint-bg); border-style: dashed; }
.host .hn { font-weight: 700; display: block; }
.host .hs { font-size: 11px; display: block; }
.tree, .tree ul { list-style: none; margin: 0; padding-left: 18px; }
.tree { padding-left: 0; }
.tree li { margin: 3px 0; }
.tree .node-label { display: inline-flex; gap: 8px; align-items: center; padding: 2px 8px; border-radius: 4px; border-left: 4px solid var(--ok); background: #fff; }
.tree .node-label.down { border-left-color: var(--down); background: var(--down-bg); }
.tree .node-label.degraded { border-left-color: var(--degraded); background: var(--degraded-bg); }
.tree .op { font-weight: 700; font-size: 11px; color: var(--brand); }
.kv { display: grid; grid-template-columns: 170px 1fr; gap: 4px 10px; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; }
.steps li { margin: 4px 0; }
#toast { position: fixed; bottom: 16px; right: 16px; background: #263238; color: #fff; padding: 10px 14px; border-radius: 6px; display: none; max-width: 420px; }
#toast.show { display: block; }
.arrow { color: var(--muted); padding: 0 4px; }
"""#
}
