/* Live chat: Socket.IO on top of the page, which works without it.
   Nothing is lost: a message is shown as "sent" only after the server has
   stored it and acknowledged; unacknowledged messages are sent again with the
   same id (stored once). Each room numbers its messages 1, 2, 3… (seq) with no
   holes: the client keeps the number up to which it holds everything, asks for
   what follows it after a reconnection, and asks again as soon as a message
   arrives whose number leaves a hole (one sent elsewhere while the live
   connection between servers was down). */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || typeof io !== "function") { return; }

  var texts = JSON.parse(root.getAttribute("data-texts") || "{}");
  var me = Number(root.getAttribute("data-user"));
  var moderate = root.getAttribute("data-moderate") === "yes";
  var removeUrl = root.getAttribute("data-remove-url") || "";
  var log = document.getElementById("chat-log");
  var empty = document.getElementById("chat-empty");
  var statusBox = document.getElementById("chat-status");
  var people = document.getElementById("chat-people");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-body");
  var errorBox = document.getElementById("chat-error");
  var earlier = document.getElementById("chat-earlier");
  var pending = {};          // client id -> {body, tries}
  var lastSeq = 0;           // every message up to this number is shown
  var held = {};             // numbers shown beyond lastSeq (after a hole)
  var syncing = false, syncAgain = false;
  var removedSince = root.getAttribute("data-now");  // removals after it are asked for
  var refused = false;
  var degraded = statusBox.classList.contains("chat-degraded");
  var SYNC_EVERY = 20000;
  var ACK_TIMEOUT = 10000;

  function fmt(template, name) { return template.replace("%(name)s", name); }

  function setStatus(text, problem) {
    statusBox.textContent = text || "";
    statusBox.classList.toggle("chat-problem", !!problem);
  }

  function showError(text) {
    if (!errorBox) { return; }
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function localTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    var today = new Date();
    var opts = { hour: "2-digit", minute: "2-digit" };
    if (d.toDateString() !== today.toDateString()) { opts.day = "numeric"; opts.month = "short"; }
    return d.toLocaleString(document.documentElement.lang || undefined, opts);
  }

  function byId(id) { return log.querySelector('li[data-id="' + id + '"]'); }
  function byClientId(cid) {
    var items = log.querySelectorAll("li[data-client-id]");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-client-id") === cid) { return items[i]; }
    }
    return null;
  }

  function removeLink(li, m) {
    if (!moderate || m.removed || !m.id) { return; }
    var a = document.createElement("a");
    a.className = "chat-remove small";
    a.href = removeUrl.replace("/messages/0/", "/messages/" + m.id + "/");
    a.textContent = texts.remove;
    li.appendChild(document.createTextNode(" "));
    li.appendChild(a);
  }

  function render(m) {
    var li = document.createElement("li");
    li.className = "chat-message" + (m.removed ? " chat-removed" : "") + (m.author.id === me ? " chat-own" : "");
    if (m.id) { li.id = "m" + m.id; li.setAttribute("data-id", m.id); li.setAttribute("data-seq", m.seq); }
    li.setAttribute("data-client-id", m.client_id);
    var who = document.createElement("span");
    who.className = "chat-author";
    who.textContent = m.author.name;
    var when = document.createElement("time");
    when.className = "meta";
    when.setAttribute("datetime", m.at);
    when.textContent = localTime(m.at);
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = m.removed ? texts.removed : m.body;
    li.appendChild(who);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(when);
    li.appendChild(body);
    removeLink(li, m);
    return li;
  }

  function setState(li, state) {
    var span = li.querySelector(".chat-state");
    if (!span) {
      span = document.createElement("span");
      li.insertBefore(span, li.querySelector(".chat-body"));
    }
    span.className = "chat-state" + (state === "failed" || state === "retrying" ? " chat-state-failed" : "");
    span.textContent = texts[state];
    var retry = li.querySelector(".chat-retry");
    if (state === "failed" && !retry) {
      retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button small secondary chat-retry";
      retry.textContent = texts.retry;
      retry.addEventListener("click", function () {
        retry.remove();
        setState(li, "sending");
        send(li.getAttribute("data-client-id"));
      });
      li.appendChild(retry);
    } else if (state !== "failed" && retry) {
      retry.remove();
    }
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  function place(li, seq) {
    var items = log.querySelectorAll("li[data-seq]");
    for (var i = 0; i < items.length; i++) {
      if (Number(items[i].getAttribute("data-seq")) > seq) { log.insertBefore(li, items[i]); return; }
    }
    var firstPending = log.querySelector("li.chat-pending");
    log.insertBefore(li, firstPending);
  }

  // a message's number moves lastSeq on only when nothing before it is missing
  function drain() {
    Object.keys(held).forEach(function (s) { if (Number(s) <= lastSeq) { delete held[s]; } });
    while (held[lastSeq + 1]) { delete held[lastSeq + 1]; lastSeq += 1; }
    return Object.keys(held).length > 0;
  }

  function show(m) {
    if (!byId(m.id)) {
      var mine = m.author.id === me ? byClientId(m.client_id) : null;
      if (mine) {  // our own message came back: give it its id and place
        mine.id = "m" + m.id;
        mine.setAttribute("data-id", m.id);
        mine.setAttribute("data-seq", m.seq);
        mine.classList.remove("chat-pending");
        place(mine, m.seq);
        removeLink(mine, m);
      } else {
        place(render(m), m.seq);
      }
      empty.hidden = true;
      scrollToEnd();
    }
  }

  function add(m) {
    show(m);
    if (m.seq > lastSeq) { held[m.seq] = true; }
    if (drain()) { sync(); }  // a hole: fetch what follows lastSeq
  }

  function markRemoved(id) {
    var li = byId(id);
    if (!li) { return; }
    li.classList.add("chat-removed");
    li.querySelector(".chat-body").textContent = texts.removed;
    var link = li.querySelector(".chat-remove");
    if (link) { link.remove(); }
  }

  function notice(text) {
    var li = document.createElement("li");
    li.className = "chat-message chat-notice";
    li.textContent = text;
    log.insertBefore(li, log.querySelector("li.chat-pending"));
    scrollToEnd();
  }

  // who is in the room: the whole list comes with each sync, changes in between
  var roster = {};

  function showPeople(users) {
    roster = {};
    users.forEach(function (u) { roster[u.id] = u.name; });
    drawPeople();
  }

  function drawPeople() {
    var ids = Object.keys(roster).sort(function (a, b) {
      return roster[a].localeCompare(roster[b], undefined, { sensitivity: "base" });
    });
    people.textContent = "";
    if (!ids.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = texts.nobody;
      people.appendChild(none);
    }
    ids.forEach(function (id) {
      var li = document.createElement("li");
      li.textContent = roster[id] + (Number(id) === me ? " (" + texts.you + ")" : "");
      people.appendChild(li);
    });
  }

  function showState(state) {
    var was = degraded;
    degraded = state === "degraded";
    if (degraded) { setStatus(texts.degraded, true); }
    else if (was) { setStatus(""); }
    return was && !degraded;
  }

  // -- the connection ---------------------------------------------------------
  var group = root.getAttribute("data-group");
  var socket = io("/chat", {
    auth: { activity: Number(root.getAttribute("data-activity")), group: group ? Number(group) : null }
  });

  // everything after lastSeq, one request at a time; the answer is the stored
  // history, so numbers it skips (nothing stored under them) are not waited for
  function sync() {
    if (!socket.connected) { return; }
    if (syncing) { syncAgain = true; return; }
    syncing = true;
    syncAgain = false;
    var after = lastSeq;
    socket.timeout(ACK_TIMEOUT).emit("sync", { after_seq: after, removed_since: removedSince }, function (err, resp) {
      syncing = false;
      if (err || !resp) { return; }
      if (!resp.ok) { refuse(resp.message); return; }
      resp.messages.forEach(function (m) { show(m); lastSeq = Math.max(lastSeq, m.seq); });
      (resp.removed || []).forEach(markRemoved);
      if (resp.now && !resp.more) { removedSince = resp.now; }
      var hole = drain();
      if (resp.users) { showPeople(resp.users); }
      showState(resp.status);
      if (resp.more || syncAgain) { sync(); } else if (hole) { window.setTimeout(sync, 1000); }
    });
  }

  function refuse(message) {
    refused = true;
    setStatus(message || texts.refused, true);
    if (form) { form.querySelector("button[type=submit]").disabled = true; }
  }

  socket.on("connect", function () {
    if (!degraded) { setStatus(""); }
    sync();
    Object.keys(pending).forEach(send);
  });
  socket.on("disconnect", function (reason) {
    if (reason === "io server disconnect") { refuse(); } else if (!refused) { setStatus(texts.reconnecting, true); }
  });
  socket.on("connect_error", function (err) {
    if (err && ["forbidden", "login", "origin"].indexOf(err.message) >= 0) { refuse(); }
    else { setStatus(texts.reconnecting, true); }
  });
  socket.on("message", add);
  socket.on("removed", function (data) { markRemoved(data.id); });
  socket.on("status", function (data) { if (showState(data.state)) { sync(); } });
  socket.on("presence", function (data) {
    if (data.joined) { roster[data.joined.id] = data.joined.name; }
    if (data.left) { delete roster[data.left.id]; }
    drawPeople();
    if (data.joined && data.joined.id !== me) { notice(fmt(texts.joined, data.joined.name)); }
    if (data.left && data.left.id !== me) { notice(fmt(texts.left, data.left.name)); }
  });
  window.setInterval(sync, SYNC_EVERY);

  // -- sending -------------------------------------------------------------------
  function send(cid) {
    var item = pending[cid];
    if (!item || !socket.connected) { return; }
    item.tries += 1;
    socket.timeout(ACK_TIMEOUT).emit("send", { client_id: cid, body: item.body }, function (err, resp) {
      var li = byClientId(cid);
      var later = Math.min(30000, 1000 * Math.pow(2, item.tries));
      if (err) {  // no acknowledgement: try again with the same id (stored once)
        window.setTimeout(function () { send(cid); }, later);
        return;
      }
      if (!resp.ok && resp.error === "server") {  // not stored this time: shown, kept, sent again
        showError(resp.message);
        if (li) { setState(li, "retrying"); }
        window.setTimeout(function () { send(cid); }, later);
        return;
      }
      if (!resp.ok) {
        if (resp.error === "forbidden") { refuse(resp.message); }
        showError(resp.message);
        if (li) { setState(li, "failed"); }
        return;
      }
      delete pending[cid];
      showError("");
      add(resp.message);
      li = byClientId(cid);
      if (li) { setState(li, "sent"); }
      if (resp.status) { showState(resp.status); }
    });
  }

  if (form) {
    var refresh = form.querySelector(".chat-refresh");
    if (refresh) { refresh.hidden = true; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (refused) { return; }
      var body = input.value.trim();
      if (!body) { showError(texts.empty || ""); input.focus(); return; }
      var cid = newClientId();
      pending[cid] = { body: body, tries: 0 };
      var li = render({ id: 0, client_id: cid, author: { id: me, name: texts.you }, body: body,
                        at: new Date().toISOString(), removed: false });
      li.classList.add("chat-pending");
      log.appendChild(li);
      setState(li, "sending");
      empty.hidden = true;
      scrollToEnd();
      input.value = "";
      showError("");
      input.focus();
      send(cid);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.dispatchEvent(new Event("submit", { cancelable: true })); }
      }
    });
  }

  // -- scrolling back, removing, local times ------------------------------------
  if (earlier) {
    earlier.addEventListener("click", function (event) {
      var first = log.querySelector("li[data-id]");
      if (!socket.connected || !first) { return; }  // the link works without the socket
      event.preventDefault();
      socket.timeout(ACK_TIMEOUT).emit("history", { before: Number(first.getAttribute("data-id")) }, function (err, resp) {
        if (err || !resp || !resp.ok) { return; }
        var anchor = log.firstChild;
        resp.messages.forEach(function (m) { if (!byId(m.id)) { log.insertBefore(render(m), anchor); } });
        if (!resp.more) { earlier.parentNode.hidden = true; }
      });
    });
  }

  log.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".chat-remove") : null;
    if (!link || !socket.connected) { return; }
    event.preventDefault();
    if (!window.confirm(texts.confirm_remove)) { return; }
    var li = link.closest("li");
    socket.timeout(ACK_TIMEOUT).emit("remove", { id: Number(li.getAttribute("data-id")) }, function (err, resp) {
      if (!err && resp && resp.ok) { markRemoved(resp.id); } else if (resp) { showError(resp.message); }
    });
  });

  Array.prototype.forEach.call(log.querySelectorAll("li[data-seq]"), function (li) {
    lastSeq = Math.max(lastSeq, Number(li.getAttribute("data-seq")));
    var t = li.querySelector("time");
    if (t) { t.textContent = localTime(t.getAttribute("datetime")); }
  });
  scrollToEnd();
  if (!socket.connected) { setStatus(texts.connecting); }
})();
