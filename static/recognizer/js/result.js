/**
 * The result panel: the digit, ten probability bars, the runner-up, an "unsure" state, a
 * busy state while an answer is on its way, and the image the network saw, drawn from the
 * answer's input numbers; or why there is no answer (outcome.js). Test hooks live on
 * [data-testid="prediction"]: data-digit holds the shown digit, data-state the panel's
 * state, and data-seq counts the predictions shown.
 */

import { sideOf, paintDigit } from "./digit-image.js";
import { aDigit, percent } from "./format.js";
import { wording } from "./outcome.js";

const SHOWS_ANSWER = new Set(["sure", "unsure"]);

/** "It's a 7" when at least `sure`, "Probably a 7" when at least `unsureBelow`, else
 * "Not sure: maybe 7, or 1?": the probabilities are calibrated, so the words mean them. */
export function headline(p, digit, runnerUp, sure, unsureBelow) {
  if (p >= sure) return `It's ${aDigit(digit)}`;
  if (p >= unsureBelow) return `Probably ${aDigit(digit)}`;
  return `Not sure: maybe ${digit}, or ${runnerUp}?`;
}

/** The answer's top two [p, digit], whether it is unsure, and its headline, read against
 * the thresholds on `box` (data-sure, data-unsure-below: the server's, for its calibrated
 * probabilities). */
export function verdict(probabilities, digit, box) {
  const [top, second] = probabilities.map((p, d) => [p, d]).sort((a, b) => b[0] - a[0]);
  const [sure, unsureBelow] = [Number(box.dataset.sure), Number(box.dataset.unsureBelow)];
  return { top, second, unsure: top[0] < unsureBelow, headline: headline(top[0], digit, second[1], sure, unsureBelow) };
}

export class ResultView {
  /** `titleOf(name)` is what the page calls the model of that name. */
  constructor(root, titleOf = (name) => name) {
    this.titleOf = titleOf;
    this.box = root.querySelector('[data-testid="prediction"]');
    this.field = (name) => root.querySelector(`[data-field="${name}"]`);
    this.bars = [...root.querySelectorAll("[data-bar]")];
    this.image = root.querySelector("[data-input]");
    this.imageEmpty = root.querySelector("[data-input-empty]");
    this.seq = 0;
  }

  show(prediction) {
    const { digit, probabilities, input, model } = prediction;
    const { top, second, unsure, headline: title } = verdict(probabilities, digit, this.box);
    this.field("digit").textContent = String(digit);
    this.field("headline").textContent = title;
    this.field("detail").textContent =
      `${percent(top[0])} sure · runner-up ${second[1]} (${percent(second[0])}) · ${this.titleOf(model)}`;
    this.bars.forEach((bar, d) => {
      bar.style.setProperty("--p", probabilities[d].toFixed(4)); // a bar's length, across or up (site.css)
      bar.querySelector(".bar-value").textContent = percent(probabilities[d]);
      bar.classList.toggle("top", d === digit);
    });
    this.#showInput(input);
    this.box.dataset.digit = String(digit);
    this.box.dataset.state = unsure ? "unsure" : "sure";
    this.box.dataset.seq = String(++this.seq);
  }

  /** An answer about `subject` ("drawing" or "photo") is on its way. A shown answer stays
   * (dimmed, with a note if the wait is long); otherwise the panel says what it is doing. */
  busy(subject) {
    if (SHOWS_ANSWER.has(this.box.dataset.state)) return;
    this.message(`Reading your ${subject}…`, "", "busy");
  }

  /** No digit to show for `subject` ("drawing" or "photo"): an outcome of outcome.js
   * (blank, not_a_digit, not_a_digit_yet, too_large, unreadable, error), in the words every page uses;
   * `error` is the ApiError, whose message some outcomes quote. */
  outcome(outcome, subject, error = null) {
    const { headline: title, detail } = wording(outcome, subject, error);
    const labelled = outcome === "not_a_digit" ? " If it was one, tap which below." : ""; // the label panel
    this.message(title, `${detail}${labelled}`, outcome); // the panel's data-state: site.css styles each
    this.#resetBars(); // the last answer's bars would read as this drawing's
  }

  message(headline, detail, state) {
    this.field("digit").textContent = "?";
    this.field("headline").textContent = headline;
    this.field("detail").textContent = detail;
    this.box.dataset.digit = "";
    this.box.dataset.state = state;
    if (state === "empty") this.#resetBars();
  }

  empty() {
    this.message("Draw a digit", "The answer appears as soon as you lift the pen.", "empty");
  }

  #showInput(input) {
    paintDigit(this.image, input);
    const side = sideOf(input);
    this.image.setAttribute("aria-label", `The ${side} by ${side} pixel image the network saw`);
    this.field("input-size").textContent = ` on ${side}×${side} pixels`;
    this.image.hidden = false;
    this.imageEmpty.hidden = true;
  }

  #resetBars() {
    for (const bar of this.bars) {
      bar.style.setProperty("--p", "0");
      bar.querySelector(".bar-value").textContent = "–";
      bar.classList.remove("top");
    }
    this.image.hidden = true;
    this.imageEmpty.hidden = false;
  }
}
