// Where the network diagram puts things (static/recognizer/js/network-layout.js): at a
// desktop and a phone size, for the served network's sizes and for others.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  computeLayout,
  hiddenCentre,
  hitTest,
  inputCentre,
  neighbour,
  outputCentre,
  sameItem,
} from "../../static/recognizer/js/network-layout.js";

const SIZES = [784, 250, 10];
const WIDE = computeLayout(674, 539, SIZES); // the diagram's box on a 1280 px page
const TALL = computeLayout(326, 489, SIZES); // and on a 390 px phone
const hidden = (index) => ({ kind: "hidden", index });
const out = (index) => ({ kind: "out", index });
const inside = (L, [x, y]) => x >= 0 && x <= L.width && y >= 0 && y <= L.height;

test("a wide box lays the layers out left to right, a tall one top to bottom", () => {
  assert.ok(WIDE.wide && !TALL.wide);
  assert.ok(inputCentre(WIDE, 0)[0] < hiddenCentre(WIDE, 0)[0] && hiddenCentre(WIDE, 0)[0] < outputCentre(WIDE, 0)[0]);
  assert.ok(inputCentre(TALL, 0)[1] < hiddenCentre(TALL, 0)[1] && hiddenCentre(TALL, 0)[1] < outputCentre(TALL, 0)[1]);
});

test("every input, hidden neuron and output sits inside the box", () => {
  for (const L of [WIDE, TALL]) {
    for (let i = 0; i < SIZES[0]; i++) assert.ok(inside(L, inputCentre(L, i)), `input ${i}`);
    for (let j = 0; j < SIZES[1]; j++) assert.ok(inside(L, hiddenCentre(L, j)), `hidden ${j}`);
    for (let d = 0; d < SIZES[2]; d++) assert.ok(inside(L, outputCentre(L, d)), `output ${d}`);
  }
});

test("the input grid is the square the input's size makes, row by row", () => {
  assert.equal(WIDE.side, 28);
  const [x0, y0] = inputCentre(WIDE, 0);
  assert.equal(inputCentre(WIDE, 27)[1], y0); // the end of the first row
  assert.ok(inputCentre(WIDE, 28)[1] > y0 && inputCentre(WIDE, 28)[0] === x0); // the next row
});

test("the layer names count the layers' neurons", () => {
  assert.deepEqual(WIDE.labels.map(([name]) => name), ["784 inputs", "250 hidden", "10 outputs"]);
  const small = computeLayout(600, 400, [16, 30, 5]);
  assert.deepEqual(small.labels.map(([name]) => name), ["16 inputs", "30 hidden", "5 outputs"]);
  assert.equal(small.side, 4);
  assert.equal(small.outputs.length, 5);
});

test("a point on a neuron hits that neuron, at both sizes", () => {
  for (const L of [WIDE, TALL]) {
    for (let j = 0; j < SIZES[1]; j++) assert.deepEqual(hitTest(L, ...hiddenCentre(L, j)), hidden(j));
    for (let d = 0; d < SIZES[2]; d++) assert.deepEqual(hitTest(L, ...outputCentre(L, d)), out(d));
  }
});

test("a point far from every neuron hits nothing, unless a finger's slop reaches one", () => {
  const [x, y] = inputCentre(WIDE, 0); // the input image holds no neuron
  assert.equal(hitTest(WIDE, x, y), null);
  const [hx, hy] = hiddenCentre(TALL, 0);
  const miss = [hx - TALL.hidden.cell, hy - TALL.hidden.cell];
  assert.equal(hitTest(TALL, ...miss), null);
  assert.deepEqual(hitTest(TALL, ...miss, 2 * TALL.hidden.cell), hidden(0));
});

test("on a wide diagram a digit's probability bar selects the digit", () => {
  const [x, y] = outputCentre(WIDE, 3);
  assert.deepEqual(hitTest(WIDE, x + WIDE.bar.dx + WIDE.bar.width / 2, y), out(3));
});

test("the arrow keys move to the next neuron in that direction and stop at an edge", () => {
  const cols = WIDE.hidden.cols;
  assert.deepEqual(neighbour(WIDE, hidden(0), 1, 0), hidden(1));
  assert.deepEqual(neighbour(WIDE, hidden(0), 0, 1), hidden(cols));
  assert.deepEqual(neighbour(WIDE, hidden(0), -1, 0), hidden(0)); // nothing to the left
  assert.deepEqual(neighbour(WIDE, out(0), 1, 0), out(0)); // nothing right of the digits
  assert.equal(neighbour(WIDE, hidden(cols - 1), 1, 0).kind, "out"); // past the grid: the digits
  assert.deepEqual(neighbour(WIDE, out(4), 0, 1), out(5));
});

test("sameItem compares kind and index", () => {
  assert.ok(sameItem(hidden(3), hidden(3)) && sameItem(null, null));
  assert.ok(!sameItem(hidden(3), out(3)) && !sameItem(hidden(3), null));
});
