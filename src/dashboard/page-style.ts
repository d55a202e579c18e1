/**
 * The dashboard page's stylesheet: a dark, three-column layout sized for a 1280×800 laptop
 * screen, with one colour per state (leader green, follower blue, down red, warning amber).
 * @module
 */

/** The CSS, inlined into the page. */
export const PAGE_CSS = String.raw`
:root {
  --bg: #0b1020; --panel: #121a2f; --panel2: #18223b; --line: #26324f; --text: #e6eaf5; --muted: #8d97b5;
  --leader: #22c55e; --leader-bg: rgba(34,197,94,.12); --follower: #60a5fa; --follower-bg: rgba(96,165,250,.10);
  --down: #f87171; --down-bg: rgba(248,113,113,.12); --warn: #fbbf24; --warn-bg: rgba(251,191,36,.12);
  --action: #c084fc; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  display: flex; flex-direction: column; min-width: 1000px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
button { font: inherit; font-size: 12.5px; color: var(--text); background: var(--panel2); border: 1px solid var(--line);
  border-radius: 7px; padding: 4px 10px; cursor: pointer; white-space: nowrap; }
button:hover:not(:disabled) { border-color: #3b4a72; background: #1f2b49; }
button:disabled { opacity: .45; cursor: default; }
button.danger { border-color: rgba(248,113,113,.45); color: #fecaca; }
button.danger:hover:not(:disabled) { background: rgba(248,113,113,.18); }
button.primary { border-color: rgba(34,197,94,.5); color: #bbf7d0; }
button.primary:hover:not(:disabled) { background: rgba(34,197,94,.16); }
button.big { padding: 7px 14px; font-size: 13.5px; font-weight: 600; }

header { display: flex; align-items: center; gap: 18px; padding: 10px 20px; border-bottom: 1px solid var(--line); background: #0e1428; }
.brand { font-size: 18px; font-weight: 700; letter-spacing: .2px; display: flex; align-items: center; gap: 10px; }
.brand .logo { color: var(--leader); font-size: 20px; }
.mode { font-size: 11px; font-weight: 700; letter-spacing: .8px; padding: 2px 8px; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.mode.demo { color: #e9d5ff; border-color: rgba(192,132,252,.5); background: rgba(192,132,252,.12); }
#summary { flex: 1; min-width: 0; font-size: 15px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#cs { max-width: 340px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#summary b { color: var(--leader); }
.conn { display: flex; align-items: center; gap: 8px; color: var(--muted); font-size: 13px; }
.dot { width: 9px; height: 9px; border-radius: 50%; background: var(--muted); display: inline-block; flex: none; }
.dot.ok { background: var(--leader); box-shadow: 0 0 0 3px rgba(34,197,94,.18); }
.dot.bad { background: var(--down); box-shadow: 0 0 0 3px rgba(248,113,113,.18); }
.dot.warn { background: var(--warn); }
#banner { display: none; padding: 7px 20px; background: var(--warn-bg); color: var(--warn); border-bottom: 1px solid rgba(251,191,36,.3); }
#banner.show { display: block; }

main { flex: 1; min-height: 0; display: grid; grid-template-columns: 320px minmax(420px, 1fr) 390px; gap: 14px; padding: 14px 20px 16px; }
.col { min-height: 0; display: flex; flex-direction: column; gap: 14px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; min-height: 0; display: flex; flex-direction: column; }
.panel.grow { flex: 1; }
.panel-head { display: flex; align-items: center; justify-content: space-between; gap: 10px; margin-bottom: 6px; }
h2 { white-space: nowrap; margin: 0; font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: .9px; color: #c7cde0; }
h2 small { text-transform: none; letter-spacing: 0; font-weight: 500; color: var(--muted); font-family: var(--mono); margin-left: 6px; }
.hint { margin: 2px 0 10px; color: var(--muted); font-size: 12.5px; }
.scroll { overflow-y: auto; min-height: 0; flex: 1; padding-right: 2px; }
.empty { color: var(--muted); font-style: italic; padding: 8px 0; }

.server { border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 9px; padding: 8px 10px; margin-top: 8px; background: var(--panel2); }
.server.leader, .server.standalone { border-left-color: var(--leader); }
.server.follower, .server.observer { border-left-color: var(--follower); }
.server.down { border-left-color: var(--down); background: var(--down-bg); }
.server.not-serving { border-left-color: var(--warn); background: var(--warn-bg); }
.server { display: flex; align-items: center; gap: 10px; }
.srv-main { flex: 1; min-width: 0; }
.srv-head { display: flex; align-items: center; gap: 8px; font-weight: 600; }
.srv-meta { color: var(--muted); font-size: 11.5px; margin-top: 1px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.srv-actions { display: flex; flex-direction: column; gap: 6px; flex: none; }
.pill { font-size: 10.5px; font-weight: 800; letter-spacing: .7px; padding: 1px 7px; border-radius: 999px; text-transform: uppercase; border: 1px solid; }
.pill.leader, .pill.standalone { color: var(--leader); border-color: rgba(34,197,94,.5); background: var(--leader-bg); }
.pill.follower, .pill.observer { color: var(--follower); border-color: rgba(96,165,250,.45); background: var(--follower-bg); }
.pill.down { color: var(--down); border-color: rgba(248,113,113,.5); background: var(--down-bg); }
.pill.warn, .pill.not-serving, .pill.suspended { color: var(--warn); border-color: rgba(251,191,36,.5); background: var(--warn-bg); }
.pill.muted { color: var(--muted); border-color: var(--line); }

.reg { display: flex; align-items: baseline; gap: 8px; padding: 5px 0; border-bottom: 1px dashed var(--line); font-size: 13px; }
.reg:last-child { border-bottom: 0; }
.reg .who { margin-left: auto; color: var(--follower); font-weight: 600; font-size: 12.5px; }
.svc { padding: 4px 0 6px; }
.svc-name { display: flex; align-items: baseline; gap: 8px; font-size: 13.5px; }
.svc-name .who { margin-left: auto; color: var(--muted); font-size: 12px; }
.svc .reg { padding-left: 12px; }
.svc .reg.dead { opacity: .55; }

.toolbar { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 4px 0 2px; }
.toolbar .note { color: var(--muted); font-size: 12.5px; font-style: italic; }
.legend { color: var(--muted); font-size: 12px; display: flex; align-items: center; gap: 5px; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-left: 6px; }
.sw.leader { background: var(--leader); } .sw.follower { background: var(--follower); } .sw.dead { background: var(--down); }
.cand { display: flex; align-items: center; gap: 12px; border: 1px solid var(--line); border-left: 5px solid var(--follower); border-radius: 10px;
  padding: 9px 12px; background: var(--panel2); transition: background .3s; }
.cand.leader { border-left-color: var(--leader); background: linear-gradient(90deg, rgba(34,197,94,.16), var(--panel2) 60%); border-color: rgba(34,197,94,.45); }
.cand.dead { border-left-color: var(--down); background: var(--down-bg); border-color: rgba(248,113,113,.4); }
.cand.fresh { animation: flash 1.6s ease-out; }
@keyframes flash { from { box-shadow: 0 0 0 4px rgba(34,197,94,.55); } to { box-shadow: 0 0 0 0 rgba(34,197,94,0); } }
.cand .pos { width: 30px; height: 30px; border-radius: 50%; display: grid; place-items: center; font-weight: 800; font-size: 13px;
  background: var(--follower-bg); color: var(--follower); flex: none; }
.cand.leader .pos { background: var(--leader-bg); color: var(--leader); font-size: 15px; }
.cand.dead .pos { background: var(--down-bg); color: var(--down); }
.cand .body { flex: 1; min-width: 0; }
.cand .l1 { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.cand .name { font-weight: 700; font-size: 14.5px; }
.cand .l2 { color: var(--muted); font-size: 12px; margin-top: 1px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cand .l3 { color: var(--down); font-size: 12px; margin-top: 2px; }
.cand .l3.run { color: var(--muted); }
.cand .l3.run code { color: var(--text); }
.cand .acts { display: flex; gap: 6px; flex: none; }
.link { display: flex; align-items: center; gap: 8px; height: 26px; padding-left: 26px; color: var(--muted); font-size: 12px; }
.link .arrow { color: var(--follower); font-size: 15px; line-height: 1; }
.pending { margin-top: 12px; display: flex; flex-direction: column; gap: 6px; }
.cand.starting { border-left-color: var(--muted); opacity: .75; }
.cand.starting .pos { background: rgba(141,151,181,.15); color: var(--muted); }
.gone { margin-top: 12px; color: var(--muted); font-size: 12px; }

.stats { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin: 8px 0 6px; }
.stat { background: var(--panel2); border: 1px solid var(--line); border-radius: 9px; padding: 7px 10px; }
.stat .k { color: var(--muted); font-size: 11.5px; }
.stat .v { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.stat .n { font-size: 11.5px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#timeline { list-style: none; margin: 0; padding: 0; }
.entry { display: grid; grid-template-columns: 80px 1fr auto; gap: 8px; align-items: baseline; padding: 4px 4px 4px 8px; border-left: 3px solid var(--line); margin-bottom: 3px; font-size: 12.5px; line-height: 1.4; border-radius: 0 6px 6px 0; }
.entry .t { color: var(--muted); font-family: var(--mono); font-size: 11.5px; }
.entry.failover { border-left-color: var(--leader); background: var(--leader-bg); }
.entry.election { border-left-color: var(--leader); }
.entry.action { border-left-color: var(--action); }
.entry.action .txt { color: #ead7ff; }
.entry.warning { border-left-color: var(--warn); }
.entry.warning .txt { color: #fde68a; }
.entry.server { border-left-color: var(--follower); }
.entry.info .txt, .entry.node .txt { color: #c3c9dc; }
.dur { font-weight: 800; color: var(--leader); font-variant-numeric: tabular-nums; white-space: nowrap; }

#toast { position: fixed; left: 50%; bottom: 22px; transform: translateX(-50%) translateY(20px); opacity: 0; transition: all .25s;
  background: #1d2744; border: 1px solid var(--line); padding: 9px 16px; border-radius: 10px; max-width: 720px; pointer-events: none; box-shadow: 0 10px 30px rgba(0,0,0,.4); }
#toast.show { opacity: 1; transform: translateX(-50%) translateY(0); }
#toast.error { border-color: rgba(248,113,113,.6); color: #fecaca; }
`;
