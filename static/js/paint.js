// Highlights drawn with the CSS Custom Highlight API: the article's DOM is never
// changed, so its text, offsets and selection behave exactly as without highlights.
// Overlaps show distinctly: each stretch is drawn at its depth (one, two, three or
// more highlights over it), the current highlight is underlined, notes are dotted.
// Other readers' highlights shared with this one are drawn apart (pz-hl-other: a
// different colour), so one's own stay recognisable.

const DEPTHS = ["pz-hl-1", "pz-hl-2", "pz-hl-3"];
export const supported = typeof CSS !== "undefined" && "highlights" in CSS;

// Split highlights into stretches [start, end) with the number of highlights over each.
export function stretches(highlights) {
  const edges = new Map();
  for (const { start, end } of highlights) {
    edges.set(start, (edges.get(start) ?? 0) + 1);
    edges.set(end, (edges.get(end) ?? 0) - 1);
  }
  const points = [...edges.keys()].sort((a, b) => a - b);
  const result = [];
  let depth = 0;
  for (let i = 0; i < points.length - 1; i++) {
    depth += edges.get(points[i]);
    if (depth > 0) result.push({ start: points[i], end: points[i + 1], depth });
  }
  return result;
}

export function paint(blocks, all, current) {
  if (!supported) return;
  const highlights = all.filter((h) => h.mine !== false);
  const others = all.filter((h) => h.mine === false);
  const shared = new Highlight(...stretches(others).map((s) => blocks.range(s.start, s.end)));
  CSS.highlights.set("pz-hl-other", shared);
  const layers = DEPTHS.map(() => []);
  for (const { start, end, depth } of stretches(highlights)) {
    layers[Math.min(depth, DEPTHS.length) - 1].push(blocks.range(start, end));
  }
  DEPTHS.forEach((name, i) => CSS.highlights.set(name, new Highlight(...layers[i])));
  const notes = new Highlight(
    ...all.filter((h) => h.note.trim()).map((h) => blocks.range(h.start, h.end)),
  );
  notes.priority = 1;
  CSS.highlights.set("pz-hl-note", notes);
  const focus = new Highlight(...(current ? [blocks.range(current.start, current.end)] : []));
  focus.priority = 2;
  CSS.highlights.set("pz-hl-current", focus);
}

export function paintMatches(blocks, matches, current) {
  if (!supported) return;
  CSS.highlights.set("pz-find", new Highlight(...matches.map((m) => blocks.range(m.start, m.end))));
  const focus = new Highlight(...(current ? [blocks.range(current.start, current.end)] : []));
  focus.priority = 3;
  CSS.highlights.set("pz-find-current", focus);
}
