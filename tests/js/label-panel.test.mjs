// What the label panel says once a drawing is saved (static/recognizer/js/label-panel.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { newKey, savedText } from "../../static/recognizer/js/label-panel.js";

test("a confirmed answer is thanked with the count so far", () => {
  assert.equal(
    savedText({ label: 7, predicted: 7, count: 1 }),
    "Saved: a 7, as the network said. Thank you: the first drawing of 7 so far.",
  );
});

test("a correction names the digit it was saved as", () => {
  assert.equal(savedText({ label: 8, predicted: 3, count: 12 }), "Saved as an 8. Thank you: 12 drawings of 8 so far.");
});

test("every answer gets its own idempotency key, of a form the server takes", () => {
  const keys = new Set(Array.from({ length: 50 }, () => newKey()));
  assert.equal(keys.size, 50);
  for (const key of keys) assert.match(`${key}-7`, /^[A-Za-z0-9_-]{8,64}$/);
});
