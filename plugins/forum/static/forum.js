// Live preview of forum messages. Without JavaScript the "Preview" button does the same.
(function () {
  "use strict";
  function setup(editor) {
    var url = editor.getAttribute("data-preview-url");
    var form = editor.closest("form");
    var box = editor.querySelector("textarea[name=body]");
    var out = editor.querySelector(".forum-preview-body");
    if (!url || !form || !box || !out) { return; }
    var token = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var last = null;
    function update() {
      if (box.value === last) { return; }
      last = box.value;
      var data = new FormData();
      data.append("body", box.value);
      if (token) { data.append("csrf_token", token.value); }
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (resp) { return resp.ok ? resp.text() : null; })
        .then(function (html) { if (html !== null) { out.innerHTML = html; } })
        .catch(function () { /* the Preview button still works */ });
    }
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 500);
    });
  }
  document.querySelectorAll(".forum-editor[data-preview-url]").forEach(setup);
}());
