// How the pages write numbers (static/recognizer/js/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { aDigit, percent, percentTick, signed } from "../../static/recognizer/js/format.js";

test("probabilities are percentages with one decimal", () => {
  assert.equal(percent(0.123), "12.3%");
  assert.equal(percent(0.5), "50.0%");
});

test("only what would print as 100.0% or 0.0% loses the decimal", () => {
  assert.equal(percent(1), "100%");
  assert.equal(percent(0.9996), "100%");
  assert.equal(percent(0.996), "99.6%"); // not rounded up to a certainty it is not
  assert.equal(percent(0.0004), "0%");
  assert.equal(percent(0.0006), "0.1%");
});

test("a digit takes its article", () => {
  assert.deepEqual([0, 1, 7, 8].map(aDigit), ["a 0", "a 1", "a 7", "an 8"]);
});

test("signed values carry a real minus sign or a plus", () => {
  assert.equal(signed(-0.5), "−0.50");
  assert.equal(signed(0.25, 1), "+0.3");
});

test("accuracies take the decimals asked for, and ticks drop trailing zeros", () => {
  assert.equal(percent(0.9947, 2), "99.47%");
  assert.equal(percent(1, 2), "100%");
  assert.deepEqual([0, 0.005, 0.01, 0.015].map((v) => percentTick(v, 1)), ["0%", "0.5%", "1%", "1.5%"]);
});
