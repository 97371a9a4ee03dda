/** Calls to the prediction and labelled-drawing APIs; failures become an ApiError with a message for people. */

import { compactStrokes } from "./strokes.js";

const JSON_TYPE = { "Content-Type": "application/json" };

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

export class PredictApi {
  constructor(url, csrfToken, labelledDrawingUrl = null) {
    this.url = url;
    this.csrfToken = csrfToken;
    this.labelledDrawingUrl = labelledDrawingUrl;
  }

  /** Pen strokes (lists of [x, y] in units of the pad's side, as pad.toData() gives them);
   * `model` names the model to ask, undefined asks the site's default. */
  predictStrokes(strokes, model) {
    return this.#post(JSON.stringify({ strokes: compactStrokes(strokes), model }), JSON_TYPE);
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
    const once = { "Idempotency-Key": key };
    const { digit } = sample; // which digit of a number; undefined for a lone digit
    if (sample.file) {
      const fields = { image: sample.file, label: String(label), model, digit: digit === undefined ? null : String(digit) };
      return this.#post(form(fields), once, this.labelledDrawingUrl);
    }
    const body = JSON.stringify({ strokes: compactStrokes(sample.strokes), label, model, digit });
    return this.#post(body, { ...JSON_TYPE, ...once }, this.labelledDrawingUrl);
  }

  async #post(body, headers, url = this.url) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body,
        headers: { ...headers, "X-CSRFToken": this.csrfToken },
        credentials: "same-origin",
      });
    } catch {
      throw new ApiError("Could not reach the server. Your drawing is kept: try Predict again.", 0);
    }
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ApiError(payload.error || `The server answered ${response.status}.`, response.status, payload.code);
    }
    return payload;
  }
}
