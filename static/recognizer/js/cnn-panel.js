/**
 * The panel about the CNN item in focus. A feature map: where its filter responds in your
 * digit (the map laid over the patches it read, the strongest framed) and what it looks for
 * (its weights; for layer 1 of a network reading the pen's direction too, its weights on the
 * direction across and down below; for layer 2, one kernel x kernel slice per map of layer 1,
 * and the maps it reads most).
 * A dense unit: its activation and its weights to the digits. An output: the units pushing
 * it up and down most. Test hook: [data-testid="neuron-panel"] carries data-neuron
 * ("conv1-7", "dense-40", "out-3" or empty).
 */

import { filter1Channel, filter2Slice, mapOf, peak, receptiveField, strongestSlices, unitPushes, unitWeights } from "./cnn-data.js";
import { paintFilter2, paintMap, paintPatch, paintWhere } from "./cnn-paint.js";
import { el } from "./dom.js";
import { percent, signed, square } from "./format.js";
import { paintWeights } from "./network-colours.js";
import { maxAbs, strongest } from "./network-math.js";
import { votesList } from "./network-votes.js";
import { Panel, lead, note, sign } from "./panel.js";

const DRAW_PROMPT = "Draw a digit to see the filters respond.";
const SLICES = 6; // of a layer-2 filter, the slices with the largest weights
const PUSHES = 5; // dense units listed pushing an output up, and down
const LAYER = { conv1: 1, conv2: 2 };
const PEN = ["the pen's direction across", "the pen's direction down"]; // input channels 1 and 2, after the ink

const figure = (canvas, caption, className = "weight-image") => {
  canvas.className = className;
  return el("figure", {}, canvas, el("figcaption", {}, caption));
};

/** Layer 1's filter f on each input channel (the ink, then the pen's direction across and
 * down if the network reads it), and one scale for them all, so the pictures compare. */
const filter1Weights = (net, f) => {
  const channels = Array.from({ length: net.channels }, (_, c) => filter1Channel(net, f, c));
  return { channels, scale: maxAbs(channels.flatMap((w) => Array.from(w))) };
};

export class CnnPanel extends Panel {
  constructor(box, layers, onSelect) {
    super(box, onSelect);
    this.layers = layers;
  }

  render({ net, act, focus, pinned, message }) {
    let content;
    if (!focus) content = this.#overview(act, message);
    else if (focus.kind in this.layers) content = this.#map(net, act, focus);
    else if (focus.kind === "dense") content = this.#unit(net, act, focus.index);
    else content = this.#output(net, act, focus.index);
    this.fill(focus ? `${focus.kind}-${focus.index}` : "", pinned, content);
  }

  #overview(act, message) {
    this.title.textContent = "The layers";
    const how = note(
      "Hover over or tap a feature map to see what its filter looks for and where it responds in your digit; " +
      "tap a unit or an output to see what it weighs.");  // prettier-ignore
    if (message || !act) return [lead(message || DRAW_PROMPT), how];
    const lists = Object.keys(this.layers).map((kind) => {
      const layer = this.layers[kind];
      const peaks = Array.from({ length: layer.maps }, (_, k) => peak(mapOf(act[kind], layer, k), layer.side).value);
      const top = strongest(peaks, 4);
      return [el("h3", {}, `Layer ${LAYER[kind]}: the filters responding most`), this.#mapList(act, kind, top)];
    });
    return [this.reads(act), ...lists.flat(), how];
  }

  /** Buttons for maps [{index, value}] of one layer, each with its thumbnail. */
  #mapList(act, kind, items, describe = (v) => `strongest ${v.toFixed(2)}`, picture = null) {
    const layer = this.layers[kind];
    const scale = maxAbs(act[kind]); // the maps are ReLU's: never below 0
    return this.buttons(items, (index) => ({ kind, index }), (index, value) => [
      picture && picture(index),
      paintMap(el("canvas", { className: "weight-thumb" }), mapOf(act[kind], layer, index), layer.side, scale),
      el("span", { className: "neuron-name" }, `#${index}`),
      el("span", { className: "neuron-value" }, describe(value)),
    ]);  // prettier-ignore
  }

  #map(net, act, { kind, index }) {
    const layer = this.layers[kind];
    this.title.textContent = `Layer ${LAYER[kind]}, filter ${index}`;
    const figures = [];
    let stats = null;
    if (act) {
      const map = mapOf(act[kind], layer, index);
      const where = el("canvas", { "aria-label": `Your digit with filter ${index}'s map over it` });
      const best = paintWhere(where, act.x, map, layer);
      figures.push(figure(where, "Where it responds in your digit", "where-image"));
      const lit = map.reduce((n, v) => n + (v > 0), 0) / map.length;
      stats = el("dl", { className: "stats" },
        el("dt", {}, "strongest response"), el("dd", { "data-testid": "activation" }, best.value.toFixed(3)),
        el("dt", {}, "cells responding"), el("dd", {}, percent(lit, 0)),
        net ? el("dt", {}, "bias") : null, net ? el("dd", {}, signed(net[kind === "conv1" ? "c1" : "c2"][index], 3)) : null);  // prettier-ignore
      const box = receptiveField(layer, best.y, best.x);
      if (best.value > 0) figures.push(figure(paintPatch(el("canvas"), act.x, box, layer.inputSide), "The patch it likes most"));
    }
    if (net) {
      const canvas = el("canvas", { "data-testid": "filter-image", "aria-label": `Filter ${index}'s weights` });
      const ink = kind === "conv1" && filter1Weights(net, index);
      const weights = ink ? paintWeights(canvas, ink.channels[0], ink.scale) : paintFilter2(canvas, net, index);
      const size = square(net.kernel);
      figures.push(figure(weights, kind === "conv1" ? `What it looks for: its ${size} weights` : `Its weights: a ${size} slice per map of layer 1`));
    }
    const about = kind === "conv1"
      ? "Blue weights count ink for it, orange weights count ink against it. Its map is bright where the patch of your digit looks like this pattern; the framed patch looks most like it."
      : `Each slice looks for a pattern in one map of layer 1; together they find a part of a digit: a corner, a loop, an end of a stroke. The frame shows the ${square(layer.field)} patch of your digit behind its strongest response.`;  // prettier-ignore
    return [
      act ? null : lead(DRAW_PROMPT),
      el("div", { className: "weight-figures map-figures" }, ...figures),
      note(about),
      stats,
      net ? null : note("Its weights are on their way."),
      kind === "conv1" && net && net.channels > 1 ? this.#pen(net, index) : null,
      kind === "conv2" && net ? this.#slices(net, act, index) : null,
    ];
  }

  /** Layer 1's filter f on the pen's direction across and down, on its ink weights' scale. */
  #pen(net, f) {
    const { channels, scale } = filter1Weights(net, f);
    const figures = PEN.map((name, k) => {
      const canvas = el("canvas", { "data-testid": `filter-image-${k + 1}`, "aria-label": `Filter ${f}'s weights on ${name}` });
      return figure(paintWeights(canvas, channels[k + 1], scale), `On ${name}`);
    });
    return el("div", {}, el("h3", {}, "Its weights on the pen's direction"),
      note("It also reads which way the pen went at each pixel, with these weights (on the scale of its weights on the ink): where they are strong, the pen's direction matters to it."),
      el("div", { className: "weight-figures" }, ...figures));  // prettier-ignore
  }

  /** The maps of layer 1 that filter f of layer 2 weighs most, each beside its slice. */
  #slices(net, act, f) {
    const picks = strongestSlices(net, f, SLICES);
    const slice = (c) => paintWeights(el("canvas", { className: "weight-thumb" }), filter2Slice(net, f, c));
    const layer = this.layers.conv1;
    const response = (c) => peak(mapOf(act.conv1, layer, c), layer.side).value; // in this drawing
    const list = act
      ? this.#mapList(act, "conv1", picks.map((index) => ({ index, value: response(index) })), undefined, slice)
      : el("ul", { className: "neuron-list" }, ...picks.map((c) => el("li", {}, slice(c), ` layer 1, filter ${c}`)));
    return el("div", {}, el("h3", {}, "It weighs these maps of layer 1 most"),
      note("Each with the slice of weights this filter applies to it."), list);  // prettier-ignore
  }

  #unit(net, act, j) {
    this.title.textContent = `Dense unit ${j}`;
    const a = act ? act.dense[j] : null;
    return [
      el("dl", { className: "stats" },
        el("dt", {}, "activation a"), el("dd", { "data-testid": "activation" }, a === null ? "–" : a.toFixed(3)),
        net ? el("dt", {}, "bias") : null, net ? el("dd", {}, signed(net.b3[j], 3)) : null),  // prettier-ignore
      note(`It adds up all of layer 2's pooled maps, each number with its own weight; ReLU keeps it at 0 or above.`),
      net ? el("h3", {}, "Its weights to the 10 digits") : null,
      net ? votesList(unitWeights(net, j), a) : null,
    ];
  }

  #output(net, act, d) {
    this.title.textContent = `Output ${d}`;
    const start = lead(act ? `Probability ${percent(act.p[d])}.` : DRAW_PROMPT);
    if (!net) return [start];
    const unit = (index) => ({ kind: "dense", index });
    const list = (items, describe) =>
      this.buttons(items, unit, (index, value) => [
        el("span", { className: "neuron-name" }, `unit #${index}`),
        el("span", { className: `neuron-value ${sign(value)}` }, describe(value)),
      ]);
    return [start, ...this.pushes(d, act, unitPushes(net, act && act.dense, d, PUSHES), list, "Units pushing")];
  }
}
