/**
 * The convolutional network's numbers as the network page uses them, with no DOM: the
 * server's layers for one digit (checked against the model's widths), its filters and
 * output weights put together from their .npy arrays, and the geometry that places a cell
 * of a feature map on the input it read. The network's maths runs on the server
 * (nn/networks/cnn.py); this only reads, ranks and places its numbers. The model is as the
 * server describes it (recognizer/inspection.py): {widths [C1, C2, D], kernel (every filter
 * is kernel x kernel), side (the network reads side x side pixels, MNIST's 28x28), channels
 * (of its input: 1, the ink, or 3, the ink and the pen's direction across and down)}.
 */

import { fitTogether } from "./network-weights.js";
import { pushesBy, readLayers, topK } from "./network-math.js";

/**
 * The two convolution layers of `model`: how many maps, their side, and where a map sits
 * on the side x side input. Layer 1's cell (y, x) read the input's kernel x kernel patch at
 * (y, x) (5x5 of 28x28: maps of 24x24); layer 2's read a kernel x kernel patch of layer 1's
 * maps pooled 2x2, that is the input's patch of 3 kernel - 1 (14x14) at (2y, 2x). So a map
 * drawn with cells of `cell` pixels from `offset` puts each cell on the centre of the patch
 * it read. Each layer also carries its maps' side after 2x2 pooling, `pooled`, and the
 * input's side, `inputSide`.
 */
export function convLayers({ widths: [c1, c2], kernel, side }) {
  // A cell is drawn as large as the step between the patches its neighbours read.
  const layer = (maps, mapSide, field, stride) =>
    ({ maps, side: mapSide, pooled: mapSide / 2, field, stride, offset: (field - stride) / 2, cell: stride, inputSide: side });
  const conv1 = layer(c1, side - kernel + 1, kernel, 1);
  return { conv1, conv2: layer(c2, conv1.pooled - kernel + 1, 3 * kernel - 1, 2) };
}

/** The input's patch that cell (y, x) of a map of `layer` read: {left, top, size} in input pixels. */
export function receptiveField(layer, y, x) {
  return { left: layer.stride * x, top: layer.stride * y, size: layer.field };
}

/**
 * One digit of the server's answer (its `activations` asked for) -> what the page draws:
 * {digit, x (side x side inputs), conv1 (C1 maps of 24x24, map k from k * 576), conv2 (C2
 * maps of 8x8), dense (D units), p (10 probabilities)}, each checked against `model`.
 */
export function layersFrom(answer, model) {
  const { conv1, conv2 } = convLayers(model);
  const layers = [
    ["x", "input", model.side ** 2],
    ["conv1", "activations.conv1", conv1.maps * conv1.side ** 2],
    ["conv2", "activations.conv2", conv2.maps * conv2.side ** 2],
    ["dense", "activations.dense", model.widths[2]],
    ["p", "probabilities", 10],
  ];
  return readLayers(answer, layers, (rows) => (Array.isArray(rows) ? rows.flat(Infinity) : rows));
}

/**
 * Parsed arrays {K1 (k, k, C, C1), c1, K2 (k, k, C1, C2), c2, b3 (D), W4 (D, 10), b4}, k
 * the model's `kernel` and C its input channels -> {widths, kernel, channels, K1, c1, K2,
 * c2, b3, W4, b4} (the data, channels last as nn/networks/cnn.py keeps them), if their
 * shapes fit together. C is read from K1's own shape (the server serves 1 or 3).
 */
export function assembleCnn(arrays, kernel) {
  let widths, channels;
  const weights = fitTogether(arrays, ["K1", "c1", "K2", "c2", "b3", "W4", "b4"], (a) => {
    const [c1, c2, dense] = (widths = [a.c1.shape[0], a.c2.shape[0], a.b3.shape[0]]);
    channels = a.K1.shape[2];
    const [K1, K2] = [[kernel, kernel, channels, c1], [kernel, kernel, c1, c2]];
    return { K1, c1: [c1], K2, c2: [c2], b3: [dense], W4: [dense, 10], b4: [10] };
  });
  return { widths, kernel, channels, ...weights };
}

/** Layer 1's filter f on input channel c (0 the ink; 1 and 2 the pen's direction across
 * and down): its kernel x kernel weights, row by row. */
export function filter1Channel(net, f, c) {
  const c1 = net.widths[0];
  return Float32Array.from({ length: net.kernel ** 2 }, (_, i) => net.K1[(i * net.channels + c) * c1 + f]);
}

/** Layer 1's filter f on the ink: its kernel x kernel weights, row by row. */
export const filter1 = (net, f) => filter1Channel(net, f, 0);

/** The slice of layer 2's filter f that reads layer 1's map c: kernel x kernel weights, row by row. */
export function filter2Slice(net, f, c) {
  const [c1, c2] = net.widths;
  return Float32Array.from({ length: net.kernel ** 2 }, (_, i) => net.K2[(i * c1 + c) * c2 + f]);
}

/** The k slices of layer 2's filter f with the largest weights (by sum of |w|), largest first. */
export function strongestSlices(net, f, k) {
  const size = (c) => filter2Slice(net, f, c).reduce((sum, w) => sum + Math.abs(w), 0);
  return topK(net.widths[0], k, size);
}

/** Map k of a layer's maps (side x side each, one after another). */
export const mapOf = (maps, layer, k) => maps.subarray(k * layer.side ** 2, (k + 1) * layer.side ** 2);

/** The brightest cell of a map: {y, x, value} (the first of equals, in reading order). */
export function peak(map, side) {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
  return { y: Math.floor(best / side), x: best % side, value: map[best] };
}

/** The dense units pushing digit d up most and down most: {up, down}, lists of {index, value};
 * unit j sends a_j W4[j, d], or the weight alone with no drawing. */
export const unitPushes = (net, dense, d, k) => pushesBy(net.widths[2], k, (j) => (dense ? dense[j] : 1) * net.W4[j * 10 + d]);

/** Dense unit j's ten weights to the digits. */
export const unitWeights = (net, j) => net.W4.subarray(j * 10, (j + 1) * 10);
