// Reading progress: a bar at the top of the screen, and the place (the code point
// offset of the block at the top of the screen, which survives other screen widths
// and text sizes) saved for the reader's account, or in this browser when logged out.

const SAVE_AFTER_MS = 1500;

export class Progress {
  constructor({ bar, blocks, api, url, loggedIn, documentId, saved }) {
    this.bar = bar;
    this.blocks = blocks;
    this.api = api;
    this.url = url;
    this.loggedIn = loggedIn;
    this.key = `pizhu:progress:${documentId}`;
    this.saved = saved ?? this.local();
    this.lastSent = this.saved?.offset ?? 0; // nothing to save until the reader moves
    addEventListener("scroll", () => this.scrolled(), { passive: true });
    addEventListener("pagehide", () => this.save({ keepalive: true }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.save({ keepalive: true });
    });
    this.draw();
  }

  local() {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? "null");
    } catch {
      return null;
    }
  }

  fraction() {
    const body = this.blocks.body.getBoundingClientRect();
    const total = body.height - innerHeight;
    if (total <= 0) return 1;
    return Math.min(1, Math.max(0, -body.top / total));
  }

  draw() {
    this.bar?.style.setProperty("--progress", this.fraction().toFixed(4));
  }

  scrolled() {
    if (!this.drawing) {
      this.drawing = true;
      requestAnimationFrame(() => {
        this.drawing = false;
        this.draw();
      });
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_AFTER_MS);
  }

  async save({ keepalive = false } = {}) {
    clearTimeout(this.timer);
    const offset = this.blocks.topOffset();
    if (offset === this.lastSent) return;
    this.lastSent = offset;
    const place = { offset, fraction: Number(this.fraction().toFixed(4)) };
    if (!this.loggedIn) {
      try {
        localStorage.setItem(this.key, JSON.stringify(place));
      } catch {
        // private mode: nothing to remember it in
      }
      return;
    }
    try {
      await this.api.call("PUT", this.url, place, { keepalive });
    } catch {
      this.lastSent = null; // try again next time
    }
  }

  // Back to where the reader stopped, on a fresh visit without a #fragment.
  restore() {
    const navigation = performance.getEntriesByType("navigation")[0];
    if (location.hash || navigation?.type === "reload" || navigation?.type === "back_forward") {
      return false;
    }
    const offset = this.saved?.offset ?? 0;
    if (offset <= 0) return false;
    const i = Math.min(this.blocks.indexAfter(offset), this.blocks.list.length - 1);
    const block = this.blocks.list[i];
    if (!block || i === 0) return false;
    block.el.scrollIntoView({ block: "start" });
    this.lastSent = block.start;
    return true;
  }
}
