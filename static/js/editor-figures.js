// Writing on after a photo in the editor (django-prose-editor's figure: an image and its
// caption). Without this, a photo inserted last left the cursor in its caption: what the
// editor typed next, Enter included, became part of the caption, and a phone keyboard has
// no arrow key to leave it. So Enter in a caption, or on a photo inserted without one (the
// editor then selects the whole photo), starts a paragraph after the photo, and
// the text always ends with a paragraph that a tap can reach (an empty one is dropped on save).
(function () {
  "use strict";

  function figureDepth($pos) {
    for (var depth = $pos.depth; depth > 0; depth--) {
      if ($pos.node(depth).type.name === "figure") return depth;
    }
    return 0;
  }

  function endWithParagraph(editor) {
    var doc = editor.state.doc;
    if (doc.lastChild && doc.lastChild.type.name === "figure") {
      var paragraph = editor.schema.nodes.paragraph.create();
      editor.view.dispatch(editor.state.tr.insert(doc.content.size, paragraph));
    }
  }

  // Where a paragraph after the photo goes: the cursor is in its caption, or the photo is
  // selected (how the editor leaves a photo inserted without a caption); null otherwise.
  function afterFigure(selection) {
    var node = selection.node;
    if (node && node.type.name === "figure") return selection.to;
    var $from = selection.$from;
    var photoSelected = node && node.type.name === "image";
    if (!photoSelected && $from.parent.type.name !== "caption") return null;
    var depth = figureDepth($from);
    return depth ? $from.after(depth) : null;
  }

  function leaveCaptionOnEnter(editor, event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    var after = afterFigure(editor.state.selection);
    if (after === null) return;
    event.preventDefault();
    event.stopPropagation();
    var next = editor.state.doc.nodeAt(after);
    var chain = editor.chain().focus();
    if (!next || next.type.name !== "paragraph" || next.content.size > 0) {
      chain = chain.insertContentAt(after, { type: "paragraph" });
    }
    chain.setTextSelection(after + 1).run();
  }

  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail.editor;
    if (!editor.schema.nodes.figure) return;
    // After the first change, not on opening: an untouched article stays unchanged.
    editor.on("update", function () { endWithParagraph(editor); });
    // In the capture phase, before ProseMirror's own Enter (which splits the caption).
    editor.view.dom.parentNode.addEventListener("keydown", function (keyEvent) {
      if (editor.view.dom.contains(keyEvent.target)) leaveCaptionOnEnter(editor, keyEvent);
    }, true);
  });
})();
