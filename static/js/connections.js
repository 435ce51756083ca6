// Cross-links on the reading page: light underlines of entity mentions (a toggle, off by
// default, remembered in this browser), a small card naming the entity under a tap,
// passages named in the address (#m-OFFSET from an entity page, #s-OFFSET for a
// suggested highlight) flashed in the text, and [[title]] autocomplete in the note
// editor. Data comes from json_script elements; everything is built with textContent.

import { Blocks } from "./offsets.js";

const STORE_KEY = "pizhu.mentions";
const supported = typeof CSS !== "undefined" && "highlights" in CSS;

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

class Mentions {
  constructor(blocks, data) {
    this.blocks = blocks;
    this.entities = data.entities;
    this.mentions = data.mentions.map(([start, end, entity]) => ({ start, end, entity }));
    this.buttons = [...document.querySelectorAll('[data-action="toggle-mentions"]')];
    this.addToolbarButton();
    for (const button of this.buttons) {
      button.hidden = !supported;
      button.addEventListener("click", () => this.set(!this.on));
    }
    this.card = null;
    this.set(localStorage.getItem(STORE_KEY) === "on", { remember: false });
    blocks.body.addEventListener("click", (event) => this.clicked(event));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.closeCard();
    });
  }

  addToolbarButton() {
    const tools = document.querySelector(".reader-tools");
    if (!tools || !supported) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tool";
    button.dataset.action = "toggle-mentions";
    button.setAttribute("aria-pressed", "false");
    button.title = "Underline the people and organisations the article mentions";
    button.append("人名 ");
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = "Names";
    button.append(en);
    tools.append(button);
    this.buttons.push(button);
  }

  set(on, { remember = true } = {}) {
    this.on = on;
    if (remember) localStorage.setItem(STORE_KEY, on ? "on" : "off");
    for (const button of this.buttons) button.setAttribute("aria-pressed", String(on));
    if (!supported) return;
    const ranges = on ? this.mentions.map((m) => this.blocks.range(m.start, m.end)) : [];
    CSS.highlights.set("pz-mention", new Highlight(...ranges));
    if (!on) this.closeCard();
  }

  at(offset) {
    return this.mentions.find((m) => m.start <= offset && offset < m.end) ?? null;
  }

  clicked(event) {
    if (!this.on || event.target.closest("a") || !document.getSelection().isCollapsed) return;
    const offset = this.blocks.offsetFromPoint(event.clientX, event.clientY);
    const mention = offset === null ? null : this.at(offset);
    this.closeCard();
    if (mention) this.openCard(mention, event);
  }

  openCard(mention, event) {
    const entity = this.entities[mention.entity];
    const card = document.createElement("div");
    card.className = "mention-card";
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", entity.name);
    const name = document.createElement("strong");
    name.textContent = entity.name;
    const here = document.createElement("span");
    here.className = "en";
    here.textContent = ` · ${entity.count}× here · `;
    const link = document.createElement("a");
    link.href = entity.url;
    link.textContent = "all articles →";
    card.append(name, here, link);
    card.style.left = `${Math.max(8, event.pageX - 40)}px`;
    card.style.top = `${event.pageY + 14}px`;
    document.body.append(card);
    this.card = card;
  }

  closeCard() {
    this.card?.remove();
    this.card = null;
  }
}

function flash(blocks, start, end) {
  if (start === null || start >= blocks.length) return;
  const range = blocks.range(start, Math.min(end ?? start + 1, blocks.length));
  if (supported) CSS.highlights.set("pz-flash", new Highlight(range));
  const rect = range.getBoundingClientRect();
  scrollBy({ top: rect.top - innerHeight / 3, behavior: "smooth" });
  setTimeout(() => supported && CSS.highlights.delete("pz-flash"), 4000);
}

function followHash(blocks, mentions) {
  const match = /^#([ms])-(\d+)$/.exec(location.hash);
  if (!match) return;
  const start = Number(match[2]);
  if (match[1] === "m") {
    const mention = mentions?.at(start);
    flash(blocks, start, mention ? mention.end : start + 1);
  } else {
    const item = document.querySelector(`.suggestion[data-start="${start}"]`);
    flash(blocks, start, item ? Number(item.dataset.end) : start + 1);
  }
}

// [[title]] autocomplete in the note editor ---------------------------------------------

const OPEN = /\[\[([^[\]\n]{1,60})$/;

class LinkSuggest {
  constructor(url) {
    this.url = url;
    this.list = null;
    this.textarea = null;
    this.items = [];
    this.index = 0;
    this.timer = null;
    this.asked = 0;
    document.addEventListener("input", (event) => this.typed(event));
    document.addEventListener("keydown", (event) => this.key(event), true);
    document.addEventListener("focusout", (event) => {
      if (event.target === this.textarea) setTimeout(() => this.close(), 150);
    });
  }

  typed(event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || textarea.name !== "note") return;
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = OPEN.exec(before);
    if (!match) {
      this.close();
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ask(textarea, match[1]), 150);
  }

  async ask(textarea, words) {
    const asked = ++this.asked;
    const response = await fetch(`${this.url}?q=${encodeURIComponent(words)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).catch(() => null);
    if (!response?.ok || asked !== this.asked) return;
    const { results } = await response.json();
    this.show(textarea, results);
  }

  show(textarea, results) {
    this.close();
    if (!results.length) return;
    this.textarea = textarea;
    this.items = results;
    this.index = 0;
    const list = document.createElement("ul");
    list.className = "link-suggest";
    list.setAttribute("role", "listbox");
    list.id = "pz-link-suggest";
    results.forEach((result, i) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.textContent = result.title;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(i);
      });
      list.append(item);
    });
    textarea.after(list);
    textarea.setAttribute("aria-controls", list.id);
    this.list = list;
    this.mark();
  }

  mark() {
    [...this.list.children].forEach((item, i) => item.setAttribute("aria-selected", String(i === this.index)));
  }

  key(event) {
    if (!this.list || event.target !== this.textarea) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      this.index = (this.index + (event.key === "ArrowDown" ? 1 : -1) + this.items.length) % this.items.length;
      this.mark();
    } else if (event.key === "Enter" || event.key === "Tab") {
      this.choose(this.index);
    } else if (event.key === "Escape") {
      this.close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  choose(i) {
    const textarea = this.textarea;
    const title = this.items[i].title.replace(/[[\]\n]/g, " ").trim();
    const cursor = textarea.selectionStart;
    const before = textarea.value.slice(0, cursor).replace(OPEN, `[[${title}]]`);
    const after = textarea.value.slice(cursor).replace(/^[^[\]\n]*\]\]/, "");
    textarea.value = before + after;
    textarea.selectionStart = textarea.selectionEnd = before.length;
    this.close();
    textarea.focus();
  }

  close() {
    this.list?.remove();
    this.textarea?.removeAttribute("aria-controls");
    this.list = null;
  }
}

const body = document.getElementById("article-body");
const blocks = body ? new Blocks(body) : null;
const data = readJson("pz-mentions");
const mentions = blocks && data ? new Mentions(blocks, data) : null;
if (blocks) {
  followHash(blocks, mentions);
  addEventListener("hashchange", () => followHash(blocks, mentions));
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-action="show-passage"]');
    if (!link) return;
    event.preventDefault();
    const item = link.closest(".suggestion");
    flash(blocks, Number(item.dataset.start), Number(item.dataset.end));
  });
}
const config = readJson("pz-links-config");
if (config?.targets && document.getElementById("pz-highlight-editor")) new LinkSuggest(config.targets);
