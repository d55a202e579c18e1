/**
 * The dashboard's single page: static HTML with the stylesheet inlined (tsc emits only .js,
 * so CSS as a file would not be built), and the script as modules from {@link PAGE_SCRIPT_PATH}.
 * @module
 */
import { PAGE_SCRIPT_PATH } from './page-script.js';
import { PAGE_CSS } from './page-style.js';

/** The whole page, served at `/`. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zk-elect dashboard</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
  <div class="brand"><span class="logo">⬢</span>zk-elect <span id="mode" class="mode">…</span></div>
  <div id="summary">Connecting…</div>
  <div class="conn"><code id="cs"></code><span id="live" class="dot"></span><span id="live-text">connecting…</span></div>
</header>
<div id="banner"></div>
<main>
  <section class="col">
    <div class="panel">
      <h2>ZooKeeper ensemble</h2>
      <p class="hint">Role and health from <code>srvr</code>, every second.</p>
      <div id="servers"></div>
    </div>
    <div class="panel grow">
      <h2>Service registry <small id="registry-path"></small></h2>
      <p class="hint">Workers register their address; the leader leaves the registry.</p>
      <div id="registry" class="scroll"></div>
    </div>
    <div class="panel grow">
      <h2>Named services <small id="base-path"></small></h2>
      <p class="hint">Curator x-discovery instances, <code>&lt;service&gt;/&lt;id&gt;</code>: what Java services on Curator see.</p>
      <div id="services" class="scroll"></div>
    </div>
  </section>
  <section class="col">
    <div class="panel grow">
      <div class="panel-head"><h2>Election <small id="election-path"></small></h2><span class="legend"><i class="sw leader"></i>leader <i class="sw follower"></i>follower <i class="sw dead"></i>down</span></div>
      <div id="toolbar" class="toolbar"></div>
      <p class="hint">The smallest znode leads; every other candidate watches only its predecessor, so a failure wakes one node.</p>
      <div id="chain" class="scroll"></div>
    </div>
  </section>
  <section class="col">
    <div class="panel grow">
      <h2>Timeline</h2>
      <div id="stats" class="stats"></div>
      <p id="measure" class="hint"></p>
      <div class="scroll"><ol id="timeline"></ol></div>
    </div>
  </section>
</main>
<div id="toast"></div>
<script type="module" src="${PAGE_SCRIPT_PATH}main.js"></script>
</body>
</html>
`;
