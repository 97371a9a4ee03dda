/**
 * One tap after an answer: "right", or the digit it really was. The drawing (or photo) goes
 * to the labelled-drawing API with that label; a correction can be sent again until it is
 * saved. A number is confirmed whole ("Right, it's 1984"), or corrected a digit at a time:
 * each answer is labelled once, so a digit saved is not offered again, nor is the whole
 * number once any of its digits is saved (or the other way round). A "saved" event
 * ({answer, digit, label}) says what was saved, for the cards to show a correction.
 */

import { el } from "./dom.js";
import { aDigit } from "./format.js";
import { ordinal } from "./number.js";

/** What to say once the labelled-drawing API has saved a drawing: {label, predicted, count}. */
export function savedText({ label, predicted, count }) {
  const verdict = label === predicted ? `Saved: ${aDigit(label)}, as the network said.` : `Saved as ${aDigit(label)}.`;
  const drawings = count === 1 ? "the first drawing" : `${count} drawings`;
  return `${verdict} Thank you: ${drawings} of ${label} so far.`;
}

/** What to say once a whole number is saved: {number, predicted, drawings}. */
export function savedNumberText({ number, predicted, drawings }) {
  const verdict = number === predicted ? `Saved: ${number}, as the network read it.` : `Saved as ${number}.`;
  return `${verdict} Thank you: its ${drawings.length} digits will teach the next network.`;
}

/** A fresh idempotency key: 32 hex digits (getRandomValues works where randomUUID may not: plain HTTP). */
export function newKey(random = crypto) {
  return Array.from(random.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export class LabelPanel extends EventTarget {
  constructor(root, api) {
    super();
    this.api = api;
    this.panel = root.querySelector("[data-label-panel]");
    this.status = root.querySelector("[data-label-status]");
    this.choices = root.querySelector("[data-label-choices]");
    this.confirm = root.querySelector("[data-label-right]");
    this.verb = root.querySelector("[data-label-verb]");
    this.ask = root.querySelector("[data-label-ask]");
    this.buttons = [...this.panel.querySelectorAll("button")];
    this.sample = null;
    this.answer = null; // the sample of the answer on screen: a number's, for all its digits
    this.labelled = null; // what was saved of it: {number, digits: Map(index -> text said)}
    this.confirm.addEventListener("click", () => (this.number ? this.#sendNumber() : this.#send(this.digit)));
    for (const button of this.panel.querySelectorAll("[data-label]")) {
      button.addEventListener("click", () => this.#send(Number(button.dataset.label)));
    }
  }

  /** An answer is shown: offer to confirm or correct it. `sample` is {strokes} or {file}
   * (with `digit`, its index, for one digit of a number); a `prediction.digit` of null (not
   * a digit) offers only the ten digits. `whole` ({sample, number}) is the number the digit
   * belongs to, which the confirm button labels whole. */
  offer(sample, prediction, whole = null) {
    const answer = whole?.sample ?? sample;
    if (answer !== this.answer) {
      this.answer = answer;
      this.labelled = { number: null, digits: new Map() };
    }
    this.panel.hidden = false;
    const said = this.labelled.number ?? this.labelled.digits.get(sample.digit);
    if (said != null) {
      this.sample = null; // labelled already: nothing more to send for it
      this.#showSaved(said);
      return;
    }
    this.sample = sample;
    this.whole = whole;
    this.number = whole?.number ?? null;
    this.key = newKey(); // one per answer shown: a retry of the same label is stored once
    this.digit = prediction.digit;
    this.model = prediction.model;
    const read = prediction.digit != null;
    if (read) this.confirm.querySelector("[data-label-digit]").textContent = this.number ?? aDigit(prediction.digit);
    this.ask.textContent = !read ? "Was it a digit? Tap" : this.number ? `The ${ordinal(sample.digit + 1)} digit wrong? Tap` : "Wrong? Tap";
    this.verb.textContent = sample.file ? "wrote" : "drew"; // a photo shows handwriting
    this.#setButtons(true);
    this.#say("", "");
  }

  /** No answer on screen any more (cleared, blank, error): nothing to label. */
  withdraw() {
    this.sample = null;
    this.panel.hidden = true;
  }

  #send(label) {
    this.#sending((sample) => this.api.sendLabelledDrawing(sample, label, this.model, `${this.key}-${label}`));
  }

  #sendNumber() {
    const { sample, number } = this.whole;
    this.#sending(() => this.api.sendLabelledNumber(sample, number, this.model, `${this.key}-n${number}`));
  }

  async #sending(request) {
    const sample = this.sample;
    if (!sample) return;
    const pressed = this.panel.contains(document.activeElement) ? document.activeElement : null;
    this.#setButtons(false);
    this.#say("Saving…", "saving");
    try {
      const saved = await request(sample);
      if (sample !== this.sample) return; // a newer drawing is on screen now
      this.sample = null; // saved once: a second tap would count it twice
      this.#saved(saved, sample);
      if (pressed) this.status.focus(); // the buttons are gone: keep the keyboard's place here
    } catch (error) {
      if (sample !== this.sample) return;
      this.#setButtons(true);
      pressed?.focus(); // disabled while sending, which took the focus away
      const text = error.status === 0 ? "Could not reach the server: tap again to retry." : error.message;
      this.#say(text, "error");
    }
  }

  #saved(saved, sample) {
    // Refused as not a digit, the drawing was never "as the network said", whatever it answers now.
    const shown = this.digit == null ? { ...saved, predicted: null } : saved;
    const text = saved.number ? savedNumberText(saved) : savedText(shown);
    if (saved.number) this.labelled.number = text;
    else this.labelled.digits.set(sample.digit, text); // a lone digit's index is undefined
    this.#showSaved(text);
    const detail = { answer: this.answer, digit: sample.digit ?? null, label: saved.label ?? null };
    this.dispatchEvent(new CustomEvent("saved", { detail }));
  }

  #showSaved(text) {
    this.#say(`${text} `, "saved");
    this.status.append(el("a", { href: this.panel.dataset.statsUrl }, "See the counts"));
    this.choices.hidden = true;
    this.confirm.hidden = true;
  }

  #setButtons(enabled) {
    for (const button of this.buttons) button.disabled = !enabled;
    if (enabled) {
      this.choices.hidden = false;
      // Nothing to confirm when nothing was read; nor a whole number of which a digit is saved.
      this.confirm.hidden = this.digit == null || (this.number != null && this.labelled.digits.size > 0);
    }
  }

  #say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }
}
