/**
 * A served model's weights: one .npy file per array, each fetched once from its versioned
 * URL. The 784-250-10's (W1, b1, W2, b2) are checked to fit together and handed on as
 * {nIn, nHidden, nOut, W1, b1, W2, b2} with W1 input-major: W1[i * nHidden + j] (the CNN's
 * are put together by cnn-data.js).
 */

import { parseNpy } from "./network-npy.js";

export class WeightsError extends Error {}

export const WEIGHT_NAMES = ["W1", "b1", "W2", "b2"];

/** Parsed arrays {W1, b1, W2, b2} (each {shape, data}) -> the network, if their shapes fit. */
export function assembleNetwork(arrays) {
  const missing = WEIGHT_NAMES.filter((name) => !arrays[name]);
  if (missing.length) throw new WeightsError(`the weights lack ${missing.join(", ")}`);
  const { W1, b1, W2, b2 } = arrays;
  const shapes = { W1: W1.shape, b1: b1.shape, W2: W2.shape, b2: b2.shape };
  const [nIn, nHidden] = W1.shape;
  const nOut = W2.shape[1];
  const fits =
    W1.shape.length === 2 &&
    W2.shape.length === 2 &&
    W2.shape[0] === nHidden &&
    String(b1.shape) === String([nHidden]) &&
    String(b2.shape) === String([nOut]);
  if (!fits) {
    const text = Object.entries(shapes).map(([name, shape]) => `${name} (${shape})`);
    throw new WeightsError(`the weights do not fit together: ${text.join(", ")}`);
  }
  return { nIn, nHidden, nOut, W1: W1.data, b1: b1.data, W2: W2.data, b2: b2.data };
}

async function fetchArray(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch {
    throw new WeightsError("Could not reach the server to fetch the network's weights.");
  }
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
