// The browser's 返回 after a refused save (a form too large to send, an expired page) refills
// the form as it was, but Chromium refills a rich text's hidden textarea only after the page
// has loaded, when the editor has already been built from the empty one: the editor looked
// empty, and the first keystroke wrote that empty text over the refilled one. So when the
// textarea is refilled behind the editor's back, the editor shows what it holds, unless the
// editor has been typed in meanwhile.
(function () {
  "use strict";

  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail.editor;
    var textarea = event.detail.textarea;
    var builtFrom = textarea.value;
    var typed = false;
    editor.on("update", function () { typed = true; });

    function catchUp() {
      if (typed || !textarea.value || textarea.value === builtFrom) return;
      builtFrom = textarea.value;
      // No update event: the textarea already holds this text.
      editor.commands.setContent(textarea.value, { emitUpdate: false });
      // For draft-protection.js: its offer to restore a kept copy may now be what the form holds.
      textarea.dispatchEvent(new Event("prose-editor:refilled", { bubbles: true }));
    }

    function afterLoad() {
      [0, 100, 500, 1500].forEach(function (delay) { setTimeout(catchUp, delay); });
    }
    // A refill later than that (a slow or busy computer) is still shown before the first
    // keystroke, which would otherwise write the empty editor over it.
    editor.on("focus", catchUp);
    if (document.readyState === "complete") afterLoad();
    else window.addEventListener("load", afterLoad);
  });
})();
