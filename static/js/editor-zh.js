// Chinese tooltips for django-prose-editor's toolbar. The package translates its dialogs
// through gettext (locale/zh_Hans/LC_MESSAGES/djangojs.po) but names its toolbar buttons
// in English, which the association's editors should not have to guess.
(function () {
  "use strict";
  var labels = {
    "paragraph": "段落", "Paragraph": "正文段落", "Heading 2": "二级标题", "Heading 3": "三级标题",
    "Heading 4": "四级标题", "unordered list": "项目符号列表", "ordered list": "编号列表",
    "List properties": "列表设置", "blockquote": "引用", "horizontal rule": "分隔线",
    "figure": "插入图片", "bold": "加粗", "italic": "斜体", "underline": "下划线",
    "strike": "删除线", "subscript": "下标", "superscript": "上标", "insert link": "插入链接",
    "remove link": "取消链接", "Insert table": "插入表格", "Add column": "增加一列",
    "Delete column": "删除本列", "Add row": "增加一行", "Delete row": "删除本行",
    "Merge cells": "合并单元格", "Split cell": "拆分单元格", "Toggle header cell": "切换表头单元格",
    "Delete table": "删除表格", "undo": "撤销", "redo": "重做"
  };

  var choices = { "Yes": "是", "No": "否" };

  function translate(root) {
    root.querySelectorAll(".prose-menubar [title]").forEach(function (element) {
      var label = labels[element.getAttribute("title")];
      if (label) {
        element.setAttribute("title", label);
        element.setAttribute("aria-label", label);
      }
    });
    // The table dialog's 包含表头行 choice: its values stay "Yes"/"No" (the package compares
    // them), only what the editor reads changes.
    root.querySelectorAll("dialog option").forEach(function (option) {
      if (choices[option.textContent]) option.textContent = choices[option.textContent];
    });
    root.querySelectorAll(".prose-menubar__dropdown *, .prose-menubar [role=option]").forEach(function (element) {
      if (element.children.length === 0 && labels[element.textContent.trim()]) {
        element.textContent = labels[element.textContent.trim()];
      }
    });
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) translate(node.parentNode || node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { translate(document); });
})();
