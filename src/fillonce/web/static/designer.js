// The spec designer: add a field or rule row without a round trip. Without this file the form's
// "more rows" buttons ask the server for more rows instead; nothing else depends on it.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("designer");
  if (!form) return;
  const rowName = /^(fields|rules)-(\d+)-(\w+)$/;

  function nextIndex(body) {
    let highest = -1;
    for (const input of body.querySelectorAll("[name]")) {
      const found = rowName.exec(input.name);
      if (found) highest = Math.max(highest, Number(found[2]));
    }
    return highest + 1;
  }

  function addRow(group) {
    const body = form.querySelector(`tbody[data-rows="${group}"]`);
    const last = body && body.querySelector("tr:last-child");
    if (!last) return;
    const index = nextIndex(body);
    const row = last.cloneNode(true);
    for (const input of row.querySelectorAll("[name]")) {
      const found = rowName.exec(input.name);
      if (found) input.name = `${found[1]}-${index}-${found[3]}`;
      if (input.type === "checkbox") input.checked = true;  // fields are required unless unticked
      else if (input.tagName === "SELECT") input.selectedIndex = 0;
      else input.value = "";
    }
    body.appendChild(row);
    const first = row.querySelector("input, select");
    if (first) first.focus();
  }

  for (const button of form.querySelectorAll("button[data-add-row]")) {
    button.hidden = false;
    button.addEventListener("click", () => addRow(button.dataset.addRow));
  }
});
