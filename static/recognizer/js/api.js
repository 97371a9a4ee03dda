/** Calls to the prediction and labelled-drawing APIs; failures become an ApiError with a message for people. */

import { compactStrokes } from "./strokes.js";

const JSON_TYPE = { "Content-Type": "application/json" };
const UNREACHABLE = "Could not reach the server. Your drawing is kept: try Predict again.";

/** A multipart body of the fields that are set. */
function form(fields) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value != null && value !== "") body.append(name, value);
  return body;
}

export class ApiError extends Error {
  /** `code` tells apart answers of one status: "blank" or "not_a_digit" for a 422. */
  constructor(message, status, code = null) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** fetch() with the site's cookies; a server out of reach throws `unreachable` (an Error). */
export async function reach(url, init, unreachable) {
  try {
    return await fetch(url, { ...init, credentials: "same-origin" });
  } catch {
    throw unreachable;
  }
}

export class PredictApi {
  constructor(url, csrfToken, labelledDrawingUrl = null) {
    this.url = url;
    this.csrfToken = csrfToken;
    this.labelledDrawingUrl = labelledDrawingUrl;
  }

  /** Pen strokes (lists of [x, y] in units of the pad's height, as pad.toData() gives them);
   * `model` names the model to ask, undefined asks the site's default; `activations` asks
   * for every layer's activations of each digit (the 784-250-10 always sends its own). */
  predictStrokes(strokes, model, activations = false) {
    const body = { strokes: compactStrokes(strokes), model, activations: activations || undefined };
    return this.#post(JSON.stringify(body), JSON_TYPE);
  }

  predictPixels(pixels, model) {
    return this.#post(JSON.stringify({ pixels, model }), JSON_TYPE);
  }

  predictFile(file, model) {
    return this.#post(form({ image: file, model }), {});
  }

  /**
   * Say which digit a drawing really is. `sample` is what was predicted: {strokes} for a
   * drawing, {file} for a photo, with `digit` when it labels one digit of a number;
   * `model` is the model that answered. Sending again with the
   * same `key` (a retry after a lost answer) stores the drawing once.
   */
  sendLabelledDrawing(sample, label, model, key) {
    return this.#label(sample, { label, digit: sample.digit }, model, key); // digit: undefined for a lone digit
  }

  /** Say which number a drawing of several digits really is: `number` a string of its
   * digits, left to right; each digit is stored with its own. */
  sendLabelledNumber(sample, number, model, key) {
    return this.#label(sample, { number }, model, key);
  }

  #label(sample, fields, model, key) {
    const once = { "Idempotency-Key": key };
    if (sample.file) {
      const text = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === undefined ? null : String(v)]));
      return this.#post(form({ image: sample.file, model, ...text }), once, this.labelledDrawingUrl);
    }
    const body = JSON.stringify({ strokes: compactStrokes(sample.strokes), model, ...fields });
    return this.#post(body, { ...JSON_TYPE, ...once }, this.labelledDrawingUrl);
  }

  async #post(body, headers, url = this.url) {
    const init = { method: "POST", body, headers: { ...headers, "X-CSRFToken": this.csrfToken } };
    const response = await reach(url, init, new ApiError(UNREACHABLE, 0));
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ApiError(payload.error || `The server answered ${response.status}.`, response.status, payload.code);
    }
    return payload;
  }
}
