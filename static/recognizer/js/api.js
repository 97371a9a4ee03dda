/** Calls to the prediction API; failures become an ApiError with a message for people. */

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export class PredictApi {
  constructor(url, csrfToken) {
    this.url = url;
    this.csrfToken = csrfToken;
  }

  /** `model` names the model to ask; undefined asks the site's default. */
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

  async #post(body, headers) {
    let response;
    try {
      response = await fetch(this.url, {
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
