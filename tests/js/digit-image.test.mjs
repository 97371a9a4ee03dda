// A digit image painted from the network's input numbers (static/recognizer/js/digit-image.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { paintDigit, sideOf } from "../../static/recognizer/js/digit-image.js";

/** A canvas stand-in that keeps the image data put into it. */
function canvas() {
  const target = { width: 0, height: 0, put: null };
  target.getContext = () => ({
    createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(4 * w * h) }),
    putImageData: (image, x, y) => (target.put = { image, x, y }),
  });
  return target;
}

test("784 numbers are a 28x28 image; a count that is not a square is refused", () => {
  assert.equal(sideOf(new Array(784).fill(0)), 28);
  assert.throws(() => sideOf(new Array(780).fill(0)), RangeError);
});

test("numbers in 0..1 become grey levels, row by row, white ink on black", () => {
  const pixels = new Array(784).fill(0);
  pixels[0] = 1;
  pixels[28 + 2] = 0.5; // row 1, column 2
  const target = canvas();
  paintDigit(target, pixels);
  assert.deepEqual([target.width, target.height], [28, 28]);
  const { data } = target.put.image;
  assert.deepEqual([...data.slice(0, 4)], [255, 255, 255, 255]);
  assert.deepEqual([...data.slice(4 * 30, 4 * 31)], [128, 128, 128, 255]);
  assert.deepEqual([...data.slice(4, 8)], [0, 0, 0, 255]);
});

test("bytes are taken as grey levels as they are", () => {
  const target = canvas();
  paintDigit(target, Uint8Array.from({ length: 784 }, (_, i) => i % 256));
  assert.equal(target.put.image.data[4 * 300], 300 % 256);
});
