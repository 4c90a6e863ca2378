// Small progressive enhancements; every page works without them. No inline handlers (CSP: script-src 'self').
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.submit();
  if (el.matches("input[data-check-all]")) {
    for (const box of el.closest("table").querySelectorAll("tbody input[type=checkbox]")) box.checked = el.checked;
  }
});
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
// The main menu folds behind its button on a narrow screen (without JavaScript it is simply always shown).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!nav) return;
  document.documentElement.classList.add("js-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
});
// A table that a page did not put in a scrolling box of its own gets one, so that no table makes the page wider
// than a phone's screen; the box can be reached with the keyboard and is named for screen readers.
document.addEventListener("DOMContentLoaded", () => {
  const label = document.body.dataset.scrollLabel || "";
  for (const table of document.querySelectorAll("main table")) {
    if (table.closest(".table-scroll, .scroll")) continue;
    const box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  }
});
