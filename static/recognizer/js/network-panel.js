/**
 * The side panel about the neuron in focus. A hidden neuron: its incoming weights as an
 * image the input's shape, its bias and its activation (the server's), and its weights to
 * the digits. An output: the hidden neurons that push it up and down most for this drawing.
 * Test hook: [data-testid="neuron-panel"] carries data-neuron ("17", "out-3" or empty).
 */

import { el } from "./dom.js";
import { paintWeights } from "./network-colours.js";
import { aDigit, percent, signed } from "./format.js";
import { incomingWeights, outgoingWeights, pushes, topK } from "./network-math.js";
import { votesList } from "./network-votes.js";

const DRAW_PROMPT = "Draw a digit to see the neurons fire.";
const MOST_ACTIVE = 6; // hidden neurons listed for a drawing
const PUSHES = 6; // hidden neurons listed pushing an output up, and down

export class NeuronPanel {
  constructor(box, onSelect) {
    this.box = box;
    this.onSelect = onSelect;
    this.title = box.querySelector("[data-panel-title]");
    this.body = box.querySelector("[data-panel-body]");
    this.close = box.querySelector("[data-panel-close]");
    this.close.addEventListener("click", () => onSelect(null));
  }

  /** Show the item in focus ({kind, index} or null) for the activations act (or null). */
  render({ net, act, focus, pinned, message = null }) {
    this.box.dataset.neuron = !focus ? "" : focus.kind === "hidden" ? String(focus.index) : `out-${focus.index}`;
    this.box.classList.toggle("is-pinned", Boolean(pinned));
    this.close.hidden = !pinned;
    let content;
    if (!net || !focus) content = this.#overview(net, act, message);
    else if (focus.kind === "hidden") content = this.#hidden(net, act, focus.index);
    else content = this.#output(net, act, focus.index);
    this.body.replaceChildren(...content.filter(Boolean));
  }

  #overview(net, act, message) {
    this.title.textContent = "The neurons";
    const how = el("p", { className: "panel-note" },
      "Hover over or tap a hidden neuron to see what it looks for; tap a digit to see which neurons push it up or down. " +
      "From the keyboard, focus the diagram and use the arrow keys.");  // prettier-ignore
    if (message) return [el("p", { className: "panel-lead" }, message), how];
    if (!act) return [el("p", { className: "panel-lead" }, DRAW_PROMPT), how];
    const lead = el("p", { className: "panel-lead" }, `The network reads ${aDigit(act.digit)} (${percent(act.p[act.digit])}).`);
    if (!net) return [lead, how]; // the neurons' pictures come with the weights
    const active = topK(act.a1.length, MOST_ACTIVE, (j) => act.a1[j]).map((j) => ({ index: j, value: act.a1[j] }));
    return [
      lead,
      el("h3", {}, "The most active hidden neurons"),
      this.#neuronList(net, active, (v) => `a = ${v.toFixed(3)}`),
      how,
    ];
  }

  #hidden(net, act, j) {
    this.title.textContent = `Hidden neuron ${j}`;
    const weights = incomingWeights(net, j);
    const picture = el("canvas", { className: "weight-image" });
    picture.dataset.testid = "weight-image";
    const side = Math.round(Math.sqrt(net.nIn));
    picture.setAttribute("aria-label", `Incoming weights of neuron ${j} as a ${side} by ${side} image`);
    paintWeights(picture, weights);
    const figures = [el("figure", {}, picture, el("figcaption", {}, "What it looks for"))];
    if (act) {
      const seen = el("canvas", { className: "weight-image" });
      seen.setAttribute("aria-label", "Pixel times weight for this drawing");
      paintWeights(seen, weights.map((w, i) => w * act.x[i]));
      figures.push(el("figure", {}, seen, el("figcaption", {}, "What it sees in your drawing")));
    }
    const activation = el("dd", {}, act ? act.a1[j].toFixed(3) : "–");
    activation.dataset.testid = "activation";
    const stats = el("dl", { className: "stats" },
      el("dt", {}, "bias b"), el("dd", {}, signed(net.b1[j], 3)),
      el("dt", {}, "activation a"), activation);  // prettier-ignore
    return [
      el("div", { className: "weight-figures" }, ...figures),
      el("p", { className: "panel-note" }, "Blue pixels push it up, orange pixels push it down; black ones do not matter."),
      stats,
      act ? null : el("p", { className: "panel-lead" }, DRAW_PROMPT),
      el("h3", {}, `Its weights to the ${net.nOut} digits`),
      votesList(outgoingWeights(net, j), act ? act.a1[j] : null),
    ];
  }

  #output(net, act, d) {
    this.title.textContent = `Output ${d}`;
    const { up, down } = pushes(net, act && act.a1, d, PUSHES);
    const lead = act
      ? el("p", { className: "panel-lead" }, `Probability ${percent(act.p[d])} (bias ${signed(net.b2[d], 3)}).`)
      : el("p", { className: "panel-lead" }, DRAW_PROMPT);
    const label = act ? (v) => `${signed(v)} (a × w)` : (v) => `w = ${signed(v)}`;
    return [
      lead,
      el("h3", {}, act ? `Pushing ${d} up most` : `Strongest positive weights into ${d}`),
      up.length ? this.#neuronList(net, up, label) : el("p", { className: "panel-note" }, "None."),
      el("h3", {}, act ? `Pushing ${d} down most` : `Strongest negative weights into ${d}`),
      down.length ? this.#neuronList(net, down, label) : el("p", { className: "panel-note" }, "None."),
    ];
  }

  /** Buttons for hidden neurons [{index, value}], each with its small weight image. */
  #neuronList(net, items, describe) {
    return el("ul", { className: "neuron-list" }, ...items.map(({ index, value }) => {
      const picture = paintWeights(el("canvas", { className: "weight-thumb" }), incomingWeights(net, index));
      const button = el("button", { type: "button" }, picture,
        el("span", { className: "neuron-name" }, `#${index}`),
        el("span", { className: `neuron-value ${value >= 0 ? "pos" : "neg"}` }, describe(value)));  // prettier-ignore
      button.dataset.neuronButton = String(index);
      button.addEventListener("click", () => {
        this.onSelect({ kind: "hidden", index });
        this.title.focus(); // the button is gone: keep the keyboard's place in the panel
      });
      return el("li", {}, button);
    }));  // prettier-ignore
  }
}
