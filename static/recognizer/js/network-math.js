/**
 * What the diagram and the panel rank, on typed arrays, with no DOM: the connections that
 * carry most of the server's activations (input x weight, activation x weight) or, with no
 * drawing, the largest weights. The network's maths itself runs only on the server
 * (nn/networks/network.py). Weights are the object network-weights.js assembles: W1 is input-major,
 * W1[i * nHidden + j].
 */

/**
 * A digit of the server's answer -> {digit, name: Float32Array, ...} for `layers`
 * [[name, field, n]]: the answer's `field` ("input", "activations.hidden") read, through
 * `flatten`, and checked to hold n values.
 */
export function readLayers(answer, layers, flatten = (values) => values) {
  if (!answer.activations) throw new Error(`the model ${answer.model} sent no activations`);
  const out = { digit: answer.digit };
  for (const [name, field, n] of layers) {
    const raw = field.split(".").reduce((node, key) => node?.[key], answer);
    const values = raw && flatten(raw);
    if (!Array.isArray(values) || values.length !== n) {
      throw new Error(`the answer's ${field} has ${values ? values.length : "no"} values, expected ${n}`);
    }
    out[name] = Float32Array.from(values);
  }
  return out;
}

/**
 * The server's answer for the network page's model -> the activations the page draws:
 * {digit, x (nIn inputs), a1 (nHidden activations), out (nOut output activations),
 * p (nOut probabilities)}, each checked against the network's sizes.
 */
export function activationsFrom(answer, [nIn, nHidden, nOut]) {
  return readLayers(answer, [
    ["x", "input", nIn],
    ["a1", "activations.hidden", nHidden],
    ["out", "activations.output", nOut],
    ["p", "probabilities", nOut],
  ]);
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

/** The k of units 0..n-1 with the largest score(j), best first: [{index, value: value(j)}]. */
const ranked = (n, k, value, score = value) => topK(n, k, score).map((j) => ({ index: j, value: value(j) }));

/** The k largest of `values` (activations), largest first: [{index, value}]. */
export const strongest = (values, k) => ranked(values.length, k, (j) => values[j]);

const NOTHING = 0.005; // a push smaller than this is shown as ±0.00: no push at all

/** Of units 0..n-1, the k sending output d most up and most down, where value(j) is what
 * unit j sends it: {up, down}, lists of {index, value}; a push too small to show is none. */
export function pushesBy(n, k, value) {
  const pick = (sign) => ranked(n, k, value, (j) => sign * value(j)).filter((c) => sign * c.value >= NOTHING);
  return { up: pick(1), down: pick(-1) };
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
export function strongestInputs(net, x, j, k, among = inked(net, x)) {
  return strongestLinks(among, j, k, (i) => inputSignal(net, x, i, j));
}

/** Of the links from each of `froms` to `to`, the k carrying the largest |value(from)|: [{from, to, value}]. */
function strongestLinks(froms, to, k, value) {
  return topK(froms.length, k, (t) => Math.abs(value(froms[t])))
    .map((t) => ({ from: froms[t], to, value: value(froms[t]) }))
    .filter((c) => c.value !== 0);
}

/** The inputs that can carry a signal: the inked ones for a drawing (most pixels are blank), else all. */
function inked(net, x) {
  const all = Array.from({ length: net.nIn }, (_, i) => i);
  return x ? all.filter((i) => x[i] !== 0) : all;
}

/** The k strongest hidden connections into output d: [{from, to, value}]. */
export function strongestHidden(net, a1, d, k) {
  return strongestLinks(Array.from({ length: net.nHidden }, (_, j) => j), d, k, (j) => hiddenSignal(net, a1, j, d));
}

/** Every connection the diagram draws: k per hidden neuron, kOut per output. */
export function diagramConnections(net, act, k, kOut) {
  const among = inked(net, act && act.x); // found once for all the hidden neurons
  const each = (n, links) => Array.from({ length: n }, (_, i) => links(i)).flat();
  return {
    inputs: each(net.nHidden, (j) => strongestInputs(net, act && act.x, j, k, among)),
    hidden: each(net.nOut, (d) => strongestHidden(net, act && act.a1, d, kOut)),
  };
}

/**
 * The hidden neurons that push output d up most and down most: contributions a1_j W2[j, d]
 * for a drawing, or the weights W2[j, d] with none. Each list holds {index, value}.
 */
export const pushes = (net, a1, d, k) => pushesBy(net.nHidden, k, (j) => hiddenSignal(net, a1, j, d));

/** The largest absolute value in an array (1 when it is all zeros, so it can divide). */
export function maxAbs(values) {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m || 1;
}
