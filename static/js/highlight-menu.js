// <pz-highlight-menu>: the small menu beside a text selection in the article. It
// remembers the selection's offsets when the selection is made, so a tap on a touch
// screen (which may clear the selection first) still acts on it.

export class HighlightMenu extends HTMLElement {
  connect(blocks) {
    this.blocks = blocks;
    this.selection = null;
    this.mode = "create";
    document.addEventListener("selectionchange", () => this.schedule());
    addEventListener("resize", () => this.place());
    addEventListener("scroll", () => this.place(), { passive: true });
    // Keep the text selected while a button is pressed with a mouse or pen.
    this.addEventListener("pointerdown", (event) => {
      if (event.pointerType !== "touch") event.preventDefault();
    });
    this.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      this.act(button.dataset.action);
    });
  }

  act(action) {
    const selection = this.selection;
    if (!selection && !action.startsWith("cancel")) return;
    this.dispatchEvent(new CustomEvent("pz-menu", { bubbles: true, detail: { action, selection } }));
  }

  setMode(mode) {
    this.mode = mode;
    for (const span of this.querySelectorAll("[data-mode]")) span.hidden = span.dataset.mode !== mode;
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.update();
    });
  }

  // The selection's offsets, when it lies (at least partly) in the article.
  current() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(this.blocks.body)) return null;
    const offsets = this.blocks.offsetsOf(range);
    return offsets ? { ...offsets, range } : null;
  }

  update() {
    const found = this.current();
    if (!found) {
      if (!this.contains(document.activeElement)) this.hide();
      return;
    }
    this.selection = { start: found.start, end: found.end };
    this.range = found.range;
    this.hidden = false;
    this.place();
  }

  place() {
    if (this.hidden || !this.range) return;
    const rects = [...this.range.getClientRects()].filter((r) => r.width || r.height);
    if (!rects.length) return;
    const last = rects[rects.length - 1];
    const first = rects[0];
    const { offsetWidth: width, offsetHeight: height } = this;
    let top = last.bottom + 10;
    if (top + height > innerHeight - 8) top = Math.max(8, first.top - height - 10);
    const left = Math.min(Math.max(8, last.right - width / 2), innerWidth - width - 8);
    this.style.top = `${Math.round(top)}px`;
    this.style.left = `${Math.round(left)}px`;
  }

  hide() {
    this.hidden = true;
    this.selection = null;
    this.range = null;
  }

  // The selection a keyboard shortcut acts on: the live one, else none.
  takeSelection() {
    const found = this.current();
    return found ? { start: found.start, end: found.end } : null;
  }
}

customElements.define("pz-highlight-menu", HighlightMenu);
