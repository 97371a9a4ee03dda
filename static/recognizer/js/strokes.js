/**
 * Strokes kept as data, and how they look. Each stroke is a list of points in units of
 * the pad's height (y 0..1, x up to the pad's width), so the drawing can be redrawn at any
 * size, undone, and sent as it is. A stroke is smoothed by quadratic curves through the midpoints of its
 * points and inked with a round pen (nn/ink/raster.py draws the same shape on the server).
 *
 * The drawing functions take any 2-D context and need no DOM. The path can be drawn
 * whole (drawStrokes) or piece by piece as the points arrive (drawDot, drawPieces): the
 * pieces add up to the same path but for its last half segment, which the next point
 * would still bend.
 */

export class Strokes {
  constructor() {
    this.list = [];
  }

  get isEmpty() {
    return this.list.length === 0;
  }

  /** The stroke being drawn (the last one). */
  get last() {
    return this.list.at(-1);
  }

  begin(point) {
    this.list.push([point]);
  }

  /** Add a point to the last stroke; false when it is too close to the previous one to count. */
  extend(point) {
    const stroke = this.last;
    const last = stroke.at(-1);
    // Skip points closer than a fraction of a pixel: they add work and no shape.
    if (Math.hypot(point[0] - last[0], point[1] - last[1]) <= 0.002) return false;
    stroke.push(point);
    return true;
  }

  undo() {
    this.list.pop();
  }

  clear() {
    this.list = [];
  }
}

const round = (v) => Math.round(v * 1e4) / 1e4; // a tenth of a pixel on a 1000 px pad

/** Strokes rounded so that the JSON sent and stored stays small. */
export function compactStrokes(strokes) {
  return strokes.map((stroke) => stroke.map(([x, y]) => [round(x), round(y)]));
}

const mid = (a, b) => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** Where the smoothed path has got to once point i has arrived: the first point until a
 * curve starts, then the midpoint of points i-1 and i. */
function reached(stroke, i) {
  return i < 2 ? stroke[0] : mid(stroke[i - 1], stroke[i]);
}

/**
 * The smoothed path of one stroke as steps: ["dot", p] for a tap; otherwise ["move", p],
 * then for each point i from 2 on the curve it settles, ["curve", control, end], then
 * ["line", last point]. Pieces from..to-1 of a stroke are the curves points from..to-1
 * settle, starting where point from-1 left the path.
 */
export function pathSteps(stroke, from = 2, to = stroke.length) {
  const steps = [["move", reached(stroke, from - 1)]];
  for (let i = from; i < to; i++) steps.push(["curve", stroke[i - 1], reached(stroke, i)]);
  return steps;
}

/** The steps of a whole stroke: a dot, or move, curves, and a line to the last point. */
export function strokeSteps(stroke) {
  if (stroke.length === 1) return [["dot", stroke[0]]];
  return [...pathSteps(stroke), ["line", stroke.at(-1)]];
}


/** Trace `steps` (in the pad's units) at `size` pixels a unit, with the pen set. */
function trace(ctx, steps, size) {
  ctx.beginPath();
  for (const [kind, a, b] of steps) {
    if (kind === "dot") {
      ctx.arc(a[0] * size, a[1] * size, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    if (kind === "move") ctx.moveTo(a[0] * size, a[1] * size);
    else if (kind === "line") ctx.lineTo(a[0] * size, a[1] * size);
    else ctx.quadraticCurveTo(a[0] * size, a[1] * size, b[0] * size, b[1] * size);
  }
  ctx.stroke();
}

/** Draw `steps` with the pen: ink colour, a width of `penWidth` units, round caps and joins. */
function drawSteps(ctx, steps, { size, colour, penWidth }) {
  ctx.save();
  Object.assign(ctx, { strokeStyle: colour, fillStyle: colour, lineWidth: penWidth * size, lineCap: "round", lineJoin: "round" });
  trace(ctx, steps, size);
  ctx.restore();
}

/** Draw every stroke; `look` is {size, colour, penWidth}, size the pixels in a unit. */
export function drawStrokes(ctx, strokes, look) {
  for (const stroke of strokes) drawSteps(ctx, strokeSteps(stroke), look);
}

/** A stroke has just begun at `point`: a dot, as a tap leaves. */
export function drawDot(ctx, point, look) {
  drawSteps(ctx, [["dot", point]], look);
}

/** Points from..stroke.length-1 have just arrived: draw the curves they settle. The path
 * then lags the pen by half a segment. */
export function drawPieces(ctx, stroke, from, look) {
  if (stroke.length > Math.max(from, 2)) drawSteps(ctx, pathSteps(stroke, Math.max(from, 2)), look);
}
