// 草稿保护 on every form with a rich text (an article, a programme's, a county's or the
// association's text, a rule): what an editor types is kept on this computer until the record
// is saved, and the login is kept alive while they write.
//
// Typing sends nothing to the server, so a long text could outlast the login (two hours
// without a request) and its 保存 then led to the login page with the text gone; a 保存
// refused for an expired form (403) lost the text when the editor went back. Now:
// - every change is copied to localStorage (per user and page; per visit of the page for a
//   new record, so that a second new article never writes over the first one's copy), and
//   a page that opens with a copy that differs from the form offers 恢复 / 丢弃;
// - the copy is dropped once a save is confirmed (Django's success message on the page right
//   after the form was sent); copies untouched for COPY_DAYS are dropped;
// - while the editor is typing, the page asks the server every few minutes, which renews the
//   login (SESSION_SAVE_EVERY_REQUEST); if the login has ended anyway, a notice says so and
//   the page keeps asking: once the editor has logged in again in another tab, the form takes
//   the new login's CSRF token (a login changes it; the old one would make 保存 a 403).
// - back at the page (or clicking into the form), it asks for the current login's CSRF token,
//   taken only if it is the same person's login (a login in another tab while the page sat
//   idle refused 保存 as expired; a colleague's login on a shared computer must not save it).
(function () {
  "use strict";
  var KEEPALIVE_MS = 4 * 60 * 1000;
  var RELOGIN_POLL_MS = 15 * 1000;
  var COPY_DAYS = 30;
  // The name from when only articles had this: copies kept under it are still found.
  var PREFIX = "portal:article-draft:";
  var SUBMITTED = PREFIX + "submitted";
  var SKIPPED = { csrfmiddlewaretoken: true };
  // The version the text was written on (an article's lock_version, EditConflictMixin's
  // edit_token elsewhere): restored with it, so that a copy older than someone else's later
  // save is refused as a conflict instead of overwriting it.
  var VERSIONS = ["lock_version", "edit_token"];
  function isVersion(name) { return VERSIONS.indexOf(name) !== -1; }

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  var store = storage();

  // Each rich text's editor (django-prose-editor) announces itself; its textarea is kept in
  // step. Listened for at once: an editor may be built before the rest of this script runs.
  var editors = {};  // by the name of the field
  var builtWith = {};  // each editor's text as the page brought it
  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail.editor;
    editors[event.detail.textarea.name] = editor;
    builtWith[event.detail.textarea.name] = editor.getHTML();
    editor.on("update", function () { if (changed) changed(); });
  });
  var changed = null;

  document.addEventListener("DOMContentLoaded", start);

  function readCopy(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (error) { return null; }
  }

  function copyKeys() {
    var keys = [];
    for (var i = 0; store && i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0 && key !== SUBMITTED) keys.push(key);
    }
    return keys;
  }

  function dropOldCopies() {
    var oldest = Date.now() - COPY_DAYS * 24 * 3600 * 1000;
    copyKeys().forEach(function (key) {
      var copy = readCopy(key);
      if (!copy || !(copy.savedAt > oldest)) store.removeItem(key);
    });
  }

  // The page right after the form was sent: Django's success message (on the form or on the
  // list it went back to) confirms the save, and the copy it was made from is dropped. The
  // mark is for that one page only, so a later message (a bulk action on the list, say)
  // never drops the copy of a save that was refused.
  // Returns the key of a copy whose sending was not confirmed (the form came back with an
  // error, or by way of the login page), so that a new article keeps writing to it.
  function settleSubmission() {
    var submitted = null;
    try {
      submitted = JSON.parse(window.sessionStorage.getItem(SUBMITTED) || "null");
      window.sessionStorage.removeItem(SUBMITTED);
    } catch (error) { return null; }
    if (!submitted || !submitted.key) return null;
    if (document.querySelector(".messagelist .success")) {
      store.removeItem(submitted.key);
      return null;
    }
    return submitted.key;
  }

  function start() {
  var unconfirmed = null;
  if (store) {
    unconfirmed = settleSubmission();
    dropOldCopies();
  }

  var marker = document.getElementById("draft-protection");
  if (!marker) return;
  var form = marker.closest("form");
  var pageKey = PREFIX + marker.dataset.user + ":" + location.pathname;
  var isNew = marker.dataset.adding === "true";
  var key = pageKey;
  if (isNew) {
    key = unconfirmed && unconfirmed.indexOf(pageKey + "#") === 0 ? unconfirmed
      : pageKey + "#" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  }
  var typedSinceKeepalive = false;
  var unsaved = false;
  var submitting = false;
  var atLoad = null;  // the form as it was when the page had loaded (for the choice boxes)

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !SKIPPED[element.name] && !element.disabled &&
        (isVersion(element.name) || element.type !== "hidden") &&
        !isAvailableBox(element) &&
        ["file", "submit", "button", "reset", "image", "password"].indexOf(element.type) === -1;
    });
  }

  // filter_horizontal (县区, 项目): Django's SelectFilter moves choices between an "available"
  // box (named …_old, never sent) and the field's own box, whose every option is chosen.
  function isAvailableBox(element) {
    return element.type === "select-multiple" && /_from$/.test(element.id) && /_old$/.test(element.name);
  }

  function isChosenBox(element) {
    return element.type === "select-multiple" && /_to$/.test(element.id) &&
      window.SelectBox && window.SelectBox.cache[element.id];
  }

  function multipleValues(element) {
    if (isChosenBox(element)) {
      // The cache, not the options: a filter typed above the box hides some of them.
      return window.SelectBox.cache[element.id].map(function (item) { return item.value; }).sort();
    }
    return Array.prototype.filter.call(element.options, function (option) { return option.selected; })
      .map(function (option) { return option.value; }).sort();
  }

  function setMultipleValues(element, values) {
    var wanted = values.map(String);
    function pick(box, selected) {
      Array.prototype.forEach.call(box.options, function (option) { option.selected = selected(option.value); });
    }
    if (isChosenBox(element)) {
      var SelectBox = window.SelectBox;
      var chosen = element.id, available = chosen.replace(/_to$/, "_from");
      SelectBox.filter(chosen, "");
      SelectBox.filter(available, "");
      pick(element, function (value) { return wanted.indexOf(value) === -1; });
      SelectBox.move(chosen, available);
      pick(document.getElementById(available), function (value) { return wanted.indexOf(value) !== -1; });
      SelectBox.move(available, chosen);
      if (window.SelectFilter) window.SelectFilter.refresh_icons(chosen.replace(/_to$/, ""));
      return;
    }
    pick(element, function (value) { return wanted.indexOf(value) !== -1; });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox") values[element.name] = element.checked;
      else if (element.type === "radio") { if (element.checked) values[element.name] = element.value; }
      else if (element.type === "select-multiple") values[element.name] = multipleValues(element);
      else values[element.name] = element.value;
    });
    // What an editor shows, not its textarea: going back to a form, the browser may put the
    // old text back into the (hidden) textarea while the editor starts empty.
    Object.keys(editors).forEach(function (name) {
      if (name in values) values[name] = editors[name].getHTML();
    });
    return values;
  }

  // The editor writes a numbered list it has just made as <ol>, and the same list read back
  // from the form as <ol data-type="decimal">: the same text, which must not look changed.
  function comparable(name, value) {
    value = String(value);
    return name in editors ? value.replace(/<ol data-type="decimal">/g, "<ol>") : value;
  }

  function differs(saved, current) {
    return Object.keys(saved).some(function (name) {
      return !isVersion(name) && name in current && comparable(name, saved[name]) !== comparable(name, current[name]);
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
      else if (element.type === "select-multiple") setMultipleValues(element, [].concat(value));
      else element.value = value;
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
    Object.keys(editors).forEach(function (name) {
      if (name in values) editors[name].commands.setContent(values[name]);
    });
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

  function shortTime(milliseconds) {
    var when = new Date(milliseconds);
    return (when.getMonth() + 1) + "月" + when.getDate() + "日 " +
      String(when.getHours()).padStart(2, "0") + ":" + String(when.getMinutes()).padStart(2, "0");
  }

  var offered = [];  // the 恢复 / 丢弃 notices on the page: { values of the copy, box }

  function offerRestore() {
    if (!store) return;
    var current = snapshot();
    // A new article: every earlier new article's copy that was never saved, newest first.
    var keys = isNew ? copyKeys().filter(function (candidate) { return candidate.indexOf(pageKey + "#") === 0; }) : [key];
    var copies = keys.map(function (candidate) { return { key: candidate, copy: readCopy(candidate) }; })
      .filter(function (found) { return found.copy && found.copy.values && differs(found.copy.values, current); })
      .sort(function (a, b) { return b.copy.savedAt - a.copy.savedAt; });
    copies.forEach(function (found) {
      var name = found.copy.values.title || found.copy.values.name;  // an article's, a programme's…
      var what = isNew && name ? "“" + name + "”" : "本页";
      if (!isNew && olderThanTheRecord(found.copy.values, current)) {
        offerToShow(found, what);
        return;
      }
      var box = notice("这台电脑上保存着" + what + " " + shortTime(found.copy.savedAt) +
        " 尚未提交的内容(例如登录过期、页面过期或内容太大时未能保存的修改)。", [
        ["恢复这些内容", function () {
          // One restored copy at a time, kept under its own key from now on.
          offered.forEach(function (other) { other.box.remove(); });
          offered = [];
          if (found.key !== key) store.removeItem(key);
          key = found.key;
          restore(found.copy.values);
        }],
        ["丢弃", function () { store.removeItem(found.key); }]
      ]);
      offered.push({ values: found.copy.values, box: box });
    });
  }

  // A copy written on a version that a colleague has saved over since: restored, its 保存 would
  // only be refused as a conflict again (its version is the old one), and it would put back the
  // colleague's changed fields too. It is shown to copy from instead, to merge by hand.
  function olderThanTheRecord(saved, current) {
    return VERSIONS.some(function (name) {
      return name in saved && name in current && String(saved[name]) !== String(current[name]);
    });
  }

  function offerToShow(found, what) {
    var box = notice("这台电脑上保存着" + what + " " + shortTime(found.copy.savedAt) +
      " 尚未提交的内容,但之后已有同事修改并保存了本页,不能直接恢复(会覆盖同事的修改)。" +
      "请点“显示这些内容”,对照本页把需要的修改复制过来,再保存。", [
      ["显示这些内容", function () { showCopy(found.copy.values); }],
      ["丢弃", function () { store.removeItem(found.key); }]
    ]);
    offered.push({ values: found.copy.values, box: box });
  }

  // The kept copy's fields that differ from the form, as text to copy from (never as markup).
  function showCopy(values) {
    var current = snapshot();
    var box = document.createElement("section");
    box.className = "draft-notice draft-copy";
    box.setAttribute("aria-label", "这台电脑上保存的内容");
    var heading = document.createElement("h2");
    heading.textContent = "这台电脑上保存的内容(与本页不同的部分)";
    box.appendChild(heading);
    Object.keys(values).forEach(function (name) {
      if (isVersion(name) || !(name in current) || comparable(name, values[name]) === comparable(name, current[name])) return;
      var element = form.elements.namedItem(name);
      if (element && !element.tagName) element = element[0];  // radio buttons
      // The field's row (Django's "field-<name>") begins with its label, or its legend (县区).
      var row = ".field-" + CSS.escape(name);
      var label = form.querySelector(row + " legend, " + row + " label") ||
        (element && element.id && document.querySelector("label[for='" + CSS.escape(element.id) + "']"));
      var title = document.createElement("h3");
      title.textContent = label ? label.textContent.replace(/[:：]\s*$/, "") : name;
      var text = document.createElement("p");
      text.className = "draft-copy-text";
      text.textContent = name in editors ? plainText(values[name]) : readable(element, values[name]);
      box.appendChild(title);
      box.appendChild(text);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = "关闭";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    form.parentNode.insertBefore(box, form);
    box.scrollIntoView();
  }

  // What a person reads for a kept value: 是/否, the names of chosen options (not their ids).
  function readable(element, value) {
    if (element && element.type === "checkbox") return value ? "是" : "否";
    if (element && element.tagName === "SELECT") {
      var names = {};
      var available = element.id.replace(/_to$/, "_from");  // the other box of 县区/项目
      [element, document.getElementById(available)].forEach(function (box) {
        Array.prototype.forEach.call(box ? box.options : [], function (option) { names[option.value] = option.textContent; });
      });
      if (window.SelectBox && window.SelectBox.cache[available]) {
        window.SelectBox.cache[available].forEach(function (item) { names[item.value] = item.text; });
      }
      return [].concat(value).map(function (one) { return names[one] || one; }).join("、") || "(无)";
    }
    return String(value);
  }

  function plainText(html) {
    var lines = String(html).replace(/<\/(p|h[1-6]|li|figcaption|blockquote)>|<br\s*\/?>/gi, "$&\n");
    return new DOMParser().parseFromString(lines, "text/html").body.textContent.trim();
  }

  // The browser's 返回 refills the form only after the page has loaded, after the offers were
  // made (static/js/editor-restore.js then shows the text in the editor): an offer of what the
  // form now holds again is withdrawn.
  document.addEventListener("prose-editor:refilled", function () {
    var current = snapshot();
    offered = offered.filter(function (offer) {
      if (differs(offer.values, current)) return true;
      offer.box.remove();
      return false;
    });
  });

  var expiredNotice = null;
  var reloginTimer = null;

  // The keep-alive address: 204 with the login's CSRF token and user, or the login page's
  // redirect once the login has ended.
  function askTheServer() {
    return fetch(marker.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
  }

  function keepAlive(afterExpiry) {
    if (!afterExpiry && (!typedSinceKeepalive || expiredNotice)) return;
    typedSinceKeepalive = false;
    askTheServer()
      .then(function (response) {
        if (response.status === 204) {
          renewToken(response);
          if (expiredNotice) {
            expiredNotice.querySelector("p").textContent = "已重新登录,可以继续编辑并点“保存”。";
            clearInterval(reloginTimer);
            expiredNotice = reloginTimer = null;
          }
        } else if (!expiredNotice) {
          expiredNotice = notice("登录已过期。请在新标签页中重新登录后台,再回到本页点“保存”;" +
            "已写的内容保存在这台电脑上,不会丢失。");
          reloginTimer = setInterval(function () { keepAlive(true); }, RELOGIN_POLL_MS);
        }
      })
      .catch(function () { /* offline for a moment: asked again on the next round */ });
  }

  // The keep-alive's answer carries the login's CSRF token (a login changes it, and the form
  // still has the one it was opened with). Taken only if it is the same person's login: on a
  // shared computer, a form left open by one colleague must not be saved under another's.
  var otherLogin = null;
  function renewToken(response) {
    var token = response.headers.get("X-CSRFToken");
    if (!token) return;
    if (decodeURIComponent(response.headers.get("X-Username") || "") !== marker.dataset.user) {
      if (!otherLogin) {
        otherLogin = notice("现在这台电脑上登录的是另一个账号。本页是“" + marker.dataset.user +
          "”打开的:请用这个账号重新登录后再保存,否则保存会被拒绝。已写的内容保存在这台电脑上。");
      }
      return;
    }
    if (otherLogin) { otherLogin.remove(); otherLogin = null; }
    Array.prototype.forEach.call(document.querySelectorAll("input[name=csrfmiddlewaretoken]"), function (input) {
      input.value = token;
    });
  }

  // Back at this page (another tab, another window): a login there may have changed the token.
  var lastLook = 0;
  function lookAtLogin() {
    if (Date.now() - lastLook < 3000) return;
    lastLook = Date.now();
    askTheServer()
      .then(function (response) { if (response.status === 204) renewToken(response); })
      .catch(function () { /* asked again next time */ });
  }
  window.addEventListener("focus", lookAtLogin);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) lookAtLogin(); });
  form.addEventListener("focusin", lookAtLogin);
  form.addEventListener("pointerdown", lookAtLogin);

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // The workflow buttons (提交审核, 发布…) are links: they act on the article as last saved,
  // and what the form holds unsaved would not go with it (the publisher reviewed the old
  // text). While there are unsaved changes they say to save first.
  // Decided at the click, against what the page brought: typing in a choice box's search field
  // or a kept copy dropped changes nothing; a text the browser's 返回 refilled does.
  function holdsUnsavedChanges() {
    // The form came back refused (errors, a conflict): it holds what was typed, not what is saved.
    if (unconfirmed !== null && unconfirmed === key &&
        document.querySelector("ul.errorlist, p.errornote:not(.readonly-reason):not(.review-comment), .messagelist .error")) {
      return true;
    }
    var editorChanged = Object.keys(editors).some(function (name) {
      return comparable(name, editors[name].getHTML()) !== comparable(name, builtWith[name]);
    });
    return editorChanged || fields().some(function (element) {
      if (element.name in editors) return false;
      if (element.type === "checkbox" || element.type === "radio") return element.checked !== element.defaultChecked;
      if (element.type === "select-multiple") {
        return atLoad !== null && String(multipleValues(element)) !== String(atLoad[element.name]);
      }
      if (element.tagName === "SELECT") {
        return Array.prototype.some.call(element.options, function (option) { return option.selected !== option.defaultSelected; });
      }
      return element.value !== element.defaultValue;
    });
  }

  var saveFirst = null;
  form.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.workflow-button");
    if (!link || !holdsUnsavedChanges()) return;
    event.preventDefault();
    if (!saveFirst) {
      saveFirst = document.createElement("p");
      saveFirst.className = "draft-notice";
      saveFirst.setAttribute("role", "alert");
      link.closest(".workflow-row").insertAdjacentElement("afterend", saveFirst);
    }
    saveFirst.textContent = "还有没保存的修改,“" + link.textContent.trim() + "”不会带上它们。" +
      "请先点“保存并继续编辑”,保存成功后再点“" + link.textContent.trim() + "”。";
  });
  // Moving 县区 or 项目 between SelectFilter's boxes changes no form element's value; watched
  // once SelectFilter has built its boxes (on load, before this script's own load handler).
  function watchChoiceBoxes() {
    Array.prototype.forEach.call(form.querySelectorAll("select[multiple]"), function (select) {
      new MutationObserver(function () { changed(); }).observe(select, { childList: true, subtree: true });
    });
  }
  form.addEventListener("submit", function (event) {
    save();
    submitting = true;
    try {
      window.sessionStorage.setItem(SUBMITTED, JSON.stringify({ key: key }));
    } catch (error) { /* nothing to drop later */ }
    // Another handler may still stop the sending (a confirmation, say): then leaving the
    // page with unsaved text must warn again.
    setTimeout(function () {
      if (event.defaultPrevented) {
        submitting = false;
        try { window.sessionStorage.removeItem(SUBMITTED); } catch (error) { /* nothing kept */ }
      }
    }, 0);
  });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsaved) event.preventDefault();
  });
  setInterval(keepAlive, KEEPALIVE_MS);
  // After the editor has been built from the form (it reads the textarea when the page loads).
  function loaded() {
    atLoad = snapshot();
    offerRestore();
    watchChoiceBoxes();
  }
  if (document.readyState === "complete") loaded();
  else window.addEventListener("load", loaded);
  }
})();
