/**
 * The convolutional network on the network page, layer by layer from top to bottom (so it
 * reads the same on a phone and a desktop): the digit as the network reads it, each
 * convolution layer's feature maps (or its filters), the dense layer's strongest units and
 * the ten outputs, all drawn from the server's one forward pass. The mouse hovers a map or a
 * unit to preview it; a click, a tap or Enter opens it in the panel; Escape lets go. Test
 * hooks: each item is a button with data-item ("conv1-7", "conv2-12", "dense-40", "out-3").
 */

import { CnnPanel } from "./cnn-panel.js";
import { assembleCnn, convLayers, filter1, layersFrom, mapOf } from "./cnn-data.js";
import { paintFilter2, paintMap, paintWhere } from "./cnn-paint.js";
import { paintDigit } from "./digit-image.js";
import { el, onPhone, scrolling } from "./dom.js";
import { percent, square } from "./format.js";
import { paintWeights } from "./network-colours.js";
import { maxAbs, strongest } from "./network-math.js";

const UNITS_SHOWN = 8; // of the dense layer, the most active for the drawing
const NAMES = { conv1: "Layer 1", conv2: "Layer 2" };

/** "conv1-7" <-> {kind: "conv1", index: 7}. */
export const itemName = (item) => (item ? `${item.kind}-${item.index}` : "");
const itemOf = (name) => {
  const [kind, index] = name.split("-");
  return { kind, index: Number(index) };
};

/** A row of the dense layer or the outputs: a name, a bar `p` long and its value, selecting
 * `item`; its accessible name starts with the text it shows ("#30 9.67: ..."), so that voice
 * control can say what it sees. */
const barRow = (item, name, nameClass, p, value, label) => {
  const button = el("button", { type: "button", className: "out-row", "data-item": itemName(item), "aria-label": label },
    el("span", { className: nameClass }, name),
    el("span", { className: "bar-track" }, el("span", { className: "bar-fill" })),
    el("span", { className: "bar-value" }, value));  // prettier-ignore
  button.style.setProperty("--p", p.toFixed(4));
  return el("li", {}, button);
};

export class CnnView {
  /** The CNN of `model` ({widths, kernel, side, channels, ...}) in the page `root`; `onChange` hears a selection. */
  constructor(root, model, onChange = () => {}) {
    this.section = root.querySelector('[data-view="cnn"]');
    this.section.hidden = false;
    this.model = model;
    this.layers = convLayers(model);
    this.onChange = onChange;
    this.wantsActivations = true; // the page asks the server for every layer with each drawing
    this.net = null;
    this.act = null;
    this.message = null;
    this.showing = { conv1: "maps", conv2: "maps" };
    this.hovered = null;
    this.selected = null;
    this.input = this.section.querySelector("[data-cnn-input]");
    this.panel = new CnnPanel(root.querySelector('[data-testid="neuron-panel"]'), this.layers, (item) => this.select(item));
    this.#describe();
    this.tiles = { conv1: this.#grid("conv1"), conv2: this.#grid("conv2") };
    this.units = this.section.querySelector("[data-units]");
    this.outputs = this.#outputs();
    this.#listen();
    this.show(null);
  }

  /** The item the panel is about: the hovered one, else the selected one. */
  get focus() {
    return this.hovered || this.selected;
  }

  /** The parsed .npy arrays of the filters and output weights. */
  setWeights(arrays) {
    this.net = assembleCnn(arrays, this.model.kernel);
    for (const button of this.section.querySelectorAll('[data-show="filters"]')) button.disabled = false;
    this.#paint();
  }

  /** One digit of the server's answer (with its activations), or null and what to say instead. */
  show(answer, message = null) {
    this.act = answer && layersFrom(answer, this.model);
    this.message = message;
    this.#paint();
  }

  select(item) {
    this.selected = item;
    this.hovered = null;
    this.#render();
    this.onChange(item);
    const button = item && this.section.querySelector(`[data-item="${itemName(item)}"]`);
    if (button && onPhone()) {
      // The details open as a sheet over the bottom of the screen: keep the item above it.
      const { top, bottom } = button.getBoundingClientRect();
      const behavior = scrolling();
      if (bottom > 0.55 * window.innerHeight || top < 0) window.scrollBy({ top: top - 0.15 * window.innerHeight, behavior });
    }
  }

  #describe() {
    const [[c1, c2, dense], k] = [this.model.widths, this.model.kernel];
    const { conv1, conv2 } = this.layers;
    const passed = c2 * conv2.pooled ** 2; // layer 2's pooled maps, to the dense layer
    const text = (selector, value) => (this.section.querySelector(selector).textContent = value);
    const reads = this.model.channels > 1 ? " (its ink, and the direction the pen went at each pixel)" : "";
    text('[data-layer-title="conv1"]', `Layer 1: ${c1} filters of ${square(k)} pixels`);
    text('[data-layer-note="conv1"]',
      `Each filter slides over your digit${reads}; its map (${square(conv1.side)}) is bright where the ${square(k)} patch under it looks like the ` +
      `filter. Then each 2×2 block keeps its brightest value: ${c1} maps of ${square(conv1.pooled)} go on to layer 2.`);  // prettier-ignore
    text('[data-layer-title="conv2"]', `Layer 2: ${c2} filters of ${square(k)}×${c1}`);
    text('[data-layer-note="conv2"]',
      `Each filter reads a ${square(k)} patch of all ${c1} maps of layer 1 at once (a ${square(conv2.field)} patch of your digit), and ` +
      `combines their shapes. Its ${square(conv2.side)} map is pooled to ${square(conv2.pooled)}: ${passed} numbers go on to the dense layer.`);  // prettier-ignore
    text('[data-layer-title="dense"]', `Dense layer: ${dense} units`);
    text('[data-layer-note="dense"]',
      `Each unit weighs all ${passed} numbers from layer 2; here are the ${UNITS_SHOWN} most active for your digit.`);  // prettier-ignore
  }

  #grid(kind) {
    const grid = this.section.querySelector(`[data-grid="${kind}"]`);
    const tiles = Array.from({ length: this.layers[kind].maps }, (_, index) =>
      el("button", { type: "button", className: "map-tile", "data-item": itemName({ kind, index }) }, el("canvas")));
    grid.replaceChildren(...tiles);
    return tiles;
  }

  #outputs() {
    const list = this.section.querySelector("[data-outputs]");
    const rows = Array.from({ length: 10 }, (_, d) => barRow({ kind: "out", index: d }, String(d), "bar-label", 0, "–", `${d}: output ${d}`));
    list.replaceChildren(...rows);
    return rows.map((li) => li.firstChild);
  }

  #listen() {
    const itemAt = (event) => event.target.closest?.("[data-item]");
    this.section.addEventListener("pointerover", (event) => {
      if (event.pointerType !== "mouse") return; // fingers and pens have no hover here
      const target = itemAt(event);
      this.#hover(target ? itemOf(target.dataset.item) : null);
    });
    this.section.addEventListener("pointerleave", () => this.#hover(null));
    this.section.addEventListener("click", (event) => {
      const target = itemAt(event);
      if (!target) return;
      const item = itemOf(target.dataset.item);
      const again = itemName(item) === itemName(this.selected);
      this.select(again && event.pointerType === "mouse" ? null : item);
    });
    for (const group of this.section.querySelectorAll("[data-layer-show]")) {
      group.addEventListener("click", (event) => {
        const button = event.target.closest("[data-show]");
        if (!button || button.disabled) return;
        this.showing[group.dataset.layerShow] = button.dataset.show;
        for (const b of group.querySelectorAll("[data-show]")) b.setAttribute("aria-pressed", String(b === button));
        this.#paint();
      });
    }
  }

  #hover(item) {
    if (itemName(item) === itemName(this.hovered)) return;
    this.hovered = item;
    this.#render();
  }

  #paint() {
    const { act } = this;
    for (const kind of ["conv1", "conv2"]) this.#paintTiles(kind);
    this.#paintUnits();
    this.outputs.forEach((button, d) => {
      const p = act ? act.p[d] : 0;
      button.style.setProperty("--p", p.toFixed(4));
      button.querySelector(".bar-value").textContent = act ? percent(p) : "–";
      button.classList.toggle("top", Boolean(act) && act.digit === d);
      button.setAttribute("aria-label", act ? `${d} ${percent(p)}: output ${d}` : `${d}: output ${d}`);
    });
    this.#render();
  }

  #paintTiles(kind) {
    const layer = this.layers[kind];
    const maps = this.act ? this.act[kind] : null;
    const scale = maps ? maxAbs(maps) : 1; // the maps are ReLU's: never below 0
    const filters = this.showing[kind] === "filters" && this.net;
    this.tiles[kind].forEach((button, k) => {
      const canvas = button.firstChild;
      if (filters && kind === "conv1") paintWeights(canvas, filter1(this.net, k));
      else if (filters) paintFilter2(canvas, this.net, k);
      else paintMap(canvas, maps ? mapOf(maps, layer, k) : new Float32Array(layer.side ** 2), layer.side, scale);
      button.classList.toggle("is-filter", Boolean(filters));
      const strongest = maps ? Math.max(...mapOf(maps, layer, k)) : null;
      const what = strongest === null ? "" : `: strongest response ${strongest.toFixed(2)}`;
      button.setAttribute("aria-label", `${NAMES[kind]}, filter ${k}${what}`);
    });
  }

  #paintUnits() {
    if (!this.act) {
      this.units.replaceChildren(el("li", { className: "panel-note" }, "Draw a digit: its most active units show here."));
      return;
    }
    const top = strongest(this.act.dense, UNITS_SHOWN);
    const scale = top[0].value || 1;
    this.units.replaceChildren(...top.map(({ index, value }) =>
      barRow({ kind: "dense", index }, `#${index}`, "unit-name", value / scale, value.toFixed(2),
        `#${index} ${value.toFixed(2)}: dense unit ${index}'s activation`)));  // prettier-ignore
  }

  /** The panel, the pressed item, and on the digit the map in focus over the patches it read. */
  #render() {
    const { focus, selected, act, net } = this;
    const name = itemName(selected);
    for (const button of this.section.querySelectorAll("[data-item]")) {
      button.setAttribute("aria-pressed", String(button.dataset.item === name));
    }
    const layer = focus && this.layers[focus.kind];
    if (layer && act) {
      paintWhere(this.input, act.x, mapOf(act[focus.kind], layer, focus.index), layer);
    } else {
      paintDigit(this.input, act ? act.x : new Float32Array(this.model.side ** 2));
    }
    this.panel.render({ net, act, focus, pinned: selected, message: this.message });
  }
}
