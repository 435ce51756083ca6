// Single-key shortcuts (j k h n t / ?), never while typing or with a modifier held.

export function installShortcuts(handlers) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.isComposing) return; // an input method is composing Chinese
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (document.querySelector("dialog[open]") && event.key !== "?") return;
    const handler = handlers[event.key];
    if (handler && handler(event) !== false) event.preventDefault();
  });
}
