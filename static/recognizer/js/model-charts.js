/** Line charts in SVG, drawn by the page: no library, no CDN. */

const SVG = "http://www.w3.org/2000/svg";
const W = 520;
const H = 240;
const PAD = { left: 52, right: 14, top: 12, bottom: 34 };

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  parent?.appendChild(node);
  return node;
}

function ticks(lo, hi, count) {
  const step = (hi - lo) / count;
  return Array.from({ length: count + 1 }, (_, i) => lo + i * step);
}

/**
 * series: [{name, values: number[], className}], x runs 1..n (epochs).
 * format: how to print a y value. Returns the <svg>.
 */
export function lineChart(series, { format = (v) => v.toFixed(2), yMin, yMax, title }) {
  const all = series.flatMap((s) => s.values);
  const lo = yMin ?? Math.min(...all);
  const hi = yMax ?? Math.max(...all);
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i) => PAD.left + ((W - PAD.left - PAD.right) * i) / Math.max(n - 1, 1);
  const y = (v) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - (v - lo) / (hi - lo || 1));
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  for (const v of ticks(lo, hi, 4)) {
    el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: "grid" }, svg);
    el("text", { x: PAD.left - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, svg).textContent = format(v);
  }
  for (const i of ticks(0, n - 1, Math.min(5, n - 1 || 1)).map(Math.round)) {
    el("text", { x: x(i), y: H - PAD.bottom + 18, class: "tick", "text-anchor": "middle" }, svg).textContent = i + 1;
  }
  el("text", { x: (W + PAD.left) / 2, y: H - 2, class: "axis", "text-anchor": "middle" }, svg).textContent = "epoch";
  series.forEach((s, k) => {
    const d = s.values.map((v, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join("");
    el("path", { d, class: `series ${s.className}` }, svg);
    const lx = PAD.left + 10 + k * 150;
    el("line", { x1: lx, x2: lx + 18, y1: PAD.top + 8, y2: PAD.top + 8, class: `series ${s.className}` }, svg);
    el("text", { x: lx + 24, y: PAD.top + 12, class: "legend" }, svg).textContent = s.name;
  });
  return svg;
}
