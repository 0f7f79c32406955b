// Small comforts only; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // "Go back" links on error pages return to the previous page when there is one.
  for (const link of document.querySelectorAll("a[data-back]")) {
    if (history.length > 1) {
      link.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
    }
  }
});
