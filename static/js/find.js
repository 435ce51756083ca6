// Find in this article ("/"): matches in the text as shown and, when the article is
// shown in another script, in its original text too, so 奥特曼 and 奧特曼 both find it.

import { paintMatches } from "./paint.js";

function occurrences(text, query) {
  const found = [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  let index = haystack.indexOf(needle);
  while (index !== -1 && found.length < 1000) {
    found.push(index);
    index = haystack.indexOf(needle, index + needle.length);
  }
  return found;
}

export class Find {
  constructor(form, blocks) {
    this.form = form;
    this.blocks = blocks;
    this.input = form.elements.q;
    this.count = form.querySelector('[data-role="find-count"]');
    this.matches = [];
    this.index = -1;
    this.input.addEventListener("input", () => this.search());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.step(1);
    });
    form.addEventListener("click", (event) => {
      const action = event.target.closest("[data-action]")?.dataset.action;
      if (action === "find-previous") this.step(-1);
      if (action === "find-close") this.close();
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      } else if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        this.step(-1);
      }
    });
  }

  open() {
    this.form.hidden = false;
    this.input.focus();
    this.input.select();
  }

  close() {
    this.form.hidden = true;
    this.matches = [];
    paintMatches(this.blocks, [], null);
  }

  search() {
    const query = this.input.value.trim();
    const length = [...query].length;
    const found = new Map();
    if (query) {
      for (const block of this.blocks.list) {
        const texts = new Set([block.el.textContent, block.el.dataset.original ?? ""]);
        for (const text of texts) {
          for (const index of occurrences(text, query)) {
            const start = block.start + [...text.slice(0, index)].length;
            if (start + length <= block.end) found.set(start, { start, end: start + length });
          }
        }
      }
    }
    this.matches = [...found.values()].sort((a, b) => a.start - b.start);
    const top = this.blocks.topOffset();
    this.index = this.matches.findIndex((m) => m.start >= top);
    if (this.index < 0) this.index = this.matches.length ? 0 : -1;
    this.show();
  }

  step(direction) {
    if (!this.matches.length) return;
    this.index = (this.index + direction + this.matches.length) % this.matches.length;
    this.show();
  }

  show() {
    const current = this.matches[this.index] ?? null;
    paintMatches(this.blocks, this.matches, current);
    this.count.textContent = this.matches.length
      ? `${this.index + 1} / ${this.matches.length}`
      : this.input.value.trim()
        ? "0"
        : "";
    if (current) {
      const rect = this.blocks.range(current.start, current.end).getBoundingClientRect();
      if (rect.top < 80 || rect.bottom > innerHeight - 80) {
        scrollBy({ top: rect.top - innerHeight / 3 });
      }
    }
  }
}
