/**
 * The network page: wires the pad, the predict API, the weights, the diagram and the panel.
 * When a stroke ends the server preprocesses the drawing; the page decodes the 28x28 image
 * it sent back and runs the forward pass itself. Test hooks on [data-testid="network-view"]:
 * data-seq counts the activations shown, data-digit holds the top digit (empty for none).
 */

import { PredictApi } from "./api.js";
import { Latest } from "./latest.js";
import { NetworkDiagram } from "./network-diagram.js";
import { aDigit, percent } from "./format.js";
import { forward } from "./network-math.js";
import { NeuronPanel } from "./network-panel.js";
import { decodeProcessed } from "./network-pixels.js";
import { Selection } from "./network-select.js";
import { loadWeights } from "./network-weights.js";
import { DrawingPad } from "./pad.js";
import { bindShortcuts } from "./shortcuts.js";
import { exportPng } from "./strokes.js";

const root = document.querySelector('[data-testid="network-view"]');
const sizes = root.dataset.sizes.split(",").map(Number);
const api = new PredictApi(root.dataset.predictUrl, root.dataset.csrfToken);
const pad = new DrawingPad(root.querySelector('[data-testid="canvas"]'), { storageKey: "digits.strokes" });
const hint = root.querySelector("[data-hint]");
const status = root.querySelector("[data-status]");
const diagram = new NetworkDiagram(root.querySelector("[data-stage]"));
const diagramCanvas = root.querySelector("[data-layer='base']");
const selection = new Selection(diagramCanvas, diagram);
const panel = new NeuronPanel(root.querySelector('[data-testid="neuron-panel"]'), (item) => {
  selection.select(item);
  if (!item) diagramCanvas.focus(); // the close button is gone: back to the diagram
});

const state = { net: null, act: null, message: null, seq: 0, pinned: null };
const latest = new Latest(root); // answers for older drawings are dropped
const phone = window.matchMedia("(max-width: 759px)"); // the panel opens as a sheet (network.css)
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");

function render() {
  const { focus, selected } = selection;
  if (selected && selected !== state.pinned && phone.matches) {
    // The sheet covers the bottom of the screen: bring the diagram up above it.
    diagramCanvas.scrollIntoView({ block: "start", behavior: calm.matches ? "auto" : "smooth" });
  }
  state.pinned = selected;
  diagram.setFocus(state.net ? focus : null);
  panel.render({ net: state.net, act: state.act, focus: state.net ? focus : null, pinned: selected, message: state.message });
  root.classList.toggle("has-selection", Boolean(selected));
}

function showActivations(act, message = null) {
  state.act = act;
  state.message = message;
  diagram.setActivations(act);
  if (act) {
    root.dataset.digit = String(act.digit);
    root.dataset.seq = String(++state.seq);
    status.textContent = `It's ${aDigit(act.digit)} (${percent(act.p[act.digit])} sure).`;
  } else {
    root.dataset.digit = "";
    status.textContent = message || "Draw a digit to see the neurons fire.";
  }
  render();
}

async function activations() {
  // The server preprocesses as it does for this model (deskewing included); the page
  // then runs the forward pass itself on the 28x28 image it was sent back.
  const png = exportPng(pad.strokes.list);
  const [prediction, net] = await Promise.all([api.predictImage(png, root.dataset.model), weights]);
  return forward(net, await decodeProcessed(prediction.processed));
}

function update() {
  if (pad.isEmpty) {
    latest.cancel();
    if (state.net) showActivations(null);
    return;
  }
  status.textContent = "Reading your digit…";
  latest.run(activations, (act) => showActivations(act), (error) => {
    if (error.status === 422) showActivations(null, "No digit found: draw a bigger or darker digit.");
    else status.textContent = error.message;
  });
}

const weights = loadWeights(root.dataset.weightsUrl, sizes);
weights.then(
  (net) => {
    state.net = net;
    diagram.setNetwork(net);
    if (pad.isEmpty) showActivations(null);
    render();
  },
  (error) => {
    status.textContent = error.message;
  },
);
weights.catch(() => {}); // update() reports the failure too; this keeps it from going unhandled

selection.addEventListener("change", render);
pad.addEventListener("strokeend", update);
pad.addEventListener("change", () => {
  hint.hidden = !pad.isEmpty;
});
hint.hidden = !pad.isEmpty;
update(); // a drawing carried over from the drawing page shows at once

const actions = {
  undo: () => {
    pad.undo();
    update();
  },
  clear: () => {
    pad.clear();
    update();
  },
};
root.querySelectorAll("[data-action]").forEach((button) => {
  button.addEventListener("click", () => actions[button.dataset.action]());
});
bindShortcuts({ undo: actions.undo, escape: () => selection.selected && selection.select(null) });
