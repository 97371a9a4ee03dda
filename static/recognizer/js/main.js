/**
 * The drawing page: wires the pad, the API and the result panel together. A prediction
 * starts whenever a stroke ends; only the newest request's answer is ever shown. A photo
 * can be read instead: it is shown beside the answer, and the drawing stays on the pad.
 * A number is shown as its digits' cards: the chosen digit fills the result panel (bars,
 * its 28x28) and is the one the label panel labels.
 */

import { PredictApi } from "./api.js";
import { DigitCards } from "./digit-cards.js";
import { LabelPanel } from "./label-panel.js";
import { Latest } from "./latest.js";
import { digitAnswer, digitSample } from "./number.js";
import { DrawingPad } from "./pad.js";
import { PhotoView } from "./photo.js";
import { ResultView } from "./result.js";
import { bindShortcuts } from "./shortcuts.js";

const root = document.querySelector(".app");
const api = new PredictApi(root.dataset.predictUrl, root.dataset.csrfToken, root.dataset.labelledDrawingUrl);
// The strokes live in sessionStorage, shared with the network page.
const pad = new DrawingPad(root.querySelector('[data-testid="canvas"]'), { storageKey: "digits.strokes" });
const view = new ResultView(root);
const photo = new PhotoView(root);
const labels = new LabelPanel(root, api); // "right", or the digit it really was
const hint = root.querySelector("[data-hint]");
const modelSelect = root.querySelector("[data-model-select]"); // absent with a single model
const chosenModel = () => modelSelect?.value;
const latest = new Latest(root); // older answers are dropped
const cards = new DigitCards(root);
let answered = null; // {sample, prediction} on screen

/** Show digit `index` of the answer on screen, with the offer to label it. */
function showDigit(index) {
  const { sample, prediction } = answered;
  const one = digitAnswer(prediction, index);
  view.show(one);
  cards.show(prediction, index, { drawn: !sample.file });
  labels.offer(digitSample(sample, prediction, index), one);
}

cards.addEventListener("select", (event) => answered && showDigit(event.detail));

/** Predict `sample` ({strokes} or {file}) and show the answer, with the offer to label it. */
function run(sample, request) {
  const subject = sample.file ? "photo" : "drawing";
  labels.withdraw(); // until the answer for this sample arrives
  view.busy(subject);
  const shown = (prediction) => {
    answered = { sample, prediction };
    showDigit(0);
  };
  latest.run(request, shown, (error) => {
    answered = null;
    cards.hide();
    if (error.code === "not_a_digit") {
      view.notDigit(subject);
      labels.offer(sample, { digit: null, model: chosenModel() }); // which digit was it, if one?
    } else if (error.status === 422) view.blank(subject);
    else view.error(error.message);
  });
}

function predictDrawing() {
  photo.hide();
  if (pad.isEmpty) {
    latest.cancel(); // an answer still on its way is for a drawing that is gone
    labels.withdraw();
    answered = null;
    cards.hide();
    view.empty();
    return;
  }
  const sample = { strokes: pad.toData() };
  run(sample, () => api.predictStrokes(sample.strokes, chosenModel()));
}

function predictPhoto(file) {
  photo.show(file, { drawingKept: !pad.isEmpty });
  run({ file }, () => api.predictFile(file, chosenModel()));
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

bindShortcuts({ undo: actions.undo, escape: actions.clear });

// Another model: ask it about whatever is shown, the photo or the drawing.
modelSelect?.addEventListener("change", () => (photo.file ? predictPhoto(photo.file) : predictDrawing()));

photo.input.addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (file) predictPhoto(file);
});
