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
