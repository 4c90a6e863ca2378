// The progress of a background export: ask the server every second until the job is finished or failed.
// Without JavaScript the page offers a reload link instead.
(() => {
  const box = document.querySelector("[data-export-status]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-export-text]");
  const done = box.querySelector("[data-export-done]");
  const number = new Intl.NumberFormat(document.documentElement.lang || "nl");
  const ready = document.querySelector("[data-export-ready]");
  const failed = document.querySelector("[data-export-failed]");
  const poll = async () => {
    let data;
    try {
      const response = await fetch(box.dataset.exportStatus, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.status);
      data = await response.json();
    } catch (error) {
      setTimeout(poll, 3000);
      return;
    }
    bar.value = data.percent;
    text.textContent = `${data.percent}%`;
    if (done) done.textContent = number.format(data.done);
    if (data.status === "finished") {
      box.hidden = true;
      if (data.download) {
        ready.querySelector("a").href = data.download;
        ready.querySelector("[data-file-name]").textContent = data.file_name;
      }
      ready.hidden = false;
    } else if (data.status === "failed") {
      box.hidden = true;
      failed.querySelector("[data-error]").textContent = data.error || "";
      failed.hidden = false;
    } else {
      setTimeout(poll, 1000);
    }
  };
  poll();
})();
