/**
 * A number in an answer, with no DOM: the API answers every digit of a drawing in
 * `digits` (left to right) and the whole in `number`; its own digit, probabilities, input
 * and activations are the first digit's. An answer without `digits` is read as one digit.
 */

/** The digits of an answer, left to right: its `digits`, or the answer itself. */
export function digitsOf(prediction) {
  return Array.isArray(prediction.digits) && prediction.digits.length ? prediction.digits : [prediction];
}

/** Whether the answer holds several digits. */
export const isNumber = (prediction) => digitsOf(prediction).length > 1;

/** The number it reads: "2026" (the digit itself for one digit). */
export function numberOf(prediction) {
  return prediction.number ?? digitsOf(prediction).map((d) => d.digit).join("");
}

/** The number as the person labelled it: each digit in `labels` (index -> label) as they
 * said, the others as read. */
export function labelledNumber(prediction, labels) {
  if (!labels.size) return numberOf(prediction);
  return digitsOf(prediction)
    .map((d, i) => labels.get(i) ?? d.digit)
    .join("");
}

/** The headline of a number, as a lone digit's (result.js) is worded: "It's 2026" when every
 * digit it reads is at least `sure`, "Probably 2026" when the least sure is at least
 * `unsureBelow`, else "Not sure: maybe 2026?". A digit the person labelled (`labels`,
 * index -> label) is theirs, and sure. */
export function numberHeadline(prediction, labels, sure, unsureBelow) {
  const least = Math.min(...digitsOf(prediction).map((d, i) => (labels.has(i) ? 1 : Math.max(...d.probabilities))));
  const said = labelledNumber(prediction, labels);
  if (least >= sure) return `It's ${said}`;
  if (least >= unsureBelow) return `Probably ${said}`;
  return `Not sure: maybe ${said}?`;
}

/** Digit `index` of an answer as an answer of its own, shown and labelled as one digit is
 * (the model is the whole answer's). An index past the end is the first digit. */
export function digitAnswer(prediction, index = 0) {
  const digits = digitsOf(prediction);
  const one = digits[index] ?? digits[0];
  return { ...one, model: prediction.model };
}

/** What to send to label digit `index`: the sample itself for a lone digit (the request
 * predict was sent), otherwise the sample with the digit it is for. */
export function digitSample(sample, prediction, index) {
  return isNumber(prediction) ? { ...sample, digit: index } : sample;
}

/** The digit `?digit=` in a URL's search string asks for, 0 when absent or not a digit index. */
export function chosenDigit(search) {
  const value = new URLSearchParams(search).get("digit");
  return value !== null && /^\d{1,2}$/.test(value) ? Number(value) : 0;
}

/** 1 -> "1st", 2 -> "2nd", 3 -> "3rd", 4 -> "4th", 11 -> "11th", 12 -> "12th". */
export function ordinal(n) {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}
