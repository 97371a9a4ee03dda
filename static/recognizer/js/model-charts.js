/** Line charts in SVG, drawn by the page: no library, no CDN. Ticks are round (model-ticks.js). */

import { percentTick } from "./format.js";
import { niceTicks, stepDecimals, ticksWithin } from "./model-ticks.js";

const SVG = "http://www.w3.org/2000/svg";
const H = 250;
// The legend has a band of its own above the plot, so no label sits on a line.
const PAD = { left: 56, right: 14, top: 36, bottom: 38 };

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  parent?.appendChild(node);
  return node;
}

/**
 * series: [{name, values: number[], className}], x runs 1..n (epochs).
 * percent: values are fractions shown as percentages (the axis stops at 100%).
 * width: the width it is shown at, in CSS pixels: one unit of the drawing is one pixel on
 * screen, so the text is as large as the style sheet says.
 * Returns the <svg>.
 */
export function lineChart(series, { percent = false, title, width = 520 }) {
  const W = width;
  const all = series.flatMap((s) => s.values);
  const axis = niceTicks(Math.min(...all), Math.max(...all), { count: 4, limit: percent ? 1 : Infinity });
  const digits = stepDecimals(percent ? 100 * axis.step : axis.step);
  const format = (v) => (percent ? percentTick(v, digits) : v.toFixed(digits));
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (epoch) => PAD.left + ((W - PAD.left - PAD.right) * (epoch - 1)) / Math.max(n - 1, 1);
  const y = (v) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - (v - axis.lo) / (axis.hi - axis.lo));
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  for (const v of axis.values) {
    el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: "grid" }, svg);
    el("text", { x: PAD.left - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, svg).textContent = format(v);
  }
  for (const epoch of ticksWithin(1, n, { count: Math.max(2, Math.min(6, Math.floor(W / 70))), integer: true }).values) {
    el("text", { x: x(epoch), y: H - PAD.bottom + 19, class: "tick", "text-anchor": "middle" }, svg).textContent =
      epoch;
  }
  el("text", { x: (W + PAD.left) / 2, y: H - 2, class: "axis", "text-anchor": "middle" }, svg).textContent = "epoch";
  series.forEach((s, k) => {
    const d = s.values.map((v, i) => `${i ? "L" : "M"}${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join("");
    el("path", { d, class: `series ${s.className}` }, svg);
    const lx = PAD.left + k * 130;
    el("line", { x1: lx, x2: lx + 18, y1: 13, y2: 13, class: `series ${s.className}` }, svg);
    el("text", { x: lx + 24, y: 18, class: "legend" }, svg).textContent = s.name;
  });
  return svg;
}
