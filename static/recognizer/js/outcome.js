/**
 * What the pages say when there is no digit to show, one wording for each outcome on every
 * page: blank, not a digit (and, while the pen may still come back, not a digit yet), too
 * large, unreadable (a 400 or 415: a file that is no image, a body or a model name the
 * API refuses), or an error. No DOM: node --test runs it as it is.
 */

/** The outcome of a failed request: "blank", "not_a_digit", "too_large", "unreadable" or "error". */
export function outcomeOf(error) {
  if (error.code === "not_a_digit") return "not_a_digit";
  if (error.code === "blank" || error.status === 422) return "blank";
  if (error.status === 413) return "too_large";
  if (error.status === 400 || error.status === 415) return "unreadable";
  return "error";
}

const sentence = (text) => (text ? `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}` : "");

const WORDS = {
  blank: {
    headline: "No digit found",
    drawing: "The network sees no ink in this drawing: draw the digit larger.",
    photo: "The network sees no ink in this photo: try a darker pen on plain paper, or a closer crop.",
  },
  not_a_digit: {
    headline: "That does not look like a digit",
    drawing: "Draw digits 0 to 9, each about as tall as the pad.",
    photo: "Photograph digits 0 to 9 on plain paper.",
  },
  not_a_digit_yet: {
    headline: "Not a digit yet",
    drawing: "Go on drawing: the answer comes once it looks like a digit.",
  },
  // The server says what was too large (a body, an image, more than 20 digits).
  too_large: { headline: "Too much to read at once" },
  unreadable: { headline: "This cannot be read" },
  error: { headline: "Something went wrong" },
};

/**
 * {headline, detail} for an outcome about a "drawing" or a "photo"; `error` (an ApiError)
 * supplies the detail where the server's own words say more.
 */
export function wording(outcome, subject = "drawing", error = null) {
  const words = WORDS[outcome] ?? WORDS.error;
  const detail = words[subject] ?? words.drawing ?? sentence(error?.message ?? "");
  return { headline: words.headline, detail };
}
