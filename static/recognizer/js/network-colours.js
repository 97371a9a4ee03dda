/**
 * The colours of the network page, in one place: a colour-blind-safe pair for the sign of
 * a weight (Okabe-Ito sky blue for positive, orange for negative), the brightness of an
 * activation, and weight images painted with them on square canvases (28x28 for MNIST).
 */

import { paintPixels } from "./digit-image.js";
import { maxAbs } from "./network-math.js";

export const BACKGROUND = [15, 23, 42];
export const POSITIVE = [86, 180, 233]; // blue: the input pushes the neuron up
export const NEGATIVE = [230, 159, 0]; // orange: the input pushes it down
const OFF = [36, 48, 70]; // a neuron at activation 0: dim but visible on the background
const ON = [255, 244, 194]; // a neuron at activation 1

const mix = (a, b, t) => a.map((v, k) => Math.round(v + (b[k] - v) * t));
export const css = ([r, g, b], alpha = 1) => `rgb(${r} ${g} ${b} / ${alpha})`;

/** The colour of a signed value: its sign's colour, at `alpha`. */
export const signColour = (value, alpha = 1) => css(value >= 0 ? POSITIVE : NEGATIVE, alpha);

/** The colour [r, g, b] of an activation a in [0, 1]: dim at 0, bright at 1. */
export const heat = (a) => mix(OFF, ON, Math.min(1, Math.max(0, a)));

/** The fill of a neuron whose activation is a in [0, 1]. */
export const activationColour = (a) => css(heat(a));

/** A diverging colour for v in [-1, 1]: background at 0, blue or orange at the ends. */
export function diverging(v) {
  const t = Math.min(1, Math.abs(v)) ** 0.75; // lift the faint weights a little
  return mix(BACKGROUND, v >= 0 ? POSITIVE : NEGATIVE, t);
}

/** Paint square `values` (side x side, row by row) on a canvas of that size, scaled by
 * `scale`: by default their max |v|. */
export function paintWeights(canvas, values, scale = maxAbs(values)) {
  const side = Math.round(Math.sqrt(values.length));
  return paintPixels(canvas, side, side, (x, y) => diverging(values[y * side + x] / scale));
}
