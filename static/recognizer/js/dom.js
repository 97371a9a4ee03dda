/** Building the pages' elements (el("p", {className: "x"}, "text", child, ...)), sizing
 * canvases for the screen, and what the screen asks for: a phone's layout, less motion. */

/** A new element: `props` are set as properties, except names with a hyphen ("aria-label",
 * "data-testid"), which are attributes; null, undefined and false children are left out. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.includes("-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Size `canvas` for `width` x `height` CSS pixels at the screen's pixel ratio; its 2-D
 * context then draws in CSS pixels. */
export function fitCanvas(canvas, { width, height }) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.getContext("2d").setTransform(ratio, 0, 0, ratio, 0, 0);
}

/** Whether the page has a phone's layout, where the network page's panel is a sheet (network.css). */
export const onPhone = () => window.matchMedia("(max-width: 759px)").matches;

/** How to scroll: smoothly, unless the reader asks for less motion. */
export const scrolling = () => (window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth");
