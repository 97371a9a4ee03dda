/**
 * The network page: wires the pad, the predict API, the model picker and the view of the
 * model shown (network-mlp.js: the 784-250-10's diagram; cnn-view.js: the CNN's layers).
 * When a stroke ends the page sends the strokes; the server draws them, runs the network and
 * answers with what it read and every layer's activations, which the page only draws. The
 * weights arrive once, as .npy files named by version. The model is ?model=NAME, else the
 * one picked last on either page, else the site's default; ?digit=I shows digit I of a
 * number. Test hooks on [data-testid="network-view"]: data-model, data-seq (counts the
 * answers shown), data-digit (the top digit, empty for none), data-weights ("loading",
 * "loaded" or "failed"); [data-status] carries data-state ("answer", "busy", "empty", or
 * an outcome: "blank", "not_a_digit", "not_a_digit_yet", "too_large", "unreadable", "error").
 */

import { PredictApi } from "./api.js";
import { CnnView } from "./cnn-view.js";
import { aDigit, percent } from "./format.js";
import { Latest } from "./latest.js";
import { chooseModel, rememberModel, storedModel } from "./model-choice.js";
import { DigitChips } from "./network-digits.js";
import { MlpView } from "./network-mlp.js";
import { loadArrays } from "./network-weights.js";
import { chosenDigit, digitAnswer, digitsOf, isNumber, numberHeadline, ordinal } from "./number.js";
import { outcomeOf, wording } from "./outcome.js";
import { padWithControls } from "./pad-controls.js";
import { Patience } from "./patience.js";
import { verdict } from "./result.js";

const root = document.querySelector('[data-testid="network-view"]');
const models = JSON.parse(document.getElementById("network-models").textContent);
const names = models.map((m) => m.name);
const fallback = (models.find((m) => m.default) ?? models[0]).name;
const model = models.find((m) => m.name === chooseModel(names, fallback, window.location.search, storedModel()));
rememberModel(model.name); // the drawing page answers with the model shown here
root.dataset.model = model.name;
const asked = new URLSearchParams(window.location.search);
if (asked.has("model")) {
  asked.set("model", model.name); // a name not served: the address names the model shown instead
  window.history.replaceState(null, "", `?${asked}`);
}

const INTROS = {
  mlp: ([pixels, hidden, digits]) =>
    `${pixels} pixels feed ${hidden} hidden neurons, which vote for ${digits} digits. The server runs the ` +
    `network (${model.title}) and sends back every neuron's activation; this page draws them.`,
  cnn: ([c1, c2, dense]) =>
    `${c1} filters look for strokes in your digit, ${c2} more combine them into parts of digits, and ${dense} ` +
    `units weigh those parts and vote for the 10 digits. The server runs the network (${model.title}) and ` +
    `sends back every layer's output; this page draws them.`,
};
root.querySelector("[data-intro]").textContent =
  `Draw a digit and watch the real network work on it: ${INTROS[model.kind](model.sizes ?? model.widths)}`;

const picker = root.querySelector("[data-model-select]"); // absent with a single model
if (picker) {
  picker.value = model.name;
  picker.addEventListener("change", () => {
    rememberModel(picker.value);
    const query = new URLSearchParams(window.location.search);
    query.set("model", picker.value);
    window.location.search = query.toString();
  });
}

const api = new PredictApi(root.dataset.predictUrl);
const status = root.querySelector("[data-status]");
const View = model.kind === "cnn" ? CnnView : MlpView;
const view = new View(root, model, (selected) => root.classList.toggle("has-selection", Boolean(selected)));
const latest = new Latest(root); // answers for older drawings are dropped
const patience = new Patience(); // a drawing in progress is not called "not a digit"
const escape = () => view.selected && view.select(null);
const pad = padWithControls(root, { update, patience, escape });
const chips = new DigitChips(root.querySelector("[data-net-digits]"), (index) => {
  digitIndex = index;
  const query = new URLSearchParams(window.location.search);
  query.set("digit", String(index));
  window.history.replaceState(null, "", `?${query}`);
  if (answer) showAnswer();
});
let digitIndex = chosenDigit(window.location.search); // from the drawing page's cards
let answer = null; // the server's answer on screen
let weightsError = "";
let said = []; // what say() was last told, said again if the weights fail
let seq = 0;

function say(state, title, detail = "") {
  said = [state, title, detail];
  status.dataset.state = state;
  status.querySelector("[data-status-headline]").textContent = title;
  status.querySelector("[data-status-detail]").textContent = [detail, weightsError].filter(Boolean).join(" ");
}

function showAnswer() {
  const index = digitIndex < digitsOf(answer).length ? digitIndex : 0;
  const one = digitAnswer(answer, index);
  const { top, headline } = verdict(one.probabilities, one.digit, root);
  const sure = `${percent(top[0])} sure`;
  pad.highlight(isNumber(answer) ? one.strokes : null);
  chips.show(answer, index);
  view.show(one);
  const thresholds = [Number(root.dataset.sure), Number(root.dataset.unsureBelow)];
  if (isNumber(answer)) say("answer", numberHeadline(answer, new Map(), ...thresholds), `Its ${ordinal(index + 1)} digit: ${aDigit(one.digit)}, ${sure}.`);
  else say("answer", headline, `${sure} · ${model.title}`);
  root.dataset.digit = String(one.digit);
  root.dataset.seq = String(++seq);
}

function showOutcome(outcome, error = null) {
  const { headline: title, detail } = wording(outcome, "drawing", error);
  say(outcome, title, detail);
  view.show(null, outcome === "not_a_digit_yet" ? null : `${title}. ${detail}`);
  root.dataset.digit = "";
}

function update() {
  patience.cancel();
  answer = null;
  if (pad.isEmpty) {
    latest.cancel();
    chips.hide();
    pad.highlight(null);
    view.show(null);
    root.dataset.digit = "";
    say("empty", "Draw a digit", "to see the network work on it.");
    return;
  }
  say("busy", "Reading your digit…");
  const request = () => api.predictStrokes(pad.toData(), model.name, view.wantsActivations);
  latest.run(
    request,
    (answered) => {
      answer = answered;
      showAnswer();
    },
    (error) => {
      chips.hide();
      const outcome = outcomeOf(error);
      if (outcome !== "not_a_digit") return showOutcome(outcome, error);
      patience.verdict(() => showOutcome("not_a_digit_yet"), () => showOutcome(outcome, error));
    },
  );
}

loadArrays(model.weights)
  .then((arrays) => {
    view.setWeights(arrays);
    root.dataset.weights = "loaded";
  })
  .catch((error) => {
    weightsError = error.message;
    root.dataset.weights = "failed";
    say(...said);
  });

update(); // a drawing carried over from the drawing page shows at once
