// Small comforts only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A form with unsaved changes asks before the page is left.
  for (const form of document.querySelectorAll("form[data-warn-unsaved]")) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); } });
  }
  // "Go back" links on error pages return to the previous page when there is one.
  for (const link of document.querySelectorAll("a[data-back]")) {
    if (history.length > 1) {
      link.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
    }
  }
});
