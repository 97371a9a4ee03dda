/**
 * The network diagram on two stacked canvases sized for devicePixelRatio: the base canvas
 * holds the three layers, painted from the server's activations, and the strongest
 * connections (once the weights are in); the overlay only redraws the highlight of the
 * neuron in focus, so hovering stays smooth.
 */

import { digitCanvas } from "./digit-image.js";
import { fitCanvas } from "./dom.js";
import { BACKGROUND, activationColour, css, signColour } from "./network-colours.js";
import { percent } from "./format.js";
import { computeLayout, hiddenCentre, hitTest, inputCentre, outputCentre } from "./network-layout.js";
import { diagramConnections, hiddenSignal, maxAbs, strongestHidden, strongestInputs } from "./network-math.js";

const TEXT = "rgb(203 213 225)";
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/** The connections drawn: the strongest inputs of each hidden neuron, hidden neurons of each output. */
export const LINES = { perHidden: 3, perOutput: 12 };
const FOCUS_INPUTS = 16; // incoming connections highlighted for the neuron in focus
const FOCUS_HIDDEN = 12; // hidden connections highlighted for the output in focus

function line(ctx, [x1, y1], [x2, y2], value, scale, { alpha = [0.08, 0.55], width = [0.5, 1.6] } = {}) {
  const t = Math.min(1, Math.abs(value) / scale);
  ctx.strokeStyle = signColour(value, alpha[0] + (alpha[1] - alpha[0]) * t);
  ctx.lineWidth = width[0] + (width[1] - width[0]) * t;
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

/** Draw `links` ({value, ...}), each between the two points ends(link), on the scale of the strongest. */
function lines(ctx, links, ends, style) {
  const scale = maxAbs(links.map((c) => c.value));
  for (const c of links) line(ctx, ...ends(c), c.value, scale, style);
}

function ring(ctx, [x, y], radius, colour = "#fff", width = 2) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  ctx.stroke();
}

export class NetworkDiagram {
  /** A diagram of a network of `sizes` [nIn, nHidden, nOut] on the canvases in `stage`. */
  constructor(stage, sizes) {
    this.base = stage.querySelector("[data-layer='base']");
    this.overlay = stage.querySelector("[data-layer='overlay']");
    this.stage = stage;
    this.sizes = sizes;
    this.net = null;
    this.act = null;
    this.connections = null;
    this.focus = null;
    this.layout = null;
    this.setActivations(null);
    new ResizeObserver(() => this.#resize()).observe(stage);
  }

  /** The weights, for the connections; until a drawing comes they show by |weight|. */
  setNetwork(net) {
    this.net = net;
    this.setActivations(this.act);
  }

  /** The activations of the current drawing (network-math.js activationsFrom), or null. */
  setActivations(act) {
    this.act = act;
    this.connections = this.net && diagramConnections(this.net, act, LINES.perHidden, LINES.perOutput);
    this.inputImage = digitCanvas(act ? act.x : new Float32Array(this.sizes[0]));
    this.#resize();
  }

  /** The item to highlight ({kind, index}) or null. */
  setFocus(item) {
    this.focus = item;
    this.#drawOverlay();
  }

  /** The item at a point given in client coordinates, or null. */
  itemAt(clientX, clientY, slop = 0) {
    if (!this.layout) return null;
    const rect = this.base.getBoundingClientRect();
    return hitTest(this.layout, clientX - rect.left, clientY - rect.top, slop);
  }

  #resize() {
    const rect = this.stage.getBoundingClientRect();
    if (rect.width === 0) return;
    for (const canvas of [this.base, this.overlay]) fitCanvas(canvas, rect);
    this.layout = computeLayout(rect.width, rect.height, this.sizes);
    this.#drawBase();
    this.#drawOverlay();
  }

  #drawBase() {
    const { layout: L, act } = this;
    const [, nHidden, nOut] = this.sizes;
    const ctx = this.base.getContext("2d");
    ctx.fillStyle = css(BACKGROUND);
    ctx.fillRect(0, 0, L.width, L.height);
    if (this.connections) this.#drawConnections(ctx);
    this.#drawLabels(ctx);
    this.#drawInputs(ctx);
    for (let j = 0; j < nHidden; j++) this.#drawHidden(ctx, j);
    for (let d = 0; d < nOut; d++) this.#drawOutput(ctx, d, act && act.digit === d);
  }

  #drawConnections(ctx) {
    const L = this.layout;
    const { inputs, hidden } = this.connections;
    const sorted = (list) => [...list].sort((a, b) => Math.abs(a.value) - Math.abs(b.value));
    lines(ctx, sorted(inputs), (c) => [inputCentre(L, c.from), hiddenCentre(L, c.to)]);
    lines(ctx, sorted(hidden), (c) => [hiddenCentre(L, c.from), outputCentre(L, c.to)], { alpha: [0.12, 0.7] });
  }

  // Layer names sit on a patch of background, so the lines never run through the text.
  #drawLabels(ctx) {
    ctx.font = `12px ${FONT}`;
    ctx.textAlign = "center";
    for (const [text, x, y] of this.layout.labels) {
      const width = ctx.measureText(text).width + 12;
      ctx.fillStyle = css(BACKGROUND, 0.85);
      ctx.fillRect(x - width / 2, y - 13, width, 18);
      ctx.fillStyle = TEXT;
      ctx.fillText(text, x, y);
    }
  }

  #drawInputs(ctx) {
    const { x, y, size } = this.layout.inputs;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.inputImage, x, y, size, size);
    ctx.strokeStyle = "rgb(100 116 139)";
    ctx.lineWidth = 1;
    ctx.strokeRect(x - 0.5, y - 0.5, size + 1, size + 1);
  }

  #drawHidden(ctx, j) {
    const centre = hiddenCentre(this.layout, j);
    ctx.fillStyle = activationColour(this.act ? this.act.a1[j] : 0);
    ctx.beginPath();
    ctx.arc(centre[0], centre[1], this.layout.hidden.cell * 0.38, 0, 2 * Math.PI);
    ctx.fill();
  }

  #drawOutput(ctx, d, top) {
    const { layout: L, act } = this;
    const [x, y] = outputCentre(L, d);
    const p = act ? act.p[d] : 0;
    ctx.fillStyle = activationColour(act ? act.out[d] : 0);
    ctx.beginPath();
    ctx.arc(x, y, L.r, 0, 2 * Math.PI);
    ctx.fill();
    if (top) ring(ctx, [x, y], L.r + 2.5, "rgb(255 244 194)", 2);
    ctx.font = `600 ${Math.round(L.r * 1.1)}px ${FONT}`;
    ctx.fillStyle = p > 0.5 ? "#111827" : "#f8fafc";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(String(d), x, y + 1);
    ctx.textBaseline = "alphabetic";
    ctx.font = `11px ${FONT}`;
    ctx.fillStyle = TEXT;
    const label = act ? percent(p) : "–";
    if (L.bar) {
      const { dx, width, height } = L.bar;
      ctx.fillStyle = "rgb(51 65 85)";
      ctx.fillRect(x + dx, y - height / 2, width, height);
      ctx.fillStyle = activationColour(Math.max(p, 0.35));
      ctx.fillRect(x + dx, y - height / 2, width * p, height);
      ctx.fillStyle = TEXT;
      ctx.textAlign = "left";
      ctx.fillText(label, x + dx + width + 5, y + 4);
    } else {
      ctx.fillText(label, x, y + L.r + 14);
    }
  }

  #drawOverlay() {
    const { layout: L, net, act, focus } = this;
    if (!L) return;
    const ctx = this.overlay.getContext("2d");
    ctx.clearRect(0, 0, L.width, L.height);
    if (!focus || !net) return; // the highlight follows the weights
    ctx.fillStyle = css(BACKGROUND, 0.72);
    ctx.fillRect(0, 0, L.width, L.height);
    // The input image and the outputs stay bright: the highlight links them.
    const ratio = this.base.width / L.width;
    for (const box of [{ ...L.inputs, w: L.inputs.size, h: L.inputs.size }, L.outputBox]) {
      const [x, y, w, h] = [box.x - 2, box.y - 2, box.w + 4, box.h + 4];
      ctx.clearRect(x, y, w, h);
      ctx.drawImage(this.base, x * ratio, y * ratio, w * ratio, h * ratio, x, y, w, h);
    }
    const style = { alpha: [0.35, 1], width: [0.8, 3] };
    if (focus.kind === "hidden") {
      const j = focus.index;
      const incoming = strongestInputs(net, act && act.x, j, FOCUS_INPUTS);
      lines(ctx, incoming, (c) => [inputCentre(L, c.from), hiddenCentre(L, j)], style);
      const outgoing = Array.from({ length: net.nOut }, (_, d) => ({ to: d, value: hiddenSignal(net, act && act.a1, j, d) }));
      lines(ctx, outgoing, (c) => [hiddenCentre(L, j), outputCentre(L, c.to)], style);
      this.#drawHidden(ctx, j);
      ring(ctx, hiddenCentre(L, j), Math.max(L.hidden.cell * 0.6, 6));
    } else {
      const d = focus.index;
      const incoming = strongestHidden(net, act && act.a1, d, FOCUS_HIDDEN);
      lines(ctx, incoming, (c) => [hiddenCentre(L, c.from), outputCentre(L, d)], style);
      for (const c of incoming) {
        this.#drawHidden(ctx, c.from);
        ring(ctx, hiddenCentre(L, c.from), L.hidden.cell * 0.5, signColour(c.value), 1.5);
      }
      ring(ctx, outputCentre(L, d), L.r + 4);
    }
  }
}
