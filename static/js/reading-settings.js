// The display settings panel: theme and text size apply at once; a new script reloads
// the page, rendered by the server in that script (offsets and highlights unchanged).
// Without JavaScript the same form posts and comes back.

export function enhanceSettings(form, { onScriptChange }) {
  if (!form) return;
  const root = document.documentElement;
  form.querySelector('[data-role="apply"]').hidden = true;
  form.addEventListener("change", async (event) => {
    const field = event.target;
    if (field.name === "theme") root.dataset.theme = field.value;
    if (field.name === "text_size") root.dataset.textSize = field.value;
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok && field.name === "script") onScriptChange(field.value);
  });
}
