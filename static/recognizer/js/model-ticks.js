/**
 * Round axis ticks for the model page's charts: steps of 1, 2 or 5 times a power of ten,
 * and an axis that starts and ends on a tick. No DOM: node --test runs it as it is.
 */

/** The round step (1, 2 or 5 × 10ⁿ) that cuts `span` into nearest `count` parts. */
export function niceStep(span, count = 5, { integer = false } = {}) {
  const power = 10 ** Math.floor(Math.log10(span / count));
  const candidates = [1, 2, 5, 10, 20].map((m) => Number((m * power).toPrecision(12)));
  const allowed = integer ? candidates.filter((s) => s >= 1).concat([1]) : candidates;
  const miss = (step) => Math.abs(span / step - count);
  return allowed.reduce((best, step) => (miss(step) < miss(best) ? step : best));
}

/** Digits after the decimal point that print every multiple of `step` exactly: 0.05 -> 2. */
export function stepDecimals(step) {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Ticks covering [lo, hi]: {lo, hi, step, values}, where lo and hi are rounded out to the
 * ticks either side. `integer` keeps the step whole (epochs); `limit` caps the axis (100%).
 */
export function niceTicks(lo, hi, { count = 5, integer = false, limit = Infinity } = {}) {
  const span = hi - lo || Math.abs(hi) || 1;
  const step = niceStep(span, count, { integer });
  const digits = stepDecimals(step);
  const round = (v) => Number(v.toFixed(digits));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values = [];
  for (let k = first; k <= Math.max(last, first + 1); k++) {
    const v = round(k * step);
    if (v <= limit) values.push(v);
  }
  return { lo: values[0], hi: values[values.length - 1], step, values };
}

/** Ticks inside [lo, hi] only, for an axis fixed by its data, such as epochs 1 to n. */
export function ticksWithin(lo, hi, options) {
  const { values, step } = niceTicks(lo, hi, options);
  return { step, values: values.filter((v) => v >= lo && v <= hi) };
}
