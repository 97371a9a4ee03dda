/**
 * The drawing page: wires the pad, the API and the result panel together. A prediction
 * starts whenever a stroke ends; only the newest request's answer is ever shown. A photo
 * can be read instead: it is shown beside the answer, and the drawing stays on the pad.
 * A number is shown as its digits' cards: the chosen digit fills the result panel (bars,
 * its 28x28) and is the one the label panel corrects; "Right" confirms the number whole.
 * A "not a digit" answer to a drawing waits quietly while the pen may come back
 * (patience.js). The model picked is shared with the network page (model-choice.js).
 */

import { PredictApi } from "./api.js";
import { DigitCards } from "./digit-cards.js";
import { LabelPanel } from "./label-panel.js";
import { Latest } from "./latest.js";
import { rememberModel, storedModel } from "./model-choice.js";
import { digitAnswer, digitSample, isNumber, numberOf } from "./number.js";
import { outcomeOf } from "./outcome.js";
import { DrawingPad } from "./pad.js";
import { Patience } from "./patience.js";
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
const picked = storedModel(); // on this page or the network page, earlier in this tab
if (modelSelect && [...modelSelect.options].some((option) => option.value === picked)) modelSelect.value = picked;
const chosenModel = () => modelSelect?.value;
const latest = new Latest(root); // older answers are dropped
const patience = new Patience();
const cards = new DigitCards(root);
let answered = null; // {sample, prediction} on screen

/** Show digit `index` of the answer on screen, with the offer to label it. */
function showDigit(index) {
  const { sample, prediction } = answered;
  const one = digitAnswer(prediction, index);
  view.show(one);
  cards.show(prediction, index, { drawn: !sample.file });
  const whole = isNumber(prediction) ? { sample, number: numberOf(prediction) } : null;
  labels.offer(digitSample(sample, prediction, index), one, whole);
}

cards.addEventListener("select", (event) => answered && showDigit(event.detail));

/** Predict `sample` ({strokes} or {file}) and show the answer, with the offer to label it. */
function run(sample, request) {
  const subject = sample.file ? "photo" : "drawing";
  patience.cancel();
  labels.withdraw(); // until the answer for this sample arrives
  view.busy(subject);
  const shown = (prediction) => {
    answered = { sample, prediction };
    showDigit(0);
  };
  latest.run(request, shown, (error) => {
    answered = null;
    cards.hide();
    const outcome = outcomeOf(error);
    const say = () => {
      view.outcome(outcome, subject, error);
      if (outcome === "not_a_digit") labels.offer(sample, { digit: null, model: chosenModel() }); // which digit was it, if one?
    };
    if (outcome === "not_a_digit" && !sample.file) patience.verdict(() => view.outcome("not_a_digit_yet", subject), say);
    else say();
  });
}

function predictDrawing() {
  photo.hide();
  if (pad.isEmpty) {
    patience.cancel();
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

pad.addEventListener("strokestart", () => patience.strokeStarted());
pad.addEventListener("strokeend", () => {
  patience.strokeEnded();
  predictDrawing();
});
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
modelSelect?.addEventListener("change", () => {
  rememberModel(modelSelect.value);
  if (photo.file) predictPhoto(photo.file);
  else predictDrawing();
});

photo.input.addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (file) predictPhoto(file);
});
