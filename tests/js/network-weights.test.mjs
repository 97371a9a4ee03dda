// Putting the four parsed .npy arrays together (static/recognizer/js/network-weights.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { WeightsError, assembleNetwork } from "../../static/recognizer/js/network-weights.js";

const array = (...shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
const arrays = (overrides = {}) => ({ W1: array(4, 3), b1: array(3), W2: array(3, 2), b2: array(2), ...overrides });

test("arrays whose shapes fit give the network's sizes and data", () => {
  const parts = arrays();
  const net = assembleNetwork(parts);
  assert.deepEqual([net.nIn, net.nHidden, net.nOut], [4, 3, 2]);
  assert.equal(net.W1, parts.W1.data);
  assert.equal(net.b2, parts.b2.data);
});

for (const [name, wrong] of [
  ["W1", array(12)],
  ["b1", array(4)],
  ["W2", array(2, 3)],
  ["b2", array(2, 1)],
]) {
  test(`a ${name} of shape (${wrong.shape}) that does not fit is refused, with every shape`, () => {
    assert.throws(
      () => assembleNetwork(arrays({ [name]: wrong })),
      (e) => e instanceof WeightsError && e.message.includes(`${name} (${wrong.shape})`) && e.message.includes("b2"),
    );
  });
}

test("a missing array is refused by name", () => {
  const { b1, ...rest } = arrays();
  assert.ok(b1);
  assert.throws(() => assembleNetwork(rest), (e) => e instanceof WeightsError && /lack b1/.test(e.message));
});
