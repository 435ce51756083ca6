// The margin: the highlights in document order, with their notes and tags, the orphans
// apart ("could not be placed"), and the editor for a note, its tags and who sees it.
// Others' shared highlights carry their author's name and are read-only; any shared
// highlight has its replies under it, one level deep, and a reply box.
// Everything is built from <template>s and filled with textContent; the note's and
// replies' HTML goes through safe-html.js.

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

const LIBRARY = "全馆 Library";

export function sharingValue(highlight) {
  return highlight.sharing === "group" ? `group:${highlight.group}` : highlight.sharing;
}

export function parseSharing(value) {
  if (value.startsWith("group:")) return { sharing: "group", group: Number(value.slice(6)) };
  return { sharing: value, group: null };
}

// "2024-05-01 14:03" in the reader's own time zone.
function shortTime(iso) {
  const date = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

export class Margin {
  constructor(aside, { store, blocks, themes, groups = [], tagUrl, handlers }) {
    this.aside = aside;
    this.store = store;
    this.blocks = blocks;
    this.themes = themes;
    this.groups = groups;
    this.tagUrl = tagUrl;
    this.handlers = handlers;
    this.replyTemplate = document.getElementById("pz-reply-item");
    this.list = aside.querySelector('[data-role="list"]');
    this.orphanSection = aside.querySelector('[data-role="orphans"]');
    this.orphanList = aside.querySelector('[data-role="orphan-list"]');
    this.empty = aside.querySelector('[data-role="empty"]');
    this.itemTemplate = document.getElementById("pz-highlight-item");
    this.editorTemplate = document.getElementById("pz-highlight-editor");
    this.items = new Map(); // id -> {li, version}
    this.current = null;
    aside.addEventListener("click", (event) => this.click(event));
    aside.addEventListener("submit", (event) => this.submitReply(event));
    aside.addEventListener("keydown", (event) => {
      const box = event.target.closest?.("form.reply-form textarea");
      if (box && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        box.form.requestSubmit();
      }
    });
  }

  click(event) {
    const button = event.target.closest("button[data-action]");
    const li = event.target.closest("li.hl-item");
    if (!button || !li) return;
    const id = Number(li.dataset.id);
    const reply = button.closest("li.reply");
    if (reply) {
      const replyId = Number(reply.dataset.id);
      if (button.dataset.action === "reply-edit") this.openReplyEditor(id, replyId, reply);
      else if (button.dataset.action === "reply-delete") this.handlers.deleteReply(id, replyId);
      return;
    }
    const handler = this.handlers[button.dataset.action];
    if (handler) handler(id);
  }

  async submitReply(event) {
    const form = event.target.closest("form.reply-form");
    if (!form) return;
    event.preventDefault();
    const id = Number(form.closest("li.hl-item").dataset.id);
    const body = form.elements.body.value;
    const error = form.querySelector(".hl-error");
    if (!body.trim()) return;
    form.querySelector('button[type="submit"]').disabled = true;
    try {
      await this.handlers.reply(id, body);
      form.elements.body.value = "";
      error.hidden = true;
    } catch (problem) {
      error.textContent = problem.message;
      error.hidden = false;
    } finally {
      form.querySelector('button[type="submit"]').disabled = false;
    }
  }

  focusReply(id) {
    const form = this.items.get(id)?.li.querySelector("form.reply-form");
    if (form && !form.hidden) form.elements.body.focus({ preventScroll: true });
    return Boolean(form && !form.hidden);
  }

  openReplyEditor(id, replyId, li) {
    const reply = this.store.get(id)?.replies.find((r) => r.id === replyId);
    if (!reply || li.querySelector("form")) return;
    const form = document.createElement("form");
    form.className = "reply-editor";
    const box = document.createElement("textarea");
    box.name = "body";
    box.rows = 2;
    box.maxLength = 10000;
    box.required = true;
    box.value = reply.body;
    box.setAttribute("aria-label", "编辑回复 Edit reply");
    const save = document.createElement("button");
    save.type = "submit";
    save.textContent = "保存 Save";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link";
    cancel.textContent = "取消 Cancel";
    const error = document.createElement("p");
    error.className = "hl-error";
    error.hidden = true;
    form.append(box, save, " ", cancel, error);
    cancel.addEventListener("click", () => form.remove());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      event.stopPropagation();
      try {
        await this.handlers.editReply(id, replyId, box.value);
      } catch (problem) {
        error.textContent = problem.message;
        error.hidden = false;
      }
    });
    li.append(form);
    box.focus();
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
    const replies = (highlight.replies ?? []).map((r) => `${r.id}@${r.updated}`).join();
    if (
      entry.version !== highlight.version ||
      entry.state !== highlight.state ||
      entry.replies !== replies
    ) {
      this.fill(entry.li, highlight);
      entry.version = highlight.version;
      entry.state = highlight.state;
      entry.replies = replies;
    }
    return entry.li;
  }

  groupName(id) {
    return this.groups.find((g) => g.id === id)?.name ?? "";
  }

  sharedWith(highlight) {
    if (highlight.sharing === "group") return `小组 ${this.groupName(highlight.group)}`;
    return highlight.sharing === "library" ? LIBRARY : "";
  }

  fillSharing(li, highlight) {
    const mine = highlight.mine !== false;
    li.classList.toggle("others", !mine);
    const byline = li.querySelector('[data-role="byline"]');
    byline.replaceChildren();
    if (!mine) {
      const author = document.createElement("span");
      author.className = "author";
      author.textContent = highlight.author;
      byline.append(author, ` · ${this.sharedWith(highlight)}`);
    }
    byline.hidden = mine;
    const badge = li.querySelector('[data-role="sharing"]');
    badge.textContent = mine && highlight.sharing !== "private" ? `已分享 ${this.sharedWith(highlight)}` : "";
    badge.parentElement.hidden = !badge.textContent;
    for (const name of ["edit", "delete"]) {
      li.querySelector(`[data-action="${name}"]`).hidden = !mine;
    }
    const replies = highlight.replies ?? [];
    const list = li.querySelector('[data-role="replies"]');
    list.replaceChildren(...replies.map((reply) => this.replyItem(reply)));
    list.hidden = replies.length === 0;
    li.querySelector('[data-role="reply-form"]').hidden =
      highlight.sharing === "private" && replies.length === 0;
  }

  replyItem(reply) {
    const li = this.replyTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.id = String(reply.id);
    li.id = `reply-${reply.id}`;
    li.querySelector(".author").textContent = reply.author;
    const time = li.querySelector("time");
    time.dateTime = reply.created;
    time.textContent = shortTime(reply.created);
    li.querySelector('[data-role="body"]').replaceChildren(fragmentFrom(reply.body_html ?? ""));
    li.querySelector(".reply-actions").hidden = !reply.mine;
    return li;
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
    this.fillSharing(li, highlight);
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
    const share = form.elements.sharing;
    const option = (value, label) => {
      const item = document.createElement("option");
      item.value = value;
      item.textContent = label;
      share.append(item);
    };
    option("private", "仅自己 Only me");
    for (const group of this.groups) option(`group:${group.id}`, `小组 ${group.name}`);
    option("library", "全馆 Every reader");
    share.value = sharingValue(highlight);
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
        const changes = { note: textarea.value, tags: unique };
        if (share.value !== sharingValue(highlight)) Object.assign(changes, parseSharing(share.value));
        await this.handlers.save(id, changes);
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
    entry.li.querySelector('[data-role="replies"]').before(form);
    const target = focus === "tags" ? form.elements.tags : textarea;
    target.focus({ preventScroll: true });
    entry.li.scrollIntoView({ block: "nearest" });
  }
}
