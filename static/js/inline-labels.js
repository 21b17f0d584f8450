/* The admin's tabular inlines (附件) as cards on a phone (static/css/editorial-admin.css):
   each cell is given its column's heading and help text as data-label / data-help, which the
   phone layout shows above and below the field. Taken from the page, so that they always say
   what the model's verbose names and help texts say. The empty template row is labelled too,
   so rows added with “添加另一个” carry them. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const group of document.querySelectorAll('.inline-group[data-inline-type="tabular"]')) {
    const headings = {};
    for (const heading of group.querySelectorAll("thead th[class*='column-']")) {
      const name = [...heading.classList].find((c) => c.startsWith("column-")).slice(7);
      const help = heading.querySelector("img.help");
      headings[name] = { label: heading.firstChild.textContent.trim(), help: help ? help.title : "" };
    }
    const deleteHeading = group.querySelector("thead th:last-child");
    const deleteLabel = deleteHeading ? deleteHeading.textContent.trim() : "";
    for (const cell of group.querySelectorAll("tbody td")) {
      const field = [...cell.classList].find((c) => c.startsWith("field-"));
      const heading = field && headings[field.slice(6)];
      if (heading) {
        cell.dataset.label = heading.label;
        if (heading.help) cell.dataset.help = heading.help;
      } else if (cell.classList.contains("delete") && deleteLabel) {
        cell.dataset.label = deleteLabel;
      }
    }
  }
});
