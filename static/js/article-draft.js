// 草稿保护 on the article form: what an editor types is kept on this computer until the
// article is saved, and the login is kept alive while they write.
//
// Typing sends nothing to the server, so a long article could outlast the login (two hours
// without a request) and its 保存 then led to the login page with the text gone; a 保存
// refused for an expired form (403) lost the body when the editor went back. Now:
// - every change is copied to localStorage (per user and page), and a page that opens with
//   a copy that differs from the form offers 恢复 / 丢弃;
// - the copy is dropped once a save is confirmed (Django's success message);
// - while the editor is typing, the page asks the server every few minutes, which renews the
//   login (SESSION_SAVE_EVERY_REQUEST); if the login has ended anyway, a notice says so.
(function () {
  "use strict";
  var KEEPALIVE_MS = 4 * 60 * 1000;
  var SUBMITTED = "portal:article-draft:submitted";
  var SKIPPED = { csrfmiddlewaretoken: true };
  // The version the text was written on: restored with it, so that a copy older than someone
  // else's later save is refused as a conflict (ArticleAdminForm) instead of overwriting it.
  var VERSION = "lock_version";

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  var store = storage();

  // The body's editor (django-prose-editor) announces itself; its textarea is kept in step.
  // Listened for at once: the editor may be built before the rest of this script runs.
  var bodyEditor = null;
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea.name !== "body") return;
    bodyEditor = event.detail.editor;
    bodyEditor.on("update", function () { if (changed) changed(); });
  });
  var changed = null;

  document.addEventListener("DOMContentLoaded", start);

  function start() {
  // A save that Django confirmed (its success message, on the form or on the list it went
  // back to) drops the copy it was made from.
  try {
    var submitted = window.sessionStorage.getItem(SUBMITTED);
    if (store && submitted && document.querySelector(".messagelist .success")) {
      store.removeItem(submitted);
      window.sessionStorage.removeItem(SUBMITTED);
    }
  } catch (error) { /* storage refused: nothing was kept */ }

  var marker = document.getElementById("article-draft");
  if (!marker) return;
  var form = marker.closest("form");
  var key = "portal:article-draft:" + marker.dataset.user + ":" + location.pathname;
  var typedSinceKeepalive = false;
  var unsaved = false;
  var submitting = false;

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !SKIPPED[element.name] && !element.disabled &&
        (element.name === VERSION || element.type !== "hidden") &&
        ["file", "submit", "button", "reset", "image", "password"].indexOf(element.type) === -1;
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox") values[element.name] = element.checked;
      else if (element.type === "radio") { if (element.checked) values[element.name] = element.value; }
      else values[element.name] = element.value;
    });
    // What the editor shows, not its textarea: going back to a form, the browser may put the
    // old text back into the (hidden) textarea while the editor starts empty.
    if (bodyEditor && "body" in values) values.body = bodyEditor.getHTML();
    return values;
  }

  function differs(saved, current) {
    return Object.keys(saved).some(function (name) {
      return name !== VERSION && name in current && String(saved[name]) !== String(current[name]);
    });
  }

  function save() {
    if (!store) return;
    try {
      store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: snapshot() }));
    } catch (error) { /* full or refused: the form itself still holds the text */ }
  }

  var saveTimer = null;
  changed = function () {
    typedSinceKeepalive = unsaved = true;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 400);
  };

  function restore(values) {
    fields().forEach(function (element) {
      if (!(element.name in values)) return;
      var value = values[element.name];
      if (element.type === "checkbox") element.checked = value === true;
      else if (element.type === "radio") element.checked = element.value === value;
      else element.value = value;
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
    if (bodyEditor && "body" in values) bodyEditor.commands.setContent(values.body);
    save();
  }

  function notice(text, actions) {
    var box = document.createElement("div");
    box.className = "draft-notice";
    box.setAttribute("role", "status");
    var message = document.createElement("p");
    message.textContent = text;
    box.appendChild(message);
    (actions || []).forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = action[0];
      button.addEventListener("click", function () { action[1](); box.remove(); });
      box.appendChild(button);
    });
    form.parentNode.insertBefore(box, form);
    return box;
  }

  function offerRestore() {
    var saved = store && JSON.parse(store.getItem(key) || "null");
    if (!saved || !saved.values || !differs(saved.values, snapshot())) return;
    var when = new Date(saved.savedAt);
    var time = (when.getMonth() + 1) + "月" + when.getDate() + "日 " +
      String(when.getHours()).padStart(2, "0") + ":" + String(when.getMinutes()).padStart(2, "0");
    notice("这台电脑上保存着本文 " + time + " 尚未提交的内容(例如登录过期或页面过期时未能保存的修改)。", [
      ["恢复这些内容", function () { restore(saved.values); }],
      ["丢弃", function () { store.removeItem(key); }]
    ]);
  }

  var expiredNotice = null;
  function keepAlive() {
    if (!typedSinceKeepalive || expiredNotice) return;
    typedSinceKeepalive = false;
    fetch(marker.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.status !== 204) {
          expiredNotice = notice("登录已过期。请在新标签页中重新登录后台,再回到本页点“保存”;" +
            "已写的内容保存在这台电脑上,不会丢失。");
        }
      })
      .catch(function () { /* offline for a moment: asked again on the next round */ });
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    save();
    submitting = true;
    try { window.sessionStorage.setItem(SUBMITTED, key); } catch (error) { /* nothing to drop later */ }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsaved) event.preventDefault();
  });
  setInterval(keepAlive, KEEPALIVE_MS);
  // After the editor has been built from the form (it reads the textarea when the page loads).
  if (document.readyState === "complete") offerRestore();
  else window.addEventListener("load", offerRestore);
  }
})();
