// Offsets as the server counts them: Unicode code points into the revision's canonical
// text (DESIGN.md), never UTF-16 indices. Every block element of the article carries
// data-start/data-end; a block shown in another script also carries data-original, its
// canonical text (the conversion maps one code point to one code point).

export const codePoints = (text) => [...text].length;

const SURROGATE = /[\uD800-\uDFFF]/;
const lengths = new WeakMap();

// The code point length of a text node, remembered: painting asks for it often.
function nodeLength(node) {
  let length = lengths.get(node);
  if (length === undefined) {
    length = SURROGATE.test(node.data) ? codePoints(node.data) : node.data.length;
    lengths.set(node, length);
  }
  return length;
}

// The UTF-16 index in `text` of its code point number `cp`.
function utf16Index(text, cp) {
  if (!SURROGATE.test(text)) return cp;
  let index = 0;
  for (const char of text) {
    if (cp-- <= 0) break;
    index += char.length;
  }
  return index;
}

function sliceCodePoints(text, from, to) {
  if (!SURROGATE.test(text)) return text.slice(from, to);
  return [...text].slice(from, to).join("");
}

export class Blocks {
  constructor(body) {
    this.body = body;
    this.list = [...body.querySelectorAll("[data-start]")].map((el) => ({
      el,
      start: Number(el.dataset.start),
      end: Number(el.dataset.end),
    }));
  }

  get length() {
    return this.list.length ? this.list[this.list.length - 1].end : 0;
  }

  // The index of the first block that ends after `offset` (binary search).
  indexAfter(offset) {
    let low = 0;
    let high = this.list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.list[mid].end <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  blockOf(element) {
    const el = element.closest("[data-start]");
    if (!el || !this.body.contains(el)) return null;
    return this.list.find((block) => block.el === el) ?? null;
  }

  // The offset of a DOM boundary point. A point outside every block (between two, or
  // beyond the article) snaps to the next block's start (bias "start") or to the
  // previous block's end (bias "end"), as a selection's ends should.
  offsetAt(node, offset, bias) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = element && this.blockOf(element);
    if (block) {
      const range = document.createRange();
      range.setStart(block.el, 0);
      range.setEnd(node, offset);
      return block.start + codePoints(range.toString());
    }
    const point = document.createRange();
    point.setStart(node, offset);
    if (bias === "start") {
      const next = this.list.find((b) => point.comparePoint(b.el, b.el.childNodes.length) > 0);
      return next ? next.start : this.length;
    }
    const before = this.list.filter((b) => point.comparePoint(b.el, 0) < 0);
    return before.length ? before[before.length - 1].end : 0;
  }

  // {start, end} of a DOM range, whitespace trimmed from both ends; null if nothing is left.
  offsetsOf(range) {
    let start = this.offsetAt(range.startContainer, range.startOffset, "start");
    let end = this.offsetAt(range.endContainer, range.endOffset, "end");
    if (end <= start) return null;
    const text = [...this.canonical(start, end)];
    let head = 0;
    while (head < text.length && /\s/u.test(text[head])) head++;
    let tail = text.length;
    while (tail > head && /\s/u.test(text[tail - 1])) tail--;
    if (tail <= head) return null;
    end = start + tail;
    start += head;
    return { start, end };
  }

  // Text between two offsets as shown (`which` = "shown") or as stored ("canonical").
  text(start, end, which) {
    const parts = [];
    let cursor = start;
    for (let i = this.indexAfter(start); i < this.list.length; i++) {
      const block = this.list[i];
      if (block.start >= end) break;
      if (block.start > cursor) parts.push("\n".repeat(block.start - cursor));
      const source =
        which === "canonical" && block.el.dataset.original !== undefined
          ? block.el.dataset.original
          : block.el.textContent;
      const from = Math.max(start, block.start) - block.start;
      const to = Math.min(end, block.end) - block.start;
      parts.push(sliceCodePoints(source, from, to));
      cursor = block.start + to;
    }
    return parts.join("");
  }

  canonical(start, end) {
    return this.text(start, end, "canonical");
  }

  shown(start, end) {
    return this.text(start, end, "shown");
  }

  // The DOM point of `offset`: inside the block holding it; an offset between blocks
  // moves to the next block's start ("start") or the previous block's end ("end").
  pointAt(offset, bias) {
    let i = this.indexAfter(offset);
    if (bias === "end" && i > 0 && (i === this.list.length || this.list[i].start >= offset)) i--;
    if (i >= this.list.length) i = this.list.length - 1;
    const block = this.list[i];
    let remaining = Math.min(Math.max(offset, block.start), block.end) - block.start;
    const walker = document.createTreeWalker(block.el, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = nodeLength(node);
      if (remaining < length || (remaining === length && bias === "end")) {
        return [node, utf16Index(node.data, remaining)];
      }
      remaining -= length;
      last = node;
    }
    return last ? [last, last.data.length] : [block.el, block.el.childNodes.length];
  }

  range(start, end) {
    const range = document.createRange();
    range.setStart(...this.pointAt(start, "start"));
    range.setEnd(...this.pointAt(end, "end"));
    return range;
  }

  // The offset under a screen point, or null when it is not on the article's text.
  offsetFromPoint(x, y) {
    let node;
    let offset;
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      if (!position) return null;
      [node, offset] = [position.offsetNode, position.offset];
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (!range) return null;
      [node, offset] = [range.startContainer, range.startOffset];
    } else {
      return null;
    }
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    if (!element || !this.blockOf(element)) return null;
    return this.offsetAt(node, offset, "start");
  }

  // The block nearest the top of the viewport: where the reader is.
  topOffset() {
    for (const block of this.list) {
      if (block.el.getBoundingClientRect().bottom > 8) return block.start;
    }
    return this.length;
  }
}
