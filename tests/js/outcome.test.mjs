// One wording per outcome on every page (static/recognizer/js/outcome.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { outcomeOf, wording } from "../../static/recognizer/js/outcome.js";

test("each failed answer is one outcome, told apart by its code, then its status", () => {
  assert.equal(outcomeOf({ status: 422, code: "not_a_digit" }), "not_a_digit");
  assert.equal(outcomeOf({ status: 422, code: "blank" }), "blank");
  assert.equal(outcomeOf({ status: 422, code: null }), "blank");
  assert.equal(outcomeOf({ status: 413, code: null }), "too_large");
  assert.equal(outcomeOf({ status: 400, code: null }), "unreadable");
  assert.equal(outcomeOf({ status: 415, code: null }), "unreadable");
  assert.equal(outcomeOf({ status: 500, code: null }), "error");
  assert.equal(outcomeOf({ status: 0, code: null }), "error");
});

test("a drawing and a photo that are not digits get the same headline, each its own advice", () => {
  const drawing = wording("not_a_digit", "drawing");
  const photo = wording("not_a_digit", "photo");
  assert.equal(drawing.headline, "That does not look like a digit");
  assert.equal(photo.headline, drawing.headline);
  assert.match(drawing.detail, /as tall as the pad/);
  assert.match(photo.detail, /paper/);
});

test("blank is no digit found, never the advice for something that is not a digit", () => {
  const { headline, detail } = wording("blank", "drawing");
  assert.equal(headline, "No digit found");
  assert.match(detail, /no ink/);
});

test("too large and errors quote the server's words as a sentence", () => {
  const error = { message: "the drawing holds 25 digits or marks; at most 20 are read" };
  assert.deepEqual(wording("too_large", "drawing", error), {
    headline: "Too much to read at once",
    detail: "The drawing holds 25 digits or marks; at most 20 are read.",
  });
  assert.equal(wording("error", "photo", { message: "Could not reach the server." }).detail, "Could not reach the server.");
});

test("a verdict held back says not a digit yet, quietly", () => {
  assert.equal(wording("not_a_digit_yet", "drawing").headline, "Not a digit yet");
});

test("a file that is no image is unreadable, in the server's words, not something gone wrong", () => {
  const said = wording("unreadable", "photo", { message: "not a PNG, JPEG, WebP or GIF image" });
  assert.deepEqual(said, { headline: "This cannot be read", detail: "Not a PNG, JPEG, WebP or GIF image." });
});
