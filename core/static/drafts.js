/* Drafts: the text of a long-text form survives a failed submit.
   Every <textarea> in a POST form (unless marked data-no-draft) is copied to this
   browser's localStorage as it is typed. When the form page opens again with the
   field empty or as the server sent it (after a 502, a lost connection, the
   server away, a closed tab), the draft is put back, with a note and a way to
   drop it. A submit that ends in a redirect (the app's answer to a saved form)
   clears the draft; one that comes back to a page without a redirect (the form
   again with an error) keeps it. Without JavaScript forms work as before. */
(function () {
  "use strict";
  var script = document.currentScript;
  var PREFIX = "ementoring-draft:";
  var SUBMITTED = "ementoring-draft-submitted";
  var MAX_AGE = 14 * 24 * 3600 * 1000;
  var store, session;
  try { store = window.localStorage; session = window.sessionStorage; } catch (e) { return; }
  if (!store || !session) { return; }

  function text(name) { return (script && script.getAttribute("data-" + name)) || ""; }

  function read(key) {
    try {
      var d = JSON.parse(store.getItem(key) || "null");
      if (d && typeof d.text === "string" && Date.now() - d.at < MAX_AGE) { return d.text; }
    } catch (e) { /* unreadable: dropped below */ }
    store.removeItem(key);
    return null;
  }

  function write(key, value) {
    try {
      if (value.trim()) { store.setItem(key, JSON.stringify({ text: value, at: Date.now() })); }
      else { store.removeItem(key); }
    } catch (e) { /* storage full or denied: the form still works */ }
  }

  function submitted() {
    try { return JSON.parse(session.getItem(SUBMITTED) || "[]"); } catch (e) { return []; }
  }

  // the page a submit led to: a redirect means the form was saved
  (function settle() {
    var keys = submitted();
    if (!keys.length) { return; }
    var nav = window.performance && performance.getEntriesByType ?
      performance.getEntriesByType("navigation")[0] : null;
    if (nav && nav.type === "navigate" && nav.redirectCount > 0) {
      keys.forEach(function (k) { store.removeItem(k); });
    }
    session.removeItem(SUBMITTED);
  })();

  function keyOf(form, field) {
    return PREFIX + location.pathname + location.search + "|" +
      (form.getAttribute("action") || "") + "|" + field.name;
  }

  function restore(field, key) {
    var draft = read(key);
    if (draft === null || draft === field.value) { return; }
    if (field.value !== field.defaultValue && field.value.trim()) { return; }  // typed again
    field.value = draft;
    var note = document.createElement("p");
    note.className = "draft-note small";
    note.setAttribute("role", "status");
    note.textContent = text("restored") + " ";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "button small secondary";
    drop.textContent = text("discard");
    drop.addEventListener("click", function () {
      field.value = field.defaultValue;
      store.removeItem(key);
      note.remove();
      field.focus();
    });
    note.appendChild(drop);
    field.parentNode.insertBefore(note, field.nextSibling);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    var fields = Array.prototype.filter.call(form.querySelectorAll("textarea[name]"), function (f) {
      return !f.hasAttribute("data-no-draft");
    });
    if (!fields.length) { return; }
    fields.forEach(function (field) {
      var key = keyOf(form, field);
      restore(field, key);
      field.addEventListener("input", function () { write(key, field.value); });
    });
    form.addEventListener("submit", function () {
      var keys = submitted();
      fields.forEach(function (field) {
        var key = keyOf(form, field);
        write(key, field.value);
        if (keys.indexOf(key) < 0) { keys.push(key); }
      });
      try { session.setItem(SUBMITTED, JSON.stringify(keys)); } catch (e) { /* ignore */ }
    });
  });
})();
