/* Django's date picker titles its month "<month name> <year>", joined in its code, so a Chinese
   page reads “十二月 2026”. The title is written again as the page's language writes a month
   (“2026年12月”), after each drawing, whichever month the arrows turn to. Loaded on every admin
   page by templates/admin/base_site.html; does nothing where there is no date picker. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const calendar = window.CalendarNamespace;
  if (!calendar) return;
  const monthTitle = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    year: "numeric",
    month: "long",
    timeZone: "UTC",
  });
  const draw = calendar.draw;
  calendar.draw = function (month, year, divId, ...rest) {
    const drawn = draw.call(this, month, year, divId, ...rest);
    const caption = document.getElementById(divId)?.querySelector("caption");
    if (caption) caption.textContent = monthTitle.format(new Date(Date.UTC(+year, +month - 1, 1)));
    return drawn;
  };
});
