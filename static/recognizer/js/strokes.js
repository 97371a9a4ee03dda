/**
 * Strokes kept as data: each stroke is a list of points in unit coordinates (0..1 of the
 * pad's side), so the drawing can be redrawn at any size, undone, and exported.
 */

/** Pen width as a fraction of the pad's side; close to the width of MNIST strokes. */
export const PEN_WIDTH = 0.06;

export class Strokes {
  constructor() {
    this.list = [];
  }

  get isEmpty() {
    return this.list.length === 0;
  }

  begin(point) {
    this.list.push([point]);
  }

  extend(point) {
    const stroke = this.list.at(-1);
    const last = stroke.at(-1);
    // Skip points closer than a fraction of a pixel: they add work and no shape.
    if (Math.hypot(point[0] - last[0], point[1] - last[1]) > 0.002) stroke.push(point);
  }

  undo() {
    this.list.pop();
  }

  clear() {
    this.list = [];
  }
}

/** Draw every stroke on a 2-D context whose drawing area is `size` units square. */
export function drawStrokes(ctx, strokes, size, colour) {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = PEN_WIDTH * size;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const stroke of strokes) {
    const pts = stroke.map(([x, y]) => [x * size, y * size]);
    if (pts.length === 1) {
      // A tap is a dot.
      ctx.beginPath();
      ctx.arc(pts[0][0], pts[0][1], ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    // Quadratic curves through the midpoints smooth out the pointer's sampling.
    ctx.beginPath();
    ctx.moveTo(pts[0][0], pts[0][1]);
    for (let i = 1; i < pts.length - 1; i++) {
      const mx = (pts[i][0] + pts[i + 1][0]) / 2;
      const my = (pts[i][1] + pts[i + 1][1]) / 2;
      ctx.quadraticCurveTo(pts[i][0], pts[i][1], mx, my);
    }
    const end = pts.at(-1);
    ctx.lineTo(end[0], end[1]);
    ctx.stroke();
  }
  ctx.restore();
}

/** The drawing as a PNG data URL: dark ink on white, `side` pixels square. */
export function exportPng(strokes, side = 280) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, side, side);
  drawStrokes(ctx, strokes, side, "#000");
  return canvas.toDataURL("image/png");
}
