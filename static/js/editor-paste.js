// Photos pasted into a rich text (from Word/WPS, a web page or a screenshot): the editor drops
// a pasted image file or inline image without a word, and keeps an image of the writer's own
// computer (file:///…) or of another site, which the save then refuses. The editor is told at
// once, beside the text, what to do instead. The text itself is pasted as usual.
(function () {
  "use strict";

  var MESSAGE = "粘贴的内容里有图片。网站不能保存直接粘贴进来的图片(从 Word/WPS、网页或截图粘贴的图片" +
    "会被略去,或在保存时被拒绝):请删去它们,再用工具栏的“插入图片 → 浏览…”上传照片。";

  function ownPhoto(src) {
    try {
      var address = new URL(src, location.href);
      return address.origin === location.origin && address.pathname.indexOf("/media/") === 0;
    } catch (error) { return false; }
  }

  function hasForeignImage(data) {
    if (!data) return false;
    var html = data.getData("text/html");
    // A picture alone (a screenshot, a copied image file). Beside text it is how Excel, WPS and
    // Word copy cells or paragraphs as a picture too: the text is what is pasted then.
    if (!html && !data.getData("text/plain")) {
      return Array.prototype.some.call(data.items || [], function (item) {
        return item.kind === "file" && /^image\//.test(item.type);
      });
    }
    if (!html || html.indexOf("<img") === -1) return false;
    var images = new DOMParser().parseFromString(html, "text/html").images;
    return Array.prototype.some.call(images, function (image) { return !ownPhoto(image.getAttribute("src") || ""); });
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail.editor;
    var notice = null;
    editor.view.dom.addEventListener("paste", function (paste) {
      if (!hasForeignImage(paste.clipboardData)) return;
      if (!notice) {
        notice = document.createElement("p");
        notice.className = "paste-notice";
        notice.setAttribute("role", "alert");
        var wrapper = editor.view.dom.closest(".prose-editor") || editor.view.dom;
        wrapper.insertAdjacentElement("beforebegin", notice);
      }
      notice.textContent = MESSAGE;
    }, true);
  });
})();
