/**
 * The side panel about the neuron in focus. A hidden neuron: its incoming weights as an
 * image the input's shape, its bias and its activation (the server's), and its weights to
 * the digits. An output: the hidden neurons that push it up and down most for this drawing.
 * Test hook: [data-testid="neuron-panel"] carries data-neuron ("17", "out-3" or empty).
 */

import { el } from "./dom.js";
import { paintWeights } from "./network-colours.js";
import { percent, signed } from "./format.js";
import { incomingWeights, outgoingWeights, pushes, strongest } from "./network-math.js";
import { votesList } from "./network-votes.js";
import { Panel, lead, note, sign } from "./panel.js";

const DRAW_PROMPT = "Draw a digit to see the neurons fire.";
const MOST_ACTIVE = 6; // hidden neurons listed for a drawing
const PUSHES = 6; // hidden neurons listed pushing an output up, and down

export class NeuronPanel extends Panel {
  /** Show the item in focus ({kind, index} or null) for the activations act (or null). */
  render({ net, act, focus, pinned, message = null }) {
    const neuron = !focus ? "" : focus.kind === "hidden" ? String(focus.index) : `out-${focus.index}`;
    let content;
    if (!net || !focus) content = this.#overview(net, act, message);
    else if (focus.kind === "hidden") content = this.#hidden(net, act, focus.index);
    else content = this.#output(net, act, focus.index);
    this.fill(neuron, pinned, content);
  }

  #overview(net, act, message) {
    this.title.textContent = "The neurons";
    const how = note(
      "Hover over or tap a hidden neuron to see what it looks for; tap a digit to see which neurons push it up or down. " +
      "From the keyboard, focus the diagram and use the arrow keys.");  // prettier-ignore
    if (message || !act) return [lead(message || DRAW_PROMPT), how];
    if (!net) return [this.reads(act), how]; // the neurons' pictures come with the weights
    const active = strongest(act.a1, MOST_ACTIVE);
    return [
      this.reads(act),
      el("h3", {}, "The most active hidden neurons"),
      this.#neuronList(net, active, (v) => `a = ${v.toFixed(3)}`),
      how,
    ];
  }

  #hidden(net, act, j) {
    this.title.textContent = `Hidden neuron ${j}`;
    const weights = incomingWeights(net, j);
    const side = Math.round(Math.sqrt(net.nIn));
    const figure = (values, caption, attributes) =>
      el("figure", {}, paintWeights(el("canvas", { className: "weight-image", ...attributes }), values), el("figcaption", {}, caption));
    const stats = el("dl", { className: "stats" },
      el("dt", {}, "bias b"), el("dd", {}, signed(net.b1[j], 3)),
      el("dt", {}, "activation a"), el("dd", { "data-testid": "activation" }, act ? act.a1[j].toFixed(3) : "–"));  // prettier-ignore
    return [
      el("div", { className: "weight-figures" },
        figure(weights, "What it looks for",
          { "data-testid": "weight-image", "aria-label": `Incoming weights of neuron ${j} as a ${side} by ${side} image` }),
        act && figure(weights.map((w, i) => w * act.x[i]), "What it sees in your drawing",
          { "aria-label": "Pixel times weight for this drawing" })),  // prettier-ignore
      note("Blue pixels push it up, orange pixels push it down; black ones do not matter."),
      stats,
      act ? null : lead(DRAW_PROMPT),
      el("h3", {}, `Its weights to the ${net.nOut} digits`),
      votesList(outgoingWeights(net, j), act ? act.a1[j] : null),
    ];
  }

  #output(net, act, d) {
    this.title.textContent = `Output ${d}`;
    const list = (items, describe) => this.#neuronList(net, items, describe);
    return [
      lead(act ? `Probability ${percent(act.p[d])} (bias ${signed(net.b2[d], 3)}).` : DRAW_PROMPT),
      ...this.pushes(d, act, pushes(net, act && act.a1, d, PUSHES), list),
    ];
  }

  /** Buttons for hidden neurons [{index, value}], each with its small weight image. */
  #neuronList(net, items, describe) {
    const hidden = (index) => ({ kind: "hidden", index });
    return this.buttons(items, hidden, (index, value) => [
      paintWeights(el("canvas", { className: "weight-thumb" }), incomingWeights(net, index)),
      el("span", { className: "neuron-name" }, `#${index}`),
      el("span", { className: `neuron-value ${sign(value)}` }, describe(value)),
    ], "neuronButton");  // prettier-ignore
  }
}
