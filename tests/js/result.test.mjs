// The result's words follow the calibrated probability against the server's thresholds.
import { test } from "node:test";
import assert from "node:assert/strict";

import { headline } from "../../static/recognizer/js/result.js";

test("an answer at least as sure as the threshold is said plainly", () => {
  assert.equal(headline(0.9, 7, 1, 0.9, 0.6), "It's a 7");
  assert.equal(headline(0.999, 8, 3, 0.9, 0.6), "It's an 8");
});

test("an answer between the thresholds is probably that digit", () => {
  assert.equal(headline(0.89, 7, 1, 0.9, 0.6), "Probably a 7");
  assert.equal(headline(0.6, 9, 4, 0.9, 0.6), "Probably a 9");
});

test("an answer below the lower threshold names the runner-up too", () => {
  assert.equal(headline(0.59, 9, 4, 0.9, 0.6), "Not sure: maybe 9, or 4?");
});

test("the thresholds are the server's, not fixed in the page", () => {
  assert.equal(headline(0.8, 7, 1, 0.75, 0.5), "It's a 7");
  assert.equal(headline(0.8, 7, 1, 0.95, 0.85), "Not sure: maybe 7, or 1?");
});
