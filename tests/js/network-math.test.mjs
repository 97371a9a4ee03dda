// The rankings the network page draws (static/recognizer/js/network-math.js), on a tiny
// network with hand-set weights: 4 inputs, 3 hidden neurons, 2 outputs.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  activationsFrom,
  diagramConnections,
  hiddenSignal,
  incomingWeights,
  inputSignal,
  maxAbs,
  outgoingWeights,
  pushes,
  strongestHidden,
  strongestInputs,
  topK,
} from "../../static/recognizer/js/network-math.js";

// W1[i][j]: input i to hidden j (input-major, as the .npy of W1 (nIn, nHidden) is laid out).
const W1 = [
  [0.5, -2, 0],
  [-1, 0.1, 3],
  [0.2, 0.3, -0.4],
  [4, 0, 0.05],
];
const W2 = [
  [1, -1],
  [-0.5, 2],
  [0.25, 0],
];
const NET = {
  nIn: 4,
  nHidden: 3,
  nOut: 2,
  W1: Float32Array.from(W1.flat()),
  b1: Float32Array.from([0, 0, 0]),
  W2: Float32Array.from(W2.flat()),
  b2: Float32Array.from([0, 0]),
};
const SIZES = [4, 3, 2];

const answer = (overrides = {}) => ({
  digit: 1,
  model: "mlp",
  probabilities: [0.2, 0.8],
  input: [0, 1, 0.5, 0],
  activations: { hidden: [0.9, 0.1, 0.5], output: [0.2, 0.8] },
  ...overrides,
});

test("topK gives the indices of the largest scores, best first", () => {
  const scores = [3, 9, -1, 9.5, 0, 7];
  assert.deepEqual(topK(scores.length, 3, (i) => scores[i]), [3, 1, 5]);
  assert.deepEqual(topK(scores.length, 1, (i) => scores[i]), [3]);
  assert.deepEqual(topK(2, 5, (i) => scores[i]), [1, 0]); // fewer than k: all of them
  assert.deepEqual(topK(scores.length, 0, (i) => scores[i]), []);
});

test("topK agrees with a full sort on many random scores", () => {
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const scores = Array.from({ length: 500 }, random);
  const sorted = scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).slice(0, 12).map(([, i]) => i);
  assert.deepEqual(topK(scores.length, 12, (i) => scores[i]), sorted);
});

test("a hidden neuron's incoming weights are W1's column, its outgoing ones W2's row", () => {
  assert.deepEqual(Array.from(incomingWeights(NET, 2)), Array.from(Float32Array.from([0, 3, -0.4, 0.05])));
  assert.deepEqual(Array.from(outgoingWeights(NET, 1)), [-0.5, 2]);
});

test("a connection carries input x weight for a drawing, the weight alone without one", () => {
  const x = [0, 1, 0.5, 0];
  assert.equal(inputSignal(NET, x, 1, 2), 3);
  assert.equal(inputSignal(NET, x, 3, 0), 0); // a blank pixel sends nothing
  assert.equal(inputSignal(NET, null, 3, 0), 4);
  assert.equal(hiddenSignal(NET, [0.9, 0.1, 0.5], 1, 1), 0.1 * 2);
  assert.equal(hiddenSignal(NET, null, 1, 1), 2);
});

test("the strongest inputs of a neuron rank by |input x weight| and drop the silent ones", () => {
  const x = [0, 1, 0.5, 0];
  assert.deepEqual(
    strongestInputs(NET, x, 0, 3).map((c) => [c.from, c.to]),
    [[1, 0], [2, 0]], // inputs 0 and 3 are blank: they carry nothing to show
  );
  const byWeight = strongestInputs(NET, null, 0, 2);
  assert.deepEqual(byWeight.map((c) => [c.from, c.value]), [[3, 4], [1, -1]]);
});

test("the strongest hidden neurons into an output rank by |activation x weight|", () => {
  const a1 = Float32Array.from([0.9, 0.1, 0.5]);
  const strongest = strongestHidden(NET, a1, 1, 2);
  assert.deepEqual(strongest.map((c) => [c.from, c.to]), [[0, 1], [1, 1]]);
  assert.ok(Math.abs(strongest[0].value - -0.9) < 1e-6);
});

test("the diagram draws k connections per hidden neuron and kOut per output", () => {
  const { inputs, hidden } = diagramConnections(NET, null, 2, 1);
  assert.equal(inputs.length, NET.nHidden * 2);
  assert.deepEqual(hidden.map((c) => [c.from, c.to]), [[0, 0], [1, 1]]);
  const act = activationsFrom(answer(), SIZES);
  assert.ok(diagramConnections(NET, act, 2, 1).inputs.every((c) => act.x[c.from] > 0));
});

test("the diagram's connections are the strongest of all inputs, blank ones included", () => {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const [nIn, nHidden, nOut] = [64, 20, 3];
  const net = { nIn, nHidden, nOut, W1: Float32Array.from({ length: nIn * nHidden }, random),
    W2: Float32Array.from({ length: nHidden * nOut }, random) };  // prettier-ignore
  const x = Float32Array.from({ length: nIn }, () => Math.max(0, 2 * random())); // about half blank
  const { inputs } = diagramConnections(net, { x, a1: new Float32Array(nHidden) }, 3, 1);
  for (let j = 0; j < nHidden; j++) {
    const all = Array.from({ length: nIn }, (_, i) => [i, Math.abs(x[i] * net.W1[i * nHidden + j])]);
    const best = all.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([i]) => i);
    assert.deepEqual(inputs.filter((c) => c.to === j).map((c) => c.from), best);
  }
});

test("pushes split an output's contributions into those pushing it up and down", () => {
  const { up, down } = pushes(NET, Float32Array.from([0.9, 0.1, 0.5]), 0, 6);
  assert.deepEqual(up.map((c) => c.index), [0, 2]);
  assert.deepEqual(down.map((c) => c.index), [1]);
  assert.ok(up.every((c) => c.value > 0) && down.every((c) => c.value < 0));
});

test("a push too small to show (it would read −0.00) is no push", () => {
  const { up, down } = pushes(NET, Float32Array.from([0.9, 0.001, 0.5]), 0, 6);
  assert.deepEqual(up.map((c) => c.index), [0, 2]);
  assert.deepEqual(down, []);
});

test("maxAbs is the largest magnitude, and 1 for all zeros so it can divide", () => {
  assert.equal(maxAbs([0.5, -3, 2]), 3);
  assert.equal(maxAbs(new Float32Array(4)), 1);
});

test("the server's answer becomes typed arrays of the network's sizes", () => {
  const act = activationsFrom(answer(), SIZES);
  assert.equal(act.digit, 1);
  assert.ok(act.x instanceof Float32Array && act.a1 instanceof Float32Array);
  assert.deepEqual(Array.from(act.x), [0, 1, 0.5, 0]);
  assert.deepEqual(Array.from(act.out), Array.from(Float32Array.from([0.2, 0.8])));
  assert.deepEqual(Array.from(act.p), Array.from(Float32Array.from([0.2, 0.8])));
});

test("an answer without activations, or of the wrong sizes, is refused, saying which part", () => {
  assert.throws(() => activationsFrom(answer({ activations: undefined, model: "cnn" }), SIZES), /cnn sent no activations/);
  assert.throws(() => activationsFrom(answer({ input: [0, 1] }), SIZES), /input has 2 values, expected 4/);
  const short = { hidden: [0.5], output: [0.2, 0.8] };
  assert.throws(() => activationsFrom(answer({ activations: short }), SIZES), /activations\.hidden has 1 values, expected 3/);
  assert.throws(() => activationsFrom(answer({ probabilities: undefined }), SIZES), /probabilities has no values/);
});
