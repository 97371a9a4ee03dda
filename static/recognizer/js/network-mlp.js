/**
 * The 784-250-10 network on the network page: the diagram of its three layers (drawn from
 * the server's activations) with the strongest connections once the weights are in, and the
 * panel about the neuron in focus. The mouse hovers a neuron to preview it; a click, a tap or
 * the keyboard selects one (network-select.js).
 */

import { onPhone, scrolling } from "./dom.js";
import { LINES, NetworkDiagram } from "./network-diagram.js";
import { activationsFrom } from "./network-math.js";
import { NeuronPanel } from "./network-panel.js";
import { Selection } from "./network-select.js";
import { assembleNetwork } from "./network-weights.js";

export class MlpView {
  /** The network of `model` ({sizes, ...}) in the page `root`; `onChange` hears a selection. */
  constructor(root, model, onChange = () => {}) {
    const section = root.querySelector('[data-view="mlp"]');
    section.hidden = false;
    this.sizes = model.sizes;
    this.onChange = onChange;
    this.wantsActivations = false; // every answer of the 784-250-10 carries its activations
    this.net = null;
    this.act = null;
    this.message = null;
    this.pinned = null;
    this.diagram = new NetworkDiagram(section.querySelector("[data-stage]"), this.sizes);
    this.canvas = section.querySelector("[data-layer='base']");
    this.selection = new Selection(this.canvas, this.diagram);
    this.panel = new NeuronPanel(root.querySelector('[data-testid="neuron-panel"]'), (item) => {
      this.selection.select(item);
      if (!item) this.canvas.focus(); // the close button is gone: back to the diagram
    });
    section.querySelector("[data-lines-note]").textContent =
      `Lines: for each hidden neuron its ${LINES.perHidden} strongest inputs, for each digit its ` +
      `${LINES.perOutput} strongest hidden neurons (input × weight for your drawing, the weight alone before).`;
    this.selection.addEventListener("change", () => this.#render());
  }

  get selected() {
    return this.selection.selected;
  }

  select(item) {
    this.selection.select(item);
  }

  /** The parsed .npy arrays W1, b1, W2, b2. */
  setWeights(arrays) {
    this.net = assembleNetwork(arrays);
    this.diagram.setNetwork(this.net);
    this.#render();
  }

  /** One digit of the server's answer, or null and what to say instead. */
  show(answer, message = null) {
    this.act = answer && activationsFrom(answer, this.sizes);
    this.message = message;
    this.diagram.setActivations(this.act);
    this.#render();
  }

  #render() {
    const { focus, selected } = this.selection;
    if (selected && selected !== this.pinned && onPhone()) {
      // The sheet covers the bottom of the screen: bring the diagram up above it.
      this.canvas.scrollIntoView({ block: "start", behavior: scrolling() });
    }
    const changed = selected !== this.pinned;
    this.pinned = selected;
    this.diagram.setFocus(this.net ? focus : null);
    const { net, act, message } = this;
    this.panel.render({ net, act, focus: net ? focus : null, pinned: selected, message });
    if (changed) this.onChange(selected);
  }
}
