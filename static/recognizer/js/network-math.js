/**
 * The network's maths on typed arrays, with no DOM: the forward pass (the same equations
 * as nn/network.py) and the rankings the diagram and the panel show. Weights are the
 * object network-weights.js parses: W1 is input-major, W1[i * nHidden + j].
 */

/** The logistic function in the tanh form the server uses; it never overflows. */
export const sigmoid = (z) => 0.5 * (1 + Math.tanh(0.5 * z));

/** Row softmax of one vector; subtracting the maximum keeps exp() finite. */
export function softmax(z) {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = new Float32Array(z.length);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += Math.exp(z[k] - max);
  for (let k = 0; k < z.length; k++) out[k] = Math.exp(z[k] - max) / sum;
  return out;
}

/**
 * The forward pass for one input of nIn pixels in [0, 1]:
 * z1 = x W1 + b1, a1 = sigmoid(z1), z2 = a1 W2 + b2, p = softmax(z2).
 */
export function forward(net, pixels) {
  const { nIn, nHidden, nOut, W1, b1, W2, b2 } = net;
  if (pixels.length !== nIn) throw new Error(`expected ${nIn} inputs, got ${pixels.length}`);
  const x = Float32Array.from(pixels);
  const acc = Float64Array.from(b1);
  for (let i = 0; i < nIn; i++) {
    const xi = x[i];
    if (xi === 0) continue; // most pixels of a drawing are blank
    const row = i * nHidden;
    for (let j = 0; j < nHidden; j++) acc[j] += xi * W1[row + j];
  }
  const z1 = Float32Array.from(acc);
  const a1 = z1.map(sigmoid);
  const z2 = new Float32Array(nOut);
  for (let k = 0; k < nOut; k++) {
    let sum = b2[k];
    for (let j = 0; j < nHidden; j++) sum += a1[j] * W2[j * nOut + k];
    z2[k] = sum;
  }
  const p = softmax(z2);
  let digit = 0;
  for (let k = 1; k < nOut; k++) if (p[k] > p[digit]) digit = k;
  return { x, z1, a1, z2, p, digit };
}

/** The k indices in [0, n) with the largest score(i), best first (a small insertion sort). */
export function topK(n, k, score) {
  const idx = [];
  const val = [];
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (idx.length === k && s <= val[k - 1]) continue;
    let at = Math.min(idx.length, k - 1);
    while (at > 0 && val[at - 1] < s) at--;
    idx.splice(at, 0, i);
    val.splice(at, 0, s);
    if (idx.length > k) {
      idx.pop();
      val.pop();
    }
  }
  return idx;
}

/** The nIn weights into hidden neuron j (a 28x28 picture of what it looks for). */
export function incomingWeights(net, j) {
  const out = new Float32Array(net.nIn);
  for (let i = 0; i < net.nIn; i++) out[i] = net.W1[i * net.nHidden + j];
  return out;
}

/** The nOut weights from hidden neuron j to the digits. */
export function outgoingWeights(net, j) {
  return net.W2.slice(j * net.nOut, (j + 1) * net.nOut);
}

/**
 * What input i sends to hidden neuron j: x_i W1[i, j] for a drawing, or the weight itself
 * when there is no drawing (x null), so the structure still shows.
 */
export function inputSignal(net, x, i, j) {
  const w = net.W1[i * net.nHidden + j];
  return x ? x[i] * w : w;
}

/** What hidden neuron j sends to output d: a1_j W2[j, d], or the weight with no drawing. */
export function hiddenSignal(net, a1, j, d) {
  const w = net.W2[j * net.nOut + d];
  return a1 ? a1[j] * w : w;
}

/** The k strongest input connections of hidden neuron j: [{from, to, value}]. */
export function strongestInputs(net, x, j, k) {
  return topK(net.nIn, k, (i) => Math.abs(inputSignal(net, x, i, j)))
    .map((i) => ({ from: i, to: j, value: inputSignal(net, x, i, j) }))
    .filter((c) => c.value !== 0);
}

/** The k strongest hidden connections into output d: [{from, to, value}]. */
export function strongestHidden(net, a1, d, k) {
  return topK(net.nHidden, k, (j) => Math.abs(hiddenSignal(net, a1, j, d)))
    .map((j) => ({ from: j, to: d, value: hiddenSignal(net, a1, j, d) }))
    .filter((c) => c.value !== 0);
}

/** Every connection the diagram draws: k per hidden neuron, kOut per output. */
export function diagramConnections(net, act, k = 3, kOut = 12) {
  const x = act ? act.x : null;
  const a1 = act ? act.a1 : null;
  const inputs = [];
  for (let j = 0; j < net.nHidden; j++) inputs.push(...strongestInputs(net, x, j, k));
  const hidden = [];
  for (let d = 0; d < net.nOut; d++) hidden.push(...strongestHidden(net, a1, d, kOut));
  return { inputs, hidden };
}

/**
 * The hidden neurons that push output d up most and down most: contributions a1_j W2[j, d]
 * for a drawing, or the weights W2[j, d] with none. Each list holds {index, value}.
 */
export function pushes(net, a1, d, k = 6) {
  const value = (j) => hiddenSignal(net, a1, j, d);
  const pick = (sign) =>
    topK(net.nHidden, k, (j) => sign * value(j))
      .map((j) => ({ index: j, value: value(j) }))
      .filter((c) => sign * c.value > 0);
  return { up: pick(1), down: pick(-1) };
}

/** The largest absolute value in an array (1 when it is all zeros, so it can divide). */
export function maxAbs(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m || 1;
}
