/**
 * The network page: wires the pad, the predict API, the weights, the diagram and the panel.
 * When a stroke ends the page sends the strokes; the server draws them, runs the network and
 * answers with what it read and every neuron's activation, which the page only draws. The
 * weights arrive once, for the connections and the neurons' pictures. Test hooks on
 * [data-testid="network-view"]: data-seq counts the activations shown, data-digit holds the
 * top digit (empty for none), data-weights is "loading", "loaded" or "failed". With
 * ?digit=I it shows digit I of a number written on the drawing page.
 */

import { PredictApi } from "./api.js";
import { Latest } from "./latest.js";
import { LINES, NetworkDiagram } from "./network-diagram.js";
import { aDigit, percent } from "./format.js";
import { activationsFrom } from "./network-math.js";
import { NeuronPanel } from "./network-panel.js";
import { Selection } from "./network-select.js";
import { loadWeights } from "./network-weights.js";
import { chosenDigit, digitAnswer } from "./number.js";
import { DrawingPad } from "./pad.js";
import { bindShortcuts } from "./shortcuts.js";

const root = document.querySelector('[data-testid="network-view"]');
const sizes = root.dataset.sizes.split(",").map(Number);
const model = root.dataset.model;
const api = new PredictApi(root.dataset.predictUrl);
const pad = new DrawingPad(root.querySelector('[data-testid="canvas"]'), { storageKey: "digits.strokes" });
const isEmpty = () => pad.toData().length === 0;
const hint = root.querySelector("[data-hint]");
const status = root.querySelector("[data-status]");
const diagram = new NetworkDiagram(root.querySelector("[data-stage]"), sizes);
const diagramCanvas = root.querySelector("[data-layer='base']");
const selection = new Selection(diagramCanvas, diagram);
const panel = new NeuronPanel(root.querySelector('[data-testid="neuron-panel"]'), (item) => {
  selection.select(item);
  if (!item) diagramCanvas.focus(); // the close button is gone: back to the diagram
});

const state = { net: null, act: null, message: null, weightsError: null, seq: 0, pinned: null };
const latest = new Latest(root); // answers for older drawings are dropped
const phone = window.matchMedia("(max-width: 759px)"); // the panel opens as a sheet (network.css)
const calm = window.matchMedia("(prefers-reduced-motion: reduce)");

root.querySelector("[data-lines-note]").textContent =
  `Lines: for each hidden neuron its ${LINES.perHidden} strongest inputs, for each digit its ` +
  `${LINES.perOutput} strongest hidden neurons (input × weight for your drawing, the weight alone before).`;

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

function showStatus() {
  const { act, message, weightsError } = state;
  const text = act ? `It's ${aDigit(act.digit)} (${percent(act.p[act.digit])} sure).` : message || "Draw a digit to see the neurons fire.";
  status.textContent = weightsError ? `${text} ${weightsError}` : text;
}

function showActivations(act, message = null) {
  state.act = act;
  state.message = message;
  diagram.setActivations(act);
  root.dataset.digit = act ? String(act.digit) : "";
  if (act) root.dataset.seq = String(++state.seq);
  showStatus();
  render();
}

// ?digit=I (from the drawing page's cards): digit I of a number; the first digit otherwise.
const digitIndex = chosenDigit(window.location.search);

async function activations() {
  return activationsFrom(digitAnswer(await api.predictStrokes(pad.toData(), model), digitIndex), sizes);
}

function update() {
  if (isEmpty()) {
    latest.cancel();
    showActivations(null);
    return;
  }
  status.textContent = "Reading your digit…";
  latest.run(activations, (act) => showActivations(act), (error) => {
    if (error.status === 422) showActivations(null, "No digit found: draw a bigger or darker digit.");
    else status.textContent = error.message;
  });
}

const weightUrls = Object.fromEntries(
  [...document.querySelectorAll("link[data-weights]")].map((link) => [link.dataset.weights, link.href]),
);
loadWeights(weightUrls).then(
  (net) => {
    state.net = net;
    diagram.setNetwork(net);
    root.dataset.weights = "loaded";
    render();
  },
  (error) => {
    state.weightsError = error.message;
    root.dataset.weights = "failed";
    showStatus();
  },
);

selection.addEventListener("change", render);
pad.addEventListener("strokeend", update);
pad.addEventListener("change", () => {
  hint.hidden = !isEmpty();
});
hint.hidden = !isEmpty();
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
