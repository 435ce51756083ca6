// The margin: the reader's highlights in document order, with their notes and tags,
// the orphans apart ("could not be placed"), and the editor for a note and its tags.
// Everything is built from <template>s and filled with textContent; the note's HTML
// goes through safe-html.js.

import { fragmentFrom } from "./safe-html.js";

const SEPARATORS = /[,，、;；]/;

export function parseTags(text) {
  const seen = new Map();
  for (const part of text.split(SEPARATORS)) {
    const name = part.trim().replace(/\s+/g, " ");
    if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

export class Margin {
  constructor(aside, { store, blocks, themes, tagUrl, handlers }) {
    this.aside = aside;
    this.store = store;
    this.blocks = blocks;
    this.themes = themes;
    this.tagUrl = tagUrl;
    this.handlers = handlers;
    this.list = aside.querySelector('[data-role="list"]');
    this.orphanSection = aside.querySelector('[data-role="orphans"]');
    this.orphanList = aside.querySelector('[data-role="orphan-list"]');
    this.empty = aside.querySelector('[data-role="empty"]');
    this.itemTemplate = document.getElementById("pz-highlight-item");
    this.editorTemplate = document.getElementById("pz-highlight-editor");
    this.items = new Map(); // id -> {li, version}
    this.current = null;
    aside.addEventListener("click", (event) => this.click(event));
  }

  click(event) {
    const button = event.target.closest("button[data-action]");
    const li = event.target.closest("li.hl-item");
    if (!button || !li) return;
    const id = Number(li.dataset.id);
    const handler = this.handlers[button.dataset.action];
    if (handler) handler(id);
  }

  render() {
    if (!this.list) return;
    const placed = this.store.placed();
    const orphans = this.store.orphans();
    const keep = new Set([...placed, ...orphans].map((h) => h.id));
    for (const [id, entry] of this.items) {
      if (!keep.has(id)) {
        entry.li.remove();
        this.items.delete(id);
      }
    }
    const add = (list, highlights) => {
      let previous = null;
      for (const highlight of highlights) {
        const li = this.itemFor(highlight);
        if (li.parentNode !== list || li.previousElementSibling !== previous) {
          if (previous) previous.after(li);
          else list.prepend(li);
        }
        previous = li;
      }
    };
    add(this.list, placed);
    add(this.orphanList, orphans);
    this.orphanSection.hidden = orphans.length === 0;
    const count = placed.length + orphans.length;
    for (const element of document.querySelectorAll('[data-role="count"]')) {
      element.textContent = String(count);
    }
    if (this.empty) this.empty.hidden = count > 0;
  }

  itemFor(highlight) {
    let entry = this.items.get(highlight.id);
    if (!entry) {
      const li = this.itemTemplate.content.firstElementChild.cloneNode(true);
      li.dataset.id = String(highlight.id);
      li.id = `highlight-${highlight.id}`;
      entry = { li, version: null, state: null };
      this.items.set(highlight.id, entry);
    }
    if (entry.version !== highlight.version || entry.state !== highlight.state) {
      this.fill(entry.li, highlight);
      entry.version = highlight.version;
      entry.state = highlight.state;
    }
    return entry.li;
  }

  fill(li, highlight) {
    const orphan = highlight.state === "orphaned";
    li.classList.toggle("orphan", orphan);
    li.dataset.start = String(highlight.start);
    li.dataset.end = String(highlight.end);
    const quote = li.querySelector(".hl-quote");
    quote.textContent = orphan ? highlight.exact : this.blocks.shown(highlight.start, highlight.end);
    quote.disabled = orphan;
    const note = li.querySelector('[data-role="note"]');
    note.replaceChildren(fragmentFrom(highlight.note_html ?? ""));
    note.hidden = !highlight.note.trim();
    const tags = li.querySelector('[data-role="tags"]');
    tags.replaceChildren(
      ...highlight.tags.map((name) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        const theme = this.themes.find((t) => t.name === name.toLowerCase());
        link.className = theme ? `tag theme-${theme.name}` : "tag";
        link.href = `${this.tagUrl}?tag=${encodeURIComponent(name)}`;
        link.textContent = theme ? `${theme.label} ${name}` : name;
        item.append(link);
        return item;
      }),
    );
    tags.hidden = highlight.tags.length === 0;
    li.querySelector('[data-action="reattach"]').hidden = !orphan;
    li.querySelector('[data-action="edit"]').hidden = false;
  }

  setCurrent(id, { scroll = true } = {}) {
    if (this.current !== null) {
      const previous = this.items.get(this.current);
      if (previous) {
        previous.li.classList.remove("current");
        previous.li.removeAttribute("aria-current");
      }
    }
    this.current = id;
    const entry = id === null ? null : this.items.get(id);
    if (!entry) return null;
    entry.li.classList.add("current");
    entry.li.setAttribute("aria-current", "true");
    if (scroll) entry.li.scrollIntoView({ block: "nearest" });
    return entry.li;
  }

  focusItem(id) {
    const entry = this.items.get(id);
    entry?.li.querySelector(".hl-quote:not(:disabled), [data-action=edit]")?.focus({
      preventScroll: true,
    });
  }

  closeEditors() {
    for (const form of this.aside.querySelectorAll("form.hl-editor")) form.remove();
  }

  openEditor(id, focus = "note") {
    const entry = this.items.get(id);
    const highlight = this.store.get(id);
    if (!entry || !highlight) return;
    this.closeEditors();
    const form = this.editorTemplate.content.firstElementChild.cloneNode(true);
    const textarea = form.elements.note;
    textarea.value = highlight.note;
    const fieldset = form.querySelector("fieldset.themes");
    const lower = highlight.tags.map((t) => t.toLowerCase());
    for (const theme of this.themes) {
      const label = document.createElement("label");
      label.className = `pill theme-${theme.name}`;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "theme";
      box.value = theme.name;
      box.checked = lower.includes(theme.name);
      label.append(box, ` ${theme.label} ${theme.name}`);
      fieldset.append(label);
    }
    const themeNames = new Set(this.themes.map((t) => t.name));
    form.elements.tags.value = highlight.tags
      .filter((t) => !themeNames.has(t.toLowerCase()))
      .join(", ");
    const error = form.querySelector(".hl-error");
    const close = () => {
      form.remove();
      this.focusItem(id);
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const themes = [...form.querySelectorAll('input[name="theme"]:checked')].map((b) => b.value);
      const tags = [...themes, ...parseTags(form.elements.tags.value)];
      const seen = new Set();
      const unique = tags.filter((t) => !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
      form.querySelector('button[type="submit"]').disabled = true;
      try {
        await this.handlers.save(id, { note: textarea.value, tags: unique });
        close();
      } catch (problem) {
        error.textContent = problem.message;
        error.hidden = false;
        form.querySelector('button[type="submit"]').disabled = false;
      }
    });
    form.addEventListener("click", (event) => {
      if (event.target.closest('[data-action="cancel"]')) close();
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    entry.li.append(form);
    const target = focus === "tags" ? form.elements.tags : textarea;
    target.focus({ preventScroll: true });
    entry.li.scrollIntoView({ block: "nearest" });
  }
}
