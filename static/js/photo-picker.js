// The 浏览… window of the editor's 插入图片 dialog: hand the uploaded photo back to the
// dialog that opened us (django-prose-editor speaks CKEditor's file-browser protocol).
(function () {
  "use strict";
  var picked = document.getElementById("photo-picked");
  if (!picked || !window.opener || !window.opener.CKEDITOR) return;
  window.opener.CKEDITOR.tools.callFunction(
    picked.dataset.funcNum,
    picked.dataset.url,
    { alternative_text: picked.dataset.alt, caption: picked.dataset.caption }
  );
  window.close();
})();
