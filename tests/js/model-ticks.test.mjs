// The model page's round axis ticks: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { niceStep, niceTicks, stepDecimals, ticksWithin } from "../../static/recognizer/js/model-ticks.js";

const isRound = (step) => {
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9);
};

test("steps are 1, 2 or 5 times a power of ten", () => {
  for (const span of [0.176, 0.055, 3.7, 11, 86, 1234, 0.0009]) {
    const step = niceStep(span, 5);
    assert.ok(isRound(step), `${step} for a span of ${span}`);
    assert.ok(span / step >= 2 && span / step <= 10, `${span / step} parts`);
  }
});

test("the loss chart's axis runs from 0 to 0.2 in steps of 0.05", () => {
  assert.deepEqual(niceTicks(0.018, 0.194, { count: 4 }), {
    lo: 0,
    hi: 0.2,
    step: 0.05,
    values: [0, 0.05, 0.1, 0.15, 0.2],
  });
});

test("accuracy ticks are whole percentages and never pass 100%", () => {
  const { values, step } = niceTicks(0.939, 0.994, { count: 4, limit: 1 });
  assert.deepEqual(values, [0.92, 0.94, 0.96, 0.98, 1]);
  assert.equal(stepDecimals(100 * step), 0);
});

test("epoch ticks are whole, round and inside the epochs run", () => {
  assert.deepEqual(ticksWithin(1, 12, { integer: true }).values, [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(ticksWithin(1, 87, { integer: true }).values, [20, 40, 60, 80]);
  assert.deepEqual(ticksWithin(1, 3, { integer: true }).values, [1, 2, 3]);
});

test("a flat series still gets an axis of two ticks or more", () => {
  const { values } = niceTicks(0.5, 0.5);
  assert.ok(values.length >= 2 && values[0] <= 0.5 && values.at(-1) >= 0.5);
});

test("decimals follow the step", () => {
  assert.equal(stepDecimals(0.05), 2);
  assert.equal(stepDecimals(0.2), 1);
  assert.equal(stepDecimals(5), 0);
});
