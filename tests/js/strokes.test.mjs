// Strokes as data and the pen's path (static/recognizer/js/strokes.js), drawn on a
// context that records what it is asked to draw.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  Strokes,
  compactStrokes,
  drawDot,
  drawPieces,
  drawStrokes,
  strokeSteps,
} from "../../static/recognizer/js/strokes.js";

const LOOK = { size: 200, colour: "#000", penWidth: 0.06 };

/** A 2-D context stand-in: the segments stroked (each with its start), the dots filled. */
function recordingContext() {
  const ctx = { segments: [], dots: [], styles: [], saved: 0 };
  let at = null;
  let path = [];
  Object.assign(ctx, {
    save: () => ctx.saved++,
    restore: () => ctx.saved--,
    beginPath: () => (path = []),
    moveTo: (x, y) => (at = [x, y]),
    lineTo: (x, y) => {
      path.push(["line", at, [x, y]]);
      at = [x, y];
    },
    quadraticCurveTo: (cx, cy, x, y) => {
      path.push(["curve", at, [cx, cy], [x, y]]);
      at = [x, y];
    },
    arc: (x, y, r) => path.push(["dot", [x, y], r]),
    fill: () => ctx.dots.push(...path),
    stroke: () => {
      ctx.segments.push(...path);
      ctx.styles.push([ctx.lineWidth, ctx.lineCap, ctx.lineJoin, ctx.strokeStyle]);
    },
  });
  return ctx;
}

/** Draw `stroke` as the pad does while it arrives: a dot at pen down, then the pieces each
 * new point settles (`batch` points per pointer move). */
function drawIncrementally(ctx, stroke, batch = 1) {
  const growing = [stroke[0]];
  drawDot(ctx, stroke[0], LOOK);
  for (let i = 1; i < stroke.length; i += batch) {
    const from = growing.length;
    growing.push(...stroke.slice(i, i + batch));
    drawPieces(ctx, growing, from, LOOK);
  }
}

/** The whole stroke's path but its straight end, the half segment a next point would bend. */
const settled = (ctx) => ctx.segments.slice(0, -1);

const WAVE = Array.from({ length: 12 }, (_, i) => [0.1 + 0.07 * i, 0.5 + 0.3 * Math.sin(i)]);

test("points closer than a fraction of a pixel are not kept", () => {
  const strokes = new Strokes();
  strokes.begin([0.5, 0.5]);
  assert.equal(strokes.extend([0.5005, 0.5]), false);
  assert.equal(strokes.extend([0.6, 0.5]), true);
  assert.deepEqual(strokes.list, [[[0.5, 0.5], [0.6, 0.5]]]);
});

test("undo removes the last stroke and clear removes all", () => {
  const strokes = new Strokes();
  strokes.begin([0.1, 0.1]);
  strokes.begin([0.2, 0.2]);
  strokes.undo();
  assert.deepEqual(strokes.list, [[[0.1, 0.1]]]);
  strokes.clear();
  assert.ok(strokes.isEmpty);
});

test("a tap is a dot the pen's width across", () => {
  const ctx = recordingContext();
  drawStrokes(ctx, [[[0.5, 0.25]]], LOOK);
  assert.deepEqual(ctx.dots, [["dot", [100, 50], 6]]);
  assert.deepEqual(ctx.segments, []);
});

test("a stroke is quadratic curves through the midpoints of its points, then a line to its end", () => {
  const stroke = [[0, 0], [0.5, 0], [0.5, 0.5], [1, 0.5]];
  assert.deepEqual(strokeSteps(stroke), [
    ["move", [0, 0]],
    ["curve", [0.5, 0], [0.5, 0.25]],
    ["curve", [0.5, 0.5], [0.75, 0.5]],
    ["line", [1, 0.5]],
  ]);
  assert.deepEqual(strokeSteps([[0, 0], [1, 1]]), [["move", [0, 0]], ["line", [1, 1]]]);
});

test("the pen is round and its width a fraction of the side", () => {
  const ctx = recordingContext();
  drawStrokes(ctx, [WAVE], LOOK);
  assert.deepEqual(ctx.styles, [[12, "round", "round", "#000"]]);
  assert.equal(ctx.saved, 0, "the context's state is restored");
});

for (const batch of [1, 3]) {
  test(`drawn as it arrives (${batch} point(s) a move), a stroke follows the path drawn whole`, () => {
    const whole = recordingContext();
    drawStrokes(whole, [WAVE], LOOK);
    const pieces = recordingContext();
    drawIncrementally(pieces, WAVE, batch);
    assert.deepEqual(pieces.segments, settled(whole));
    assert.equal(whole.segments.at(-1)[0], "line");
    assert.equal(pieces.dots.length, 1, "pen down leaves a dot, inside the round cap");
  });
}

test("each new point draws only what it settles: one curve, not the stroke so far", () => {
  const ctx = recordingContext();
  const growing = WAVE.slice(0, 8);
  drawPieces(ctx, growing, 7, LOOK);
  assert.equal(ctx.segments.length, 1);
  drawPieces(ctx, WAVE.slice(0, 2), 1, LOOK); // a second point settles no curve yet
  assert.equal(ctx.segments.length, 1);
});

test("two-point and three-point strokes drawn as they arrive follow their whole paths", () => {
  for (const stroke of [WAVE.slice(0, 2), WAVE.slice(0, 3)]) {
    const whole = recordingContext();
    drawStrokes(whole, [stroke], LOOK);
    const pieces = recordingContext();
    drawIncrementally(pieces, stroke);
    assert.deepEqual(pieces.segments, settled(whole));
  }
});

test("strokes are rounded to a ten-thousandth of the side for sending", () => {
  assert.deepEqual(compactStrokes([[[0.123456, 0.98765], [1, 0]]]), [[[0.1235, 0.9877], [1, 0]]]);
});
