/** Calls to the prediction and feedback APIs; failures become an ApiError with a message for people. */

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export class PredictApi {
  constructor(url, csrfToken, feedbackUrl = null) {
    this.url = url;
    this.csrfToken = csrfToken;
    this.feedbackUrl = feedbackUrl;
  }

  /** Pen strokes (lists of [x, y] in units of the pad's side); `model` names the model to
   * ask, undefined asks the site's default. */
  predictStrokes(strokes, model) {
    return this.#post(JSON.stringify({ strokes, model }), { "Content-Type": "application/json" });
  }

  predictImage(dataUrl, model) {
    return this.#post(JSON.stringify({ image: dataUrl, model }), { "Content-Type": "application/json" });
  }

  predictPixels(pixels, model) {
    return this.#post(JSON.stringify({ pixels, model }), { "Content-Type": "application/json" });
  }

  predictFile(file, model) {
    const form = new FormData();
    form.append("image", file);
    if (model) form.append("model", model);
    return this.#post(form, {});
  }

  /**
   * Say which digit a drawing really is. `sample` is what was predicted: {image, strokes}
   * for a drawing, {file} for a photo; `model` is the model that answered.
   */
  sendFeedback(sample, label, model) {
    if (sample.file) {
      const form = new FormData();
      form.append("image", sample.file);
      form.append("label", String(label));
      if (model) form.append("model", model);
      return this.#post(form, {}, this.feedbackUrl);
    }
    const body = JSON.stringify({ image: sample.image, strokes: sample.strokes, label, model });
    return this.#post(body, { "Content-Type": "application/json" }, this.feedbackUrl);
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
      throw new ApiError(payload.error || `The server answered ${response.status}.`, response.status);
    }
    return payload;
  }
}
