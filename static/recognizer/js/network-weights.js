/**
 * The served network's weights: fetched once from their versioned URL and parsed from the
 * "DGW1" binary (recognizer/inspection.py): magic, three little-endian uint32 sizes, then
 * float32 little-endian W1 (nIn x nHidden, input-major), b1, W2 (nHidden x nOut), b2.
 */

const MAGIC = "DGW1";
const HEADER_BYTES = 16;

export class WeightsError extends Error {}

/** An ArrayBuffer in the DGW1 format -> {nIn, nHidden, nOut, W1, b1, W2, b2}. */
export function parseWeights(buffer, expectedSizes = null) {
  const view = new DataView(buffer);
  if (buffer.byteLength < HEADER_BYTES) throw new WeightsError("the weights file is truncated");
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== MAGIC) throw new WeightsError(`not a weights file (magic ${JSON.stringify(magic)})`);
  const sizes = [4, 8, 12].map((offset) => view.getUint32(offset, true));
  if (expectedSizes && sizes.some((n, k) => n !== expectedSizes[k])) {
    throw new WeightsError(`the weights are ${sizes.join("-")}, expected ${expectedSizes.join("-")}`);
  }
  const [nIn, nHidden, nOut] = sizes;
  const counts = [nIn * nHidden, nHidden, nHidden * nOut, nOut];
  const total = counts.reduce((a, b) => a + b, 0);
  if (buffer.byteLength !== HEADER_BYTES + 4 * total) {
    throw new WeightsError(`the weights file has ${buffer.byteLength} bytes, expected ${HEADER_BYTES + 4 * total}`);
  }
  let offset = HEADER_BYTES;
  const [W1, b1, W2, b2] = counts.map((n) => {
    const array = new Float32Array(n);
    for (let k = 0; k < n; k++, offset += 4) array[k] = view.getFloat32(offset, true);
    return array;
  });
  return { nIn, nHidden, nOut, W1, b1, W2, b2 };
}

/** Fetch and parse the weights; the URL is versioned, so the browser may cache it for good. */
export async function loadWeights(url, expectedSizes = null) {
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
  return parseWeights(await response.arrayBuffer(), expectedSizes);
}
