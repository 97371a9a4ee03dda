// Which photos the page shrinks before sending, and to what (static/recognizer/js/shrink.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { scaleFor } from "../../static/recognizer/js/shrink.js";

const limits = { pixels: 2_097_152, maxBytes: 8_323_072 };

test("a photo within the server's pixels and bytes is sent as it is", () => {
  assert.equal(scaleFor(1200, 900, 400_000, limits), null);
  assert.equal(scaleFor(2048, 1024, limits.maxBytes, limits), null);
});

test("a phone's 12-megapixel photo is drawn at just the pixels every format is taken with", () => {
  const scale = scaleFor(3000, 4000, 3_000_000, limits);
  assert.ok(Math.floor(3000 * scale) * Math.floor(4000 * scale) <= limits.pixels);
  assert.ok(3000 * scale * 4000 * scale > 0.99 * limits.pixels);
});

test("a photo of few pixels but too many bytes is re-encoded at its own size", () => {
  assert.equal(scaleFor(1000, 1000, 9_000_000, limits), 1); // a JPEG of it is far smaller
});
