/**
 * The emulator's debug console page: plain HTML, CSS and JavaScript, no build step, nothing loaded from
 * elsewhere. The script puts every value on the page with `textContent` (never as HTML), and the page is
 * meant to be served with a Content-Security-Policy that runs only these files, so a channel name or event
 * data cannot inject markup or script. The page never receives the app secret: the feed it reads
 * (`/_console/events`, Server-Sent Events `snapshot`, `state`, `log`, `skipped`) carries the app id and key
 * only. Both Effect lines serve these same files.
 *
 * @since 0.1.0
 */

/**
 * The page served at `/`: it loads {@link css} from `/_console/console.css` and {@link js} from
 * `/_console/console.js`.
 *
 * @since 0.1.0
 * @category files
 */
export const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Channels emulator: debug console</title>
<link rel="stylesheet" href="/_console/console.css">
<script src="/_console/console.js" defer></script>
</head>
<body>
<header>
  <h1>Channels emulator</h1>
  <span id="app"></span>
  <span id="status" data-status="connecting">connecting</span>
</header>
<main>
  <section id="state">
    <h2>Connections <span id="connection-count" class="count">0</span></h2>
    <table id="connections">
      <thead><tr><th>socket id</th><th>kind</th><th>user</th><th>channels</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="connections-more" class="more" hidden></p>
    <h2>Channels <span id="channel-count" class="count">0</span></h2>
    <div id="channels"></div>
    <p id="channels-more" class="more" hidden></p>
  </section>
  <section id="activity">
    <h2>Log <span id="log-count" class="count">0</span></h2>
    <div id="controls">
      <input id="filter" type="search" placeholder="filter (channel, event, path...)" autocomplete="off">
      <label><input id="follow" type="checkbox" checked> follow</label>
      <button id="clear" type="button">clear</button>
    </div>
    <ol id="log"></ol>
  </section>
</main>
</body>
</html>
`

/**
 * The page's stylesheet, served at `/_console/console.css`.
 *
 * @since 0.1.0
 * @category files
 */
export const css = `* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1d2330; background: #f4f5f7; }
header { display: flex; gap: 16px; align-items: baseline; padding: 8px 16px; background: #300d4f; color: #fff; }
header h1 { font-size: 16px; margin: 0; }
#app { font-family: ui-monospace, monospace; opacity: .85; }
#status { margin-left: auto; padding: 1px 8px; border-radius: 8px; background: #8a6d00; }
#status[data-status="live"] { background: #1b7f3b; }
main { display: grid; grid-template-columns: minmax(320px, 2fr) 3fr; gap: 12px; padding: 12px; height: calc(100vh - 40px); }
section { background: #fff; border-radius: 6px; padding: 8px 12px; overflow: auto; min-height: 0; }
#activity { display: flex; flex-direction: column; }
h2 { font-size: 14px; margin: 8px 0; }
.count { font-weight: normal; color: #667; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; font-family: ui-monospace, monospace; }
th { font-family: inherit; color: #667; font-weight: 600; }
.channel { border: 1px solid #e3e4e8; border-radius: 4px; padding: 4px 8px; margin: 6px 0; }
.channel-name { font-family: ui-monospace, monospace; font-weight: 600; }
.channel ul { margin: 2px 0 2px 16px; padding: 0; font-family: ui-monospace, monospace; }
.label { color: #667; }
.more { color: #667; font-style: italic; }
#controls { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
#filter { flex: 1; padding: 3px 6px; }
#log { list-style: none; margin: 0; padding: 0; overflow: auto; flex: 1; font-family: ui-monospace, monospace; }
#log li { padding: 3px 4px; border-bottom: 1px solid #eee; }
#log li[hidden] { display: none; }
.time { color: #889; margin-right: 8px; }
.kind { display: inline-block; min-width: 64px; margin-right: 8px; padding: 0 4px; border-radius: 3px; color: #fff; text-align: center; }
.kind-request { background: #3b5bdb; }
.kind-event { background: #2b8a3e; }
.kind-client { background: #c2255c; }
.kind-webhook { background: #e67700; }
.status-error { color: #c92a2a; font-weight: 600; }
.skipped { color: #667; font-style: italic; }
pre { margin: 2px 0 0 0; white-space: pre-wrap; word-break: break-all; color: #445; }
`

/**
 * The page's script, served at `/_console/console.js`: it follows `/_console/events` and renders every value
 * as text.
 *
 * @since 0.1.0
 * @category files
 */
export const js = `"use strict";
(function () {
  var maxRows = 1000;
  var ranks = { request: 0, event: 1, client: 2, webhook: 3 };
  var logList, filterInput, followBox, total = 0;

  function byId(id) { return document.getElementById(id); }

  // Every value goes on the page as text: user input (channel names, event data) is never parsed as HTML.
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function shown(text) {
    if (!text) return "";
    return text.truncated ? text.text + " \\u2026 (truncated)" : text.text;
  }

  function time(ms) {
    var d = new Date(ms);
    function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2) + "." + pad(d.getMilliseconds(), 3);
  }

  function more(id, listed, what) {
    var node = byId(id);
    var hidden = listed.total - listed.shown.length;
    node.hidden = hidden <= 0;
    node.textContent = hidden > 0 ? "and " + hidden + " more " + what : "";
  }

  function renderState(state) {
    var body = byId("connections").tBodies[0];
    body.replaceChildren();
    state.connections.shown.forEach(function (c) {
      var row = el("tr");
      row.dataset.socketId = c.socketId;
      row.append(el("td", "", c.socketId), el("td", "", c.real ? "socket" : "simulated"),
        el("td", "", c.userId === undefined ? "" : c.userId), el("td", "", c.channels));
      body.append(row);
    });
    byId("connection-count").textContent = String(state.connections.total);
    more("connections-more", state.connections, "connections");

    var channels = byId("channels");
    channels.replaceChildren();
    state.channels.shown.forEach(function (ch) {
      var box = el("div", "channel");
      box.dataset.channel = ch.name;
      var title = el("div");
      title.append(el("span", "channel-name", ch.name), el("span", "label", "  " + ch.subscribers.total + " subscribed"));
      box.append(title);
      var subs = el("ul", "subscribers");
      ch.subscribers.shown.forEach(function (id) { subs.append(el("li", "", id)); });
      if (ch.subscribers.total > ch.subscribers.shown.length) subs.append(el("li", "more", "and " + (ch.subscribers.total - ch.subscribers.shown.length) + " more"));
      box.append(subs);
      if (ch.members) {
        box.append(el("div", "label", "members (" + ch.members.total + ")"));
        var list = el("ul", "members");
        ch.members.shown.forEach(function (m) {
          var item = el("li", "member", m.id);
          item.dataset.userId = m.id;
          if (m.info) item.append(el("span", "label", " " + shown(m.info)));
          list.append(item);
        });
        if (ch.members.total > ch.members.shown.length) list.append(el("li", "more", "and " + (ch.members.total - ch.members.shown.length) + " more"));
        box.append(list);
      }
      channels.append(box);
    });
    byId("channel-count").textContent = String(state.channels.total);
    more("channels-more", state.channels, "channels");
  }

  function describe(entry) {
    switch (entry.kind) {
      case "request": {
        var query = entry.query.map(function (p) { return p[0] + "=" + p[1]; }).join("&");
        return { summary: entry.method + " " + entry.path + (query ? "?" + query : "") + "  " + (entry.status === undefined ? "(dropped)" : entry.status),
          detail: shown(entry.body), error: entry.status === undefined || entry.status >= 400 };
      }
      case "event":
        return { summary: entry.channel + "  " + entry.name + "  to " + entry.recipients + " socket(s)" +
          (entry.excludedSocketId ? "  except " + entry.excludedSocketId : "") + (entry.userId ? "  user " + entry.userId : ""),
          detail: shown(entry.data) };
      case "client":
        return { summary: entry.channel + "  " + entry.event + "  from " + entry.socketId + (entry.userId ? " (user " + entry.userId + ")" : ""),
          detail: shown(entry.data) };
      case "webhook":
        return { summary: entry.events.map(function (e) {
          return [e.name, e.channel, e.user_id, e.event, e.subscription_count].filter(function (v) { return v !== undefined; }).join(" ");
        }).join(", "), detail: "" };
      default:
        return { summary: "", detail: "" };
    }
  }

  function matches(row) {
    var q = filterInput.value.trim().toLowerCase();
    return q === "" || row.textContent.toLowerCase().indexOf(q) !== -1;
  }

  function addEntry(entry) {
    var d = describe(entry);
    var row = el("li", "entry");
    row.dataset.kind = entry.kind;
    row.dataset.time = String(entry.timeMillis);
    row.append(el("span", "time", time(entry.timeMillis)), el("span", "kind kind-" + entry.kind, entry.kind),
      el("span", d.error ? "summary status-error" : "summary", d.summary));
    if (d.detail) row.append(el("pre", "detail", d.detail));
    row.hidden = !matches(row);
    // Entries of different kinds may arrive a little out of order: keep the list in time order, and within
    // a millisecond in the order a call's effects happen (the call, its events, its webhook).
    var rank = ranks[entry.kind] || 0;
    row.dataset.rank = String(rank);
    var after = logList.lastElementChild;
    while (after && (Number(after.dataset.time) > entry.timeMillis ||
      Number(after.dataset.time) === entry.timeMillis && Number(after.dataset.rank) > rank)) after = after.previousElementSibling;
    logList.insertBefore(row, after ? after.nextSibling : logList.firstChild);
    total++;
    while (logList.childElementCount > maxRows) logList.firstElementChild.remove();
    byId("log-count").textContent = String(total);
    if (followBox.checked) logList.scrollTop = logList.scrollHeight;
  }

  function status(text, live) {
    var node = byId("status");
    node.textContent = text;
    node.dataset.status = live ? "live" : "connecting";
  }

  function start() {
    logList = byId("log");
    filterInput = byId("filter");
    followBox = byId("follow");
    filterInput.addEventListener("input", function () {
      Array.prototype.forEach.call(logList.children, function (row) { row.hidden = !matches(row); });
    });
    byId("clear").addEventListener("click", function () { logList.replaceChildren(); total = 0; byId("log-count").textContent = "0"; });
    var source = new EventSource("/_console/events");
    source.addEventListener("snapshot", function (e) {
      var snapshot = JSON.parse(e.data);
      byId("app").textContent = "app " + snapshot.app.appId + "  key " + snapshot.app.key;
      renderState(snapshot.state);
      logList.replaceChildren();
      total = 0;
      snapshot.log.forEach(addEntry);
      status("live", true);
    });
    source.addEventListener("state", function (e) { renderState(JSON.parse(e.data)); });
    source.addEventListener("log", function (e) { addEntry(JSON.parse(e.data)); });
    // The console fell behind (a busy app, a slow page): the server skipped older entries to stay current.
    source.addEventListener("skipped", function (e) {
      var row = el("li", "entry skipped", JSON.parse(e.data).count + " older entries skipped to catch up");
      row.dataset.kind = "skipped";
      row.dataset.time = logList.lastElementChild ? logList.lastElementChild.dataset.time : "0";
      row.dataset.rank = "9";
      logList.append(row);
    });
    // EventSource reconnects by itself; a new connection starts with a new snapshot.
    source.addEventListener("error", function () { status("reconnecting", false); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`
