/**
 * One tap after an answer: "right", or the digit it really was. The drawing (or photo) goes
 * to the labelled-drawing API with that label; a correction can be sent again until it is
 * saved. A number is confirmed whole ("Right, it's 1984"), or corrected a digit at a time.
 * Each answer shown is labelled once: a digit saved (or on its way) is not offered again,
 * nor is the whole number once one of its digits is, nor its digits once the whole is; a
 * save that ends while another digit is shown still counts. A "saved" event ({answer,
 * digit, label}; digit null for a whole number or a lone digit) says what was saved, for
 * the cards to show a correction.
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

const WHOLE = "number"; // what a number confirmed whole labels
const targetOf = (sample) => sample.digit ?? "one"; // a digit of a number (its index), or the lone digit

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
    this.sample = null; // what the buttons label: {strokes} or {file}, with `digit` for a number's
    this.answer = null; // the sample of the answer on screen: a number's, for all its digits
    this.record = null; // what of that answer is labelled (see offer)
    this.confirm.addEventListener("click", () =>
      this.number ? this.#send(WHOLE) : this.#send(targetOf(this.sample), this.digit),
    );
    for (const button of this.panel.querySelectorAll("[data-label]")) {
      button.addEventListener("click", () => this.#send(targetOf(this.sample), Number(button.dataset.label)));
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
      // For each target ("number", a digit's index, or "one"): the text said once it is
      // saved, its label, whether it is being sent, and one idempotency key for its retries.
      this.record = { said: new Map(), labels: new Map(), sending: new Set(), keys: new Map() };
    }
    this.sample = sample;
    this.whole = whole;
    this.number = whole?.number ?? null;
    this.digit = prediction.digit;
    this.model = prediction.model;
    const read = prediction.digit != null;
    if (read) this.confirm.querySelector("[data-label-digit]").textContent = this.number ?? aDigit(prediction.digit);
    this.ask.textContent = !read ? "Was it a digit? Tap" : this.number ? `The ${ordinal(sample.digit + 1)} digit wrong? Tap` : "Wrong? Tap";
    this.verb.textContent = sample.file ? "wrote" : "drew"; // a photo shows handwriting
    this.panel.hidden = false;
    this.#render();
  }

  /** No answer on screen any more (cleared, blank, error): nothing to label. */
  withdraw() {
    this.sample = this.answer = null;
    this.panel.hidden = true;
  }

  /** The digits of the answer whose sample is `answer` that were saved with a label (index -> label). */
  labelsOf(answer) {
    return answer != null && answer === this.answer ? this.record.labels : new Map();
  }

  #send(target, label) {
    const { answer, record, sample, model, number } = this;
    if (!sample || record.said.has(target) || record.sending.has(target)) return;
    if (!record.keys.has(target)) record.keys.set(target, newKey());
    const key = `${record.keys.get(target)}-${target === WHOLE ? `n${number}` : label}`;
    const request =
      target === WHOLE
        ? () => this.api.sendLabelledNumber(this.whole.sample, number, model, key)
        : () => this.api.sendLabelledDrawing(sample, label, model, key);
    // Refused as not a digit, the drawing was never "as the network said", whatever it answers now.
    const said = (saved) =>
      saved.number ? savedNumberText(saved) : savedText(this.digit == null ? { ...saved, predicted: null } : saved);
    this.#sending({ answer, record, target }, request, said);
  }

  async #sending({ answer, record, target }, request, said) {
    const pressed = this.panel.contains(document.activeElement) ? document.activeElement : null;
    record.sending.add(target);
    this.#render();
    let saved = null;
    let failure = null;
    try {
      saved = await request();
      record.said.set(target, said(saved));
      if (target !== WHOLE) record.labels.set(target, saved.label);
    } catch (error) {
      failure = error;
    } finally {
      record.sending.delete(target);
    }
    if (answer !== this.answer) return; // another answer is on screen now
    const digit = target === WHOLE || target === "one" ? null : target;
    if (saved) this.dispatchEvent(new CustomEvent("saved", { detail: { answer, digit, label: saved.label ?? null } }));
    this.#render();
    const shown = target === WHOLE ? this.number != null : targetOf(this.sample) === target;
    if (!shown) return; // another digit of the number is shown: its own offer stands
    if (saved && pressed) this.status.focus(); // the buttons are gone: keep the keyboard's place here
    if (failure) {
      pressed?.focus(); // disabled while sending, which took the focus away
      this.#say(failure.status === 0 ? "Could not reach the server: tap again to retry." : failure.message, "error");
    }
  }

  /** The panel for the sample shown: what was said once it is saved, "Saving…" while it is
   * sent, else the buttons. */
  #render() {
    if (!this.sample) return;
    const target = targetOf(this.sample);
    const said = this.record.said.get(WHOLE) ?? this.record.said.get(target);
    if (said) {
      this.#say(`${said} `, "saved");
      this.status.append(el("a", { href: this.panel.dataset.statsUrl }, "See the counts"));
      this.choices.hidden = this.confirm.hidden = true;
      return;
    }
    const sending = this.record.sending.has(WHOLE) || this.record.sending.has(target);
    for (const button of this.buttons) button.disabled = sending;
    this.choices.hidden = false;
    // Nothing to confirm when nothing was read; nor a whole number of which a digit is labelled.
    const digits = [...this.record.said.keys(), ...this.record.sending].some((t) => t !== WHOLE);
    this.confirm.hidden = this.digit == null || (this.number != null && digits);
    this.#say(sending ? "Saving…" : "", sending ? "saving" : "");
  }

  #say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }
}
