// Notes arrive as HTML the server already sanitised (annotations/notes.py). They still
// never go through innerHTML: the string is parsed inertly (DOMParser runs no scripts and
// loads nothing) and rebuilt element by element through the same small allowlist.

const TAGS = new Set([
  "P", "BR", "STRONG", "EM", "DEL", "CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI", "A",
  "H1", "H2", "H3", "H4", "H5", "H6", "HR", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD",
]);
const SCHEMES = new Set(["http:", "https:", "mailto:"]);

function copy(node, into) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.append(document.createTextNode(child.data));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      if (!TAGS.has(child.tagName)) {
        copy(child, into); // keep the text of anything unexpected, drop the element
        continue;
      }
      const element = document.createElement(child.tagName.toLowerCase());
      if (child.tagName === "A") {
        const href = child.getAttribute("href") ?? "";
        try {
          const url = new URL(href, location.href);
          if (SCHEMES.has(url.protocol)) element.href = url.href;
        } catch {
          // not a URL: the text stays, without a link
        }
        element.rel = "nofollow noopener noreferrer";
        element.target = "_blank";
      } else if (child.tagName === "OL" && /^\d{1,9}$/.test(child.getAttribute("start") ?? "")) {
        element.setAttribute("start", child.getAttribute("start"));
      }
      copy(child, element);
      into.append(element);
    }
  }
  return into;
}

export function fragmentFrom(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return copy(parsed.body, document.createDocumentFragment());
}
