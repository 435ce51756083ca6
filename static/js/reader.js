// The reading page's annotation layer: highlights painted over the article, the margin,
// the selection menu, keyboard shortcuts, find, progress and display settings. The
// server's data arrives through json_script (#pz-reader-config); changes go through the
// JSON API. Offsets are code points from each block's data-start (offsets.js).

import { Api } from "./api.js";
import { Find } from "./find.js";
import "./highlight-menu.js";
import { Margin } from "./margin.js";
import { Blocks } from "./offsets.js";
import { paint } from "./paint.js";
import { Progress } from "./progress.js";
import { enhanceSettings } from "./reading-settings.js";
import { installShortcuts } from "./shortcuts.js";
import { HighlightStore } from "./store.js";
import { Toast } from "./toast.js";

const NARROW = matchMedia("(max-width: 1099px)");
const WIDE = matchMedia("(min-width: 1400px)");

class Reader {
  constructor(config) {
    this.config = config;
    this.body = document.getElementById("article-body");
    this.blocks = new Blocks(this.body);
    this.api = new Api(config.csrfToken);
    this.store = new HighlightStore(this.api, config.api, config.document, config.highlights);
    this.toast = new Toast(document.querySelector(".toast"));
    this.menu = document.querySelector("pz-highlight-menu");
    this.aside = document.getElementById("margin");
    this.current = null;
    this.reattaching = null;
    this.margin = new Margin(this.aside, {
      store: this.store,
      blocks: this.blocks,
      themes: config.themes,
      groups: config.groups ?? [],
      tagUrl: this.aside.querySelector(".margin-foot a")?.pathname ?? "/highlights/",
      handlers: {
        focus: (id) => this.show(id, { focusMargin: false }),
        edit: (id) => this.edit(id, "note"),
        delete: (id) => this.remove(id),
        reattach: (id) => this.startReattach(id),
        save: (id, changes) => this.store.update(id, changes),
        reply: (id, body) => this.store.addReply(id, body),
        editReply: (id, replyId, body) => this.store.editReply(id, replyId, body),
        deleteReply: (id, replyId) => this.removeReply(id, replyId),
      },
    });
    this.knownTags(config.tags);
    this.store.addEventListener("change", (event) => this.changed(event.detail));
    this.menu.connect(this.blocks);
    this.menu.addEventListener("pz-menu", (event) => this.menuAction(event.detail));
    this.find = new Find(document.querySelector(".find-bar"), this.blocks);
    this.progress = new Progress({
      bar: document.querySelector(".progress-bar"),
      blocks: this.blocks,
      api: this.api,
      url: config.api.progress,
      loggedIn: config.loggedIn,
      documentId: config.document,
      saved: config.progress,
    });
    enhanceSettings(document.getElementById("reading-settings"), {
      onScriptChange: () => {
        this.progress.save();
        location.reload();
      },
    });
    this.installLayout();
    this.installShortcuts();
    this.body.addEventListener("click", (event) => this.clicked(event));
    this.margin.render();
    this.repaint();
    addEventListener("hashchange", () => this.followHash());
    if (!this.followHash()) this.progress.restore();
    document.documentElement.classList.add("reader-ready");
  }

  knownTags(names) {
    const list = document.getElementById("pz-known-tags");
    const have = new Set([...list.options].map((o) => o.value));
    for (const name of names) {
      if (have.has(name)) continue;
      const option = document.createElement("option");
      option.value = name;
      list.append(option);
    }
  }

  changed(detail) {
    if (detail.removed && detail.id === this.current) this.current = null;
    if (detail.error) this.toast.show(detail.error.message);
    const highlight = detail.id ? this.store.get(detail.id) : null;
    if (highlight) this.knownTags(highlight.tags);
    this.margin.render();
    this.margin.setCurrent(this.current, { scroll: false });
    this.repaint();
  }

  repaint() {
    const current = this.current === null ? null : this.store.get(this.current);
    paint(this.blocks, this.store.placed(), current?.state === "orphaned" ? null : current);
  }

  // --- layout: the margin is a drawer on narrow screens --------------------------

  installLayout() {
    this.toggle = document.querySelector(".margin-toggle");
    this.closeButton = this.aside.querySelector('[data-action="close-margin"]');
    this.toggle.addEventListener("click", () => this.openMargin(!this.aside.classList.contains("open")));
    this.closeButton.addEventListener("click", () => this.openMargin(false));
    const contents = document.getElementById("contents");
    const layout = () => {
      this.toggle.hidden = !NARROW.matches;
      this.closeButton.hidden = !NARROW.matches;
      if (!NARROW.matches) this.openMargin(false);
      if (contents) contents.open = WIDE.matches;
    };
    NARROW.addEventListener("change", layout);
    WIDE.addEventListener("change", layout);
    layout();
    for (const button of document.querySelectorAll(".reader-tools [hidden][data-action]")) {
      button.hidden = false;
    }
    document.querySelector('.reader-tools [data-action="help"]').addEventListener("click", () => this.help());
    document.querySelector('.reader-tools [data-action="find"]').addEventListener("click", () => this.find.open());
    contents?.addEventListener("click", (event) => {
      if (event.target.closest("a") && !WIDE.matches) contents.open = false;
    });
    if (contents) this.followContents(contents);
  }

  // Mark the section being read in the contents.
  followContents(contents) {
    const links = [...contents.querySelectorAll("a[data-start]")];
    const mark = () => {
      const top = this.blocks.topOffset();
      let current = null;
      for (const link of links) if (Number(link.dataset.start) <= top) current = link;
      for (const link of links) link.toggleAttribute("aria-current", link === current);
      if (current) current.setAttribute("aria-current", "true");
    };
    let pending = false;
    addEventListener("scroll", () => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        mark();
      }, 150);
    }, { passive: true });
    mark();
  }

  openMargin(open) {
    const drawer = NARROW.matches;
    this.aside.classList.toggle("open", drawer && open);
    this.toggle.setAttribute("aria-expanded", String(drawer && open));
    if (drawer && open) this.margin.setCurrent(this.current);
  }

  marginVisible() {
    return !NARROW.matches || this.aside.classList.contains("open");
  }

  // --- highlights ---------------------------------------------------------------

  show(id, { focusMargin = true, scrollText = true } = {}) {
    const highlight = this.store.get(id);
    if (!highlight) return;
    this.current = id;
    this.margin.setCurrent(id, { scroll: this.marginVisible() });
    this.repaint();
    if (highlight.state !== "orphaned" && scrollText) {
      const rect = this.blocks.range(highlight.start, highlight.end).getBoundingClientRect();
      if (rect.top < 60 || rect.bottom > innerHeight - 60) scrollBy({ top: rect.top - innerHeight / 3 });
    }
    if (focusMargin && this.marginVisible()) this.margin.focusItem(id);
  }

  step(direction) {
    const placed = this.store.placed();
    if (!placed.length) {
      this.toast.show("No highlights yet: select some text and press h.");
      return;
    }
    let index = placed.findIndex((h) => h.id === this.current);
    if (index === -1) {
      // Nothing current yet: start from what is on the screen.
      const top = this.blocks.topOffset();
      if (direction > 0) index = Math.max(0, placed.findIndex((h) => h.start >= top));
      else index = placed.findLastIndex((h) => h.start < top);
      if (index === -1) index = placed.length - 1;
    } else {
      index = (index + direction + placed.length) % placed.length;
    }
    this.show(placed[index].id, { focusMargin: false });
  }

  clicked(event) {
    if (event.target.closest("a") || !document.getSelection().isCollapsed) return;
    const offset = this.blocks.offsetFromPoint(event.clientX, event.clientY);
    if (offset === null) return;
    const under = this.store
      .placed()
      .filter((h) => h.start <= offset && offset < h.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start));
    if (!under.length) return;
    // Tapping again cycles through overlapping highlights, shortest first.
    const at = under.findIndex((h) => h.id === this.current);
    const next = under[(at + 1) % under.length];
    this.show(next.id, { focusMargin: false, scrollText: false });
    if (NARROW.matches) this.openMargin(true);
  }

  async create(selection, then) {
    if (!this.config.loggedIn) {
      location.href = this.config.loginUrl;
      return;
    }
    const exact = this.blocks.canonical(selection.start, selection.end);
    try {
      const created = await this.store.create({ start: selection.start, end: selection.end, exact });
      document.getSelection().removeAllRanges();
      this.menu.hide();
      this.current = created.id;
      this.show(created.id, { focusMargin: false, scrollText: false });
      if (then) this.edit(created.id, then);
      else this.toast.show("已高亮 Highlighted");
    } catch (error) {
      this.toast.show(error.message, { seconds: 8 });
    }
  }

  edit(id, focus) {
    if (NARROW.matches) this.openMargin(true);
    this.current = id;
    this.margin.setCurrent(id);
    this.repaint();
    if (this.store.get(id)?.mine === false) {
      // Someone else's: not ours to edit, but we may answer it.
      if (!this.margin.focusReply(id)) this.toast.show("Only its author can edit this highlight.");
      return;
    }
    this.margin.openEditor(id, focus);
  }

  async removeReply(id, replyId) {
    if (!confirm("删除这条回复？ Delete this reply?")) return;
    try {
      await this.store.removeReply(id, replyId);
      this.toast.show("已删除 Reply deleted");
    } catch (error) {
      this.toast.show(error.message, { seconds: 8 });
    }
  }

  remove(id) {
    const undo = this.store.remove(id);
    this.toast.show("已删除 Highlight deleted", { undo, seconds: this.store.undoSeconds });
  }

  startReattach(id) {
    this.reattaching = id;
    this.menu.setMode("reattach");
    if (NARROW.matches) this.openMargin(false);
    this.toast.show("Select the passage this belongs to, then choose “Attach here”.", { seconds: 12 });
  }

  async attach(selection) {
    const id = this.reattaching;
    const exact = this.blocks.canonical(selection.start, selection.end);
    try {
      await this.store.update(id, { start: selection.start, end: selection.end, exact });
      this.cancelReattach();
      document.getSelection().removeAllRanges();
      this.show(id, { focusMargin: false, scrollText: false });
      this.toast.show("已重新附加 Re-attached");
    } catch (error) {
      this.toast.show(error.message, { seconds: 8 });
    }
  }

  cancelReattach() {
    this.reattaching = null;
    this.menu.setMode("create");
    this.menu.hide();
  }

  menuAction({ action, selection }) {
    if (action === "highlight") this.create(selection);
    else if (action === "note") this.create(selection, "note");
    else if (action === "tag") this.create(selection, "tags");
    else if (action === "attach") this.attach(selection);
    else if (action === "cancel-attach") this.cancelReattach();
  }

  // --- keyboard -----------------------------------------------------------------

  help() {
    const dialog = document.getElementById("shortcuts");
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  onSelectionOr(then, fallback) {
    const selection = this.menu.takeSelection();
    if (selection) {
      if (this.reattaching !== null) this.attach(selection);
      else this.create(selection, then);
    } else if (fallback && this.current !== null) {
      this.edit(this.current, then);
    } else {
      this.toast.show("Select some text first.");
    }
  }

  installShortcuts() {
    installShortcuts({
      j: () => this.step(1),
      k: () => this.step(-1),
      h: () => this.onSelectionOr(null, false),
      n: () => this.onSelectionOr("note", true),
      t: () => this.onSelectionOr("tags", true),
      "/": () => this.find.open(),
      "?": () => this.help(),
      Escape: () => {
        if (this.reattaching !== null) this.cancelReattach();
        else if (!this.menu.hidden) {
          document.getSelection().removeAllRanges();
          this.menu.hide();
        } else if (this.aside.classList.contains("open")) this.openMargin(false);
        else return false;
      },
    });
  }

  followHash() {
    const match = /^#(highlight|reply)-(\d+)$/.exec(location.hash);
    if (!match) return false;
    const id = match[1] === "reply" ? this.store.findReply(Number(match[2]))?.id : Number(match[2]);
    if (!id || !this.store.get(id)) return false;
    if (NARROW.matches && match[1] === "reply") this.openMargin(true);
    this.show(id, { focusMargin: true });
    if (match[1] === "reply") document.getElementById(location.hash.slice(1))?.scrollIntoView({ block: "nearest" });
    return true;
  }
}

const config = document.getElementById("pz-reader-config");
if (config && document.getElementById("article-body")) {
  window.pizhuReader = new Reader(JSON.parse(config.textContent));
}
