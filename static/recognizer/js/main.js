/**
 * The drawing page: wires the pad, the API and the result panel together. A prediction
 * starts whenever a stroke ends; only the newest request's answer is ever shown. A photo
 * can be read instead: it is shown beside the answer, and the drawing stays on the pad.
 * A number is shown as its digits' cards: the chosen digit fills the result panel (bars,
 * its 28x28) and is the one the label panel corrects; "Right" confirms the number whole. A
 * digit corrected shows the digit it was saved as on its card and in the number.
 * A "not a digit" answer to a drawing waits quietly while the pen may come back
 * (patience.js). The model picked is shared with the network page (model-choice.js).
 */

import { PredictApi } from "./api.js";
import { DigitCards } from "./digit-cards.js";
import { LabelPanel } from "./label-panel.js";
import { Latest } from "./latest.js";
import { chooseModel, rememberModel, storedModel } from "./model-choice.js";
import { digitAnswer, digitSample, isNumber, numberOf } from "./number.js";
import { outcomeOf } from "./outcome.js";
import { padWithControls } from "./pad-controls.js";
import { Patience } from "./patience.js";
import { PhotoView } from "./photo.js";
import { ResultView } from "./result.js";
import { sendable } from "./shrink.js";

const root = document.querySelector(".app");
const api = new PredictApi(root.dataset.predictUrl, root.dataset.csrfToken, root.dataset.labelledDrawingUrl);
const modelSelect = root.querySelector("[data-model-select]"); // absent with a single model
// The most pixels and bytes a photo is sent with (shrink.js).
const photoLimits = { pixels: Number(root.dataset.photoPixels), maxBytes: Number(root.dataset.photoBytes) };
const titles = JSON.parse(document.getElementById("model-titles").textContent); // name -> title
const titleOf = (name) => titles[name] ?? name; // what the page calls a model
const view = new ResultView(root, titleOf);
const photo = new PhotoView(root);
const labels = new LabelPanel(root, api); // "right", or the digit it really was
// The model picked on this page or the network page, earlier in this tab.
const served = modelSelect && [...modelSelect.options].map((option) => option.value);
if (modelSelect) modelSelect.value = chooseModel(served, modelSelect.value, "", storedModel());
const chosenModel = () => modelSelect?.value;
const latest = new Latest(root); // older answers are dropped
const patience = new Patience();
const pad = padWithControls(root, { update: predictDrawing, patience });
const cards = new DigitCards(root, titleOf);
let answered = null; // {sample, prediction} on screen

/** Show digit `index` of the answer on screen, with the offer to label it. */
function showDigit(index) {
  const { sample, prediction } = answered;
  const one = digitAnswer(prediction, index);
  view.show(one);
  showCards(index);
  const whole = isNumber(prediction) ? { sample, number: numberOf(prediction) } : null;
  labels.offer(digitSample(sample, prediction, index), one, whole);
}

/** The answer's digit cards, digit `index` chosen, each showing the label saved for it, if any. */
function showCards(index) {
  const { sample, prediction } = answered;
  cards.show(prediction, index, { drawn: !sample.file, labels: labels.labelsOf(sample) });
}

cards.addEventListener("select", (event) => answered && showDigit(event.detail));

labels.addEventListener("saved", ({ detail }) => {
  if (answered && detail.answer === answered.sample && detail.digit != null) showCards(cards.selected); // a correction
});

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
    if (sample.file && (outcome === "unreadable" || outcome === "too_large")) photo.failed(); // not read whole
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
  const sample = { file }; // what is sent, and labelled: the photo, or a smaller copy (shrink.js)
  run(sample, async () => {
    sample.file = await sendable(file, photoLimits);
    return api.predictFile(sample.file, chosenModel());
  });
}

if (!pad.isEmpty) predictDrawing(); // a drawing carried over from another page

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
