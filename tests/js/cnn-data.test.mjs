// The CNN's numbers as the network page reads them (static/recognizer/js/cnn-data.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  assembleCnn,
  convLayers,
  filter1,
  filter1Channel,
  filter2Slice,
  layersFrom,
  peak,
  receptiveField,
  strongestSlices,
  unitPushes,
} from "../../static/recognizer/js/cnn-data.js";
import { strongest } from "../../static/recognizer/js/network-math.js";
import { WeightsError } from "../../static/recognizer/js/network-weights.js";

const WIDTHS = [2, 3, 4];
const MODEL = { widths: WIDTHS, kernel: 5, side: 28 }; // as the server describes the CNN
const zeros = (...shape) => Array.from({ length: shape[0] }, () => (shape.length > 1 ? zeros(...shape.slice(1)) : 0));

function answer(overrides = {}) {
  return {
    digit: 7,
    model: "cnn",
    input: new Array(784).fill(0),
    probabilities: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    activations: { conv1: zeros(2, 24, 24), conv2: zeros(3, 8, 8), dense: [0, 1, 2, 3], output: new Array(10).fill(0.1), ...overrides },
  };
}

test("the layers of an answer are read map by map, row by row", () => {
  const a = answer();
  a.activations.conv1[1][3][5] = 2.5; // map 1, row 3, column 5
  a.activations.conv2[2][7][0] = 1.5;
  const layers = layersFrom(a, MODEL);
  assert.equal(layers.conv1.length, 2 * 576);
  assert.equal(layers.conv1[576 + 3 * 24 + 5], 2.5);
  assert.equal(layers.conv2[2 * 64 + 7 * 8], 1.5);
  assert.deepEqual(Array.from(layers.dense), [0, 1, 2, 3]);
  assert.equal(layers.digit, 7);
});

test("layers of the wrong size, or none, are refused with what was expected", () => {
  assert.throws(() => layersFrom(answer({ conv2: zeros(2, 8, 8) }), MODEL), /activations.conv2 has 128 values, expected 192/);
  assert.throws(() => layersFrom({ ...answer(), activations: undefined }, MODEL), /sent no activations/);
});

test("a cell of a map sits on the centre of the patch of the digit it read", () => {
  const { conv1, conv2 } = convLayers(MODEL);
  assert.deepEqual([conv1.side, conv1.pooled, conv2.side, conv2.pooled], [24, 12, 8, 4]);
  assert.deepEqual([conv1.field, conv2.field, conv1.offset, conv2.offset], [5, 14, 2, 6]);
  for (const layer of [conv1, conv2]) {
    for (const y of [0, 3, layer.side - 1]) {
      const field = receptiveField(layer, y, y);
      const cellCentre = layer.offset + (y + 0.5) * layer.cell;
      assert.equal(field.top + field.size / 2, cellCentre);
      assert.ok(field.top >= 0 && field.top + field.size <= 28);
    }
  }
  assert.deepEqual(receptiveField(conv2, 7, 7), { left: 14, top: 14, size: 14 });
});

const array = (shape, fill = (i) => i) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)) });
const arrays = (overrides = {}) => ({
  K1: array([5, 5, 1, 2]),
  c1: array([2]),
  K2: array([5, 5, 2, 3]),
  c2: array([3]),
  b3: array([4]),
  W4: array([4, 10], (i) => (i % 10 === 7 ? (i < 20 ? 1 : -1) : 0)),
  b4: array([10]),
  ...overrides,
});

test("the filters are read from the weights kept channels last", () => {
  const net = assembleCnn(arrays(), 5);
  assert.deepEqual(net.widths, WIDTHS);
  // K1[ky, kx, 0, f] is at (ky * 5 + kx) * C1 + f.
  assert.deepEqual(Array.from(filter1(net, 1)).slice(0, 3), [1, 3, 5]);
  // K2[ky, kx, c, f] is at ((ky * 5 + kx) * C1 + c) * C2 + f.
  assert.deepEqual(Array.from(filter2Slice(net, 2, 1)).slice(0, 2), [1 * 3 + 2, (2 + 1) * 3 + 2]);
  assert.deepEqual(strongestSlices(net, 0, 2), [1, 0]);
});

test("a filter of a network reading the ink and the pen's direction is read channel by channel", () => {
  const net = assembleCnn(arrays({ K1: array([5, 5, 3, 2]) }), 5);
  assert.equal(net.channels, 3);
  assert.equal(assembleCnn(arrays(), 5).channels, 1);
  // K1[ky, kx, c, f] is at ((ky * 5 + kx) * 3 + c) * C1 + f.
  assert.deepEqual(Array.from(filter1Channel(net, 1, 2)).slice(0, 2), [2 * 2 + 1, (3 + 2) * 2 + 1]);
  assert.deepEqual(Array.from(filter1(net, 1)).slice(0, 2), [1, 3 * 2 + 1]); // channel 0: the ink
  assert.deepEqual(filter1(net, 0), filter1Channel(net, 0, 0));
  assert.equal(filter1Channel(net, 1, 2).length, 25);
});

test("weights whose shapes do not fit are refused, with every shape", () => {
  assert.throws(
    () => assembleCnn(arrays({ K2: array([5, 5, 3, 3]) }), 5),
    (e) => e instanceof WeightsError && /K2 \(5,5,3,3\)/.test(e.message) && /b4/.test(e.message),
  );
  assert.throws(() => assembleCnn(arrays({ K1: array([5, 5, 3]) }), 5), /K1 \(5,5,3\)/);
  assert.throws(() => assembleCnn(arrays({ K1: array([5, 5, 3, 3]) }), 5), /K1 \(5,5,3,3\)/);
  const { W4, ...rest } = arrays();
  assert.ok(W4);
  assert.throws(() => assembleCnn(rest, 5), /lack W4/);
});

test("the strongest cell, units and pushes are ranked from the server's numbers", () => {
  assert.deepEqual(peak(Float32Array.from([0, 3, 1, 3]), 2), { y: 0, x: 1, value: 3 });
  assert.deepEqual(strongest(Float32Array.from([0.5, 2, 0, 1]), 2), [{ index: 1, value: 2 }, { index: 3, value: 1 }]);
  const net = assembleCnn(arrays(), 5);
  const { up, down } = unitPushes(net, Float32Array.from([1, 2, 3, 4]), 7, 3);
  assert.deepEqual(up, [{ index: 1, value: 2 }, { index: 0, value: 1 }]);
  assert.deepEqual(down, [{ index: 3, value: -4 }, { index: 2, value: -3 }]);
});
