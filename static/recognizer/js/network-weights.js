/**
 * A served model's weights: one .npy file per array, each fetched once from its versioned
 * URL. The 784-250-10's (W1, b1, W2, b2) are checked to fit together and handed on as
 * {nIn, nHidden, nOut, W1, b1, W2, b2} with W1 input-major: W1[i * nHidden + j] (the CNN's
 * are put together by cnn-data.js).
 */

import { reach } from "./api.js";
import { parseNpy } from "./network-npy.js";

export class WeightsError extends Error {}

/** Parsed arrays (each {shape, data}) -> {name: data} for `names`, if none is missing and
 * each has the shape that expected(arrays) ({name: shape}) gives it. */
export function fitTogether(arrays, names, expected) {
  const missing = names.filter((name) => !arrays[name]);
  if (missing.length) throw new WeightsError(`the weights lack ${missing.join(", ")}`);
  const shapes = expected(arrays);
  if (names.some((name) => String(arrays[name].shape) !== String(shapes[name]))) {
    const text = names.map((name) => `${name} (${arrays[name].shape})`);
    throw new WeightsError(`the weights do not fit together: ${text.join(", ")}`);
  }
  return Object.fromEntries(names.map((name) => [name, arrays[name].data]));
}

/** Parsed arrays {W1, b1, W2, b2} (each {shape, data}) -> the network, if their shapes fit. */
export function assembleNetwork(arrays) {
  let nIn, nHidden, nOut;
  const weights = fitTogether(arrays, ["W1", "b1", "W2", "b2"], ({ W1, W2 }) => {
    [nIn, nHidden, nOut] = [W1.shape[0], W1.shape[1], W2.shape[1]];
    return { W1: [nIn, nHidden], b1: [nHidden], W2: [nHidden, nOut], b2: [nOut] };
  });
  return { nIn, nHidden, nOut, ...weights };
}

async function fetchArray(url) {
  const response = await reach(url, {}, new WeightsError("Could not reach the server to fetch the network's weights."));
  if (!response.ok) {
    throw new WeightsError(
      response.status === 404
        ? "The model changed since this page was loaded: reload the page."
        : `The server answered ${response.status} for the weights.`,
    );
  }
  return parseNpy(await response.arrayBuffer());
}

/** Fetch {name: url} (a model's arrays, each a .npy), parsed: {name: {shape, data}}. The
 * URLs are versioned, so cached for good. */
export async function loadArrays(urls) {
  const names = Object.keys(urls);
  const arrays = await Promise.all(names.map((name) => fetchArray(urls[name])));
  return Object.fromEntries(names.map((name, k) => [name, arrays[k]]));
}
