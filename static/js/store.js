// The highlights of this document the reader may see, kept in step with the server:
// their own (`mine`) and others' shared with them, each with its `replies`. Listeners
// hear "change" after every create, edit, delete, undo and reply.

import { ApiError } from "./api.js";

const UNDO_SECONDS = 6;

export class HighlightStore extends EventTarget {
  constructor(api, urls, documentId, highlights) {
    super();
    this.api = api;
    this.urls = urls;
    this.documentId = documentId;
    this.items = new Map(highlights.map((h) => [h.id, h]));
    this.pending = new Map(); // id -> timer of a deletion that can still be undone
    addEventListener("pagehide", () => this.flush());
  }

  url(id) {
    return `${this.urls.highlights}${id}/`;
  }

  repliesUrl(id) {
    return this.urls.replies.replace("{id}", String(id));
  }

  replyUrl(replyId) {
    return this.urls.reply.replace("{id}", String(replyId));
  }

  // The API's highlight, keeping what only the page knows (whose it is, its replies).
  merged(id, fresh) {
    const known = this.items.get(id);
    return { mine: true, replies: [], ...known, ...fresh };
  }

  changed(detail = {}) {
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  get(id) {
    return this.pending.has(id) ? undefined : this.items.get(id);
  }

  visible() {
    return [...this.items.values()].filter((h) => !this.pending.has(h.id));
  }

  // Placed highlights in document order; orphans ("could not be placed") apart.
  placed() {
    return this.visible()
      .filter((h) => h.state !== "orphaned")
      .sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
  }

  orphans() {
    return this.visible().filter((h) => h.state === "orphaned" && h.mine !== false);
  }

  findReply(replyId) {
    for (const highlight of this.visible()) {
      if (highlight.replies?.some((r) => r.id === replyId)) return highlight;
    }
    return undefined;
  }

  async addReply(id, body) {
    const reply = await this.api.call("POST", this.repliesUrl(id), { body });
    const highlight = this.items.get(id);
    highlight.replies = [...(highlight.replies ?? []), reply];
    this.changed({ id });
    return reply;
  }

  async editReply(id, replyId, body) {
    const reply = await this.api.call("PATCH", this.replyUrl(replyId), { body });
    const highlight = this.items.get(id);
    highlight.replies = highlight.replies.map((r) => (r.id === replyId ? reply : r));
    this.changed({ id });
    return reply;
  }

  async removeReply(id, replyId) {
    await this.api.call("DELETE", this.replyUrl(replyId));
    const highlight = this.items.get(id);
    highlight.replies = highlight.replies.filter((r) => r.id !== replyId);
    this.changed({ id });
  }

  async create(fields) {
    const body = { document: this.documentId, ...fields };
    const created = await this.api.call("POST", this.urls.highlights, body);
    this.items.set(created.id, { ...created, mine: true, replies: [] });
    this.changed({ id: created.id });
    return created;
  }

  // PATCH with the version this page holds; a 409 brings the stored highlight, which
  // replaces ours before the error goes on to the caller.
  async update(id, changes) {
    const current = this.items.get(id);
    try {
      const updated = await this.api.call("PATCH", this.url(id), {
        ...changes,
        version: current.version,
      });
      this.items.set(id, this.merged(id, updated));
      this.changed({ id });
      return updated;
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.body?.current) {
        this.items.set(id, this.merged(id, error.body.current));
        this.changed({ id });
      }
      throw error;
    }
  }

  // Hide now, delete on the server after the undo window (or when the page goes away).
  remove(id) {
    const timer = setTimeout(() => this.commit(id), UNDO_SECONDS * 1000);
    this.pending.set(id, timer);
    this.changed({ id, removed: true });
    return () => this.undo(id);
  }

  undo(id) {
    if (!this.pending.has(id)) return false;
    clearTimeout(this.pending.get(id));
    this.pending.delete(id);
    this.changed({ id, restored: true });
    return true;
  }

  async commit(id, { keepalive = false } = {}) {
    if (!this.pending.has(id)) return;
    clearTimeout(this.pending.get(id));
    this.pending.delete(id);
    const highlight = this.items.get(id);
    this.items.delete(id);
    try {
      await this.api.call("DELETE", this.url(id), undefined, {
        ifMatch: highlight.version,
        keepalive,
      });
    } catch (error) {
      if (error.status === 404) return; // already gone
      this.items.set(id, highlight); // it is still there: show it again
      this.changed({ id, restored: true, error });
    }
  }

  flush() {
    for (const id of [...this.pending.keys()]) this.commit(id, { keepalive: true });
  }

  get undoSeconds() {
    return UNDO_SECONDS;
  }
}
