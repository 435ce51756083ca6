// A short message at the bottom of the screen, with an optional Undo button.

export class Toast {
  constructor(element) {
    this.element = element;
    this.message = element.querySelector('[data-role="message"]');
    this.button = element.querySelector('[data-action="undo"]');
    this.button.addEventListener("click", () => {
      const undo = this.onUndo;
      this.hide();
      undo?.();
    });
  }

  show(text, { undo = null, seconds = 5 } = {}) {
    clearTimeout(this.timer);
    this.message.textContent = text;
    this.onUndo = undo;
    this.button.hidden = !undo;
    this.element.hidden = false;
    this.timer = setTimeout(() => this.hide(), seconds * 1000);
  }

  hide() {
    clearTimeout(this.timer);
    this.onUndo = null;
    this.element.hidden = true;
  }
}
