/**
 * A unit's weights to the ten digits as a list of signed bars (blue up, orange down), the
 * strongest in bold; shared by the 784-250-10's hidden neurons and the CNN's dense units.
 */

import { el } from "./dom.js";
import { signed } from "./format.js";
import { maxAbs, topK } from "./network-math.js";

const STRONGEST_VOTES = 3; // of a unit's weights to the digits, shown in bold

/** The list for `weights` (one per digit); with the unit's activation `a`, a note on a × weight. */
export function votesList(weights, a = null) {
  const scale = maxAbs(weights);
  const strongest = new Set(topK(weights.length, STRONGEST_VOTES, (d) => Math.abs(weights[d])));
  const rows = Array.from(weights, (w, d) => {
    const fill = el("span", { className: `vote-fill ${w >= 0 ? "pos" : "neg"}` });
    fill.style.width = `${(50 * Math.abs(w)) / scale}%`;
    return el("li", { className: strongest.has(d) ? "strong" : "" },
      el("span", { className: "vote-digit" }, String(d)),
      el("span", { className: "vote-track" }, fill),
      el("span", { className: `vote-value ${w >= 0 ? "pos" : "neg"}` }, signed(w)));  // prettier-ignore
  });
  const note = a === null ? null : el("p", { className: "panel-note" },
    `For this drawing it sends a × weight = ${a.toFixed(3)} × weight to each digit.`);  // prettier-ignore
  return el("div", {}, el("ol", { className: "votes", "aria-label": "Weights to each digit" }, ...rows), note);
}
