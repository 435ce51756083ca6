// The admin's import pages: drag and drop onto the file picker, and live batch progress.
// Plain ES module, no build step; all text goes in through textContent.

function formatSize(bytes) {
  const units = ["bytes", "KB", "MB", "GB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit ? size.toFixed(1) : size} ${units[unit]}`;
}

function listChosen(input, list) {
  list.replaceChildren();
  for (const file of input.files) {
    const item = document.createElement("li");
    item.textContent = `${file.name} (${formatSize(file.size)})`;
    list.append(item);
  }
}

function setUpDropZone(zone) {
  const input = zone.querySelector('input[type="file"]');
  const list = zone.querySelector("[data-chosen]");
  if (!input || !list) return;
  input.addEventListener("change", () => listChosen(input, list));
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("pz-over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("pz-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("pz-over");
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    listChosen(input, list);
  });
}

function formatEta(progress) {
  if (progress.finished) return "finished";
  if (progress.eta_seconds === null) return "—";
  const seconds = progress.eta_seconds;
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

function showProgress(box, progress) {
  box.querySelector("[data-bar]").max = progress.total;
  box.querySelector("[data-bar]").value = progress.done;
  box.querySelector("[data-done]").textContent = progress.done;
  box.querySelector("[data-total]").textContent = progress.total;
  box.querySelector("[data-rate]").textContent = progress.rate.toFixed(1);
  box.querySelector("[data-eta]").textContent = formatEta(progress);
  box.querySelector("[data-state]").textContent = progress.stalled
    ? "· no worker is on this batch right now"
    : "";
  const resume = document.querySelector("[data-resume]");
  if (resume) resume.hidden = !progress.stalled;
}

function followProgress(box) {
  const initial = JSON.parse(document.getElementById("import-progress").textContent);
  if (initial.finished) return;
  const url = box.dataset.progressUrl;
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const progress = await response.json();
        showProgress(box, progress);
        if (progress.finished) {
          window.location.reload(); // the item table is rendered by the server
          return;
        }
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 1000);
}

for (const zone of document.querySelectorAll("[data-drop-zone]")) setUpDropZone(zone);
for (const box of document.querySelectorAll("[data-progress-url]")) followProgress(box);
