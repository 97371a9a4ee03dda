/**
 * The drawing page: wires the pad, the API and the result panel together. A prediction
 * starts whenever a stroke ends; only the newest request's answer is ever shown.
 */

import { PredictApi } from "./api.js";
import { DrawingPad } from "./pad.js";
import { ResultView } from "./result.js";
import { exportPng } from "./strokes.js";

const root = document.querySelector(".app");
const api = new PredictApi(root.dataset.predictUrl, root.dataset.csrfToken);
// The strokes live in sessionStorage, shared with the network page.
const pad = new DrawingPad(root.querySelector('[data-testid="canvas"]'), { storageKey: "digits.strokes" });
const view = new ResultView(root);
const hint = root.querySelector("[data-hint]");
const modelSelect = root.querySelector("[data-model-select]"); // absent with a single model
const chosenModel = () => modelSelect?.value;
let latest = 0; // id of the newest request; older answers are dropped

async function run(request) {
  const id = ++latest;
  root.setAttribute("aria-busy", "true");
  try {
    const prediction = await request();
    if (id === latest) view.show(prediction);
  } catch (error) {
    if (id !== latest) return;
    if (error.status === 422) view.message("No digit found", error.message, "blank");
    else view.error(error.message);
  } finally {
    if (id === latest) root.removeAttribute("aria-busy");
  }
}

function predictDrawing() {
  if (pad.isEmpty) {
    latest++; // an answer still on its way is for a drawing that is gone
    view.empty();
    return;
  }
  run(() => api.predictImage(exportPng(pad.strokes.list), chosenModel()));
}

pad.addEventListener("strokeend", predictDrawing);
pad.addEventListener("change", () => {
  hint.hidden = !pad.isEmpty;
});
hint.hidden = !pad.isEmpty;
if (!pad.isEmpty) predictDrawing(); // a drawing carried over from another page

const actions = {
  undo: () => {
    pad.undo();
    predictDrawing();
  },
  clear: () => {
    pad.clear();
    predictDrawing();
  },
  predict: predictDrawing,
};
root.querySelectorAll("[data-action]").forEach((button) => {
  button.addEventListener("click", () => actions[button.dataset.action]());
});

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    actions.undo();
  } else if (event.key === "Escape") {
    actions.clear();
  }
});

modelSelect?.addEventListener("change", predictDrawing);

root.querySelector('[data-testid="upload"]').addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (file) {
    pad.clear(); // the answer is about the photo now, not the drawing
    run(() => api.predictFile(file, chosenModel()));
  }
  event.target.value = ""; // choosing the same file again still triggers a prediction
});
