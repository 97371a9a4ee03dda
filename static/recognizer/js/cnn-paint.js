/**
 * The CNN's pictures on canvases: a feature map (bright where its filter responds, on one
 * scale for a whole layer), a filter's weights (blue pushes up, orange down; a layer-2
 * filter as its slices side by side, one per map of layer 1), and "where": the digit with
 * a map laid over the patches it read and the strongest one framed.
 */

import { grey, paintPixels } from "./digit-image.js";
import { BACKGROUND, diverging, heat } from "./network-colours.js";
import { filter2Slice, peak, receptiveField } from "./cnn-data.js";
import { maxAbs } from "./network-math.js";

/** A side x side map, one canvas pixel per cell, values divided by `scale`, on a square-root
 * ramp: a weak response still shows beside the layer's strongest. */
export function paintMap(canvas, map, side, scale) {
  return paintPixels(canvas, side, side, (x, y) => heat(Math.sqrt(Math.max(0, map[y * side + x]) / scale)));
}

/** The slices of layer 2's filter f in a grid, 1 px apart: cols x rows of kernel x kernel, one per map of layer 1. */
export function sliceGrid(c1, kernel) {
  const cols = Math.ceil(Math.sqrt(2 * c1));
  return { cols, rows: Math.ceil(c1 / cols), step: kernel + 1 };
}

export function paintFilter2(canvas, net, f) {
  const [c1, kernel] = [net.widths[0], net.kernel];
  const slices = Array.from({ length: c1 }, (_, c) => filter2Slice(net, f, c));
  const scale = maxAbs(slices.flatMap((s) => Array.from(s)));
  const { cols, rows, step } = sliceGrid(c1, kernel);
  return paintPixels(canvas, cols * step - 1, rows * step - 1, (x, y) => {
    const [cx, kx, cy, ky] = [Math.floor(x / step), x % step, Math.floor(y / step), y % step];
    const c = cy * cols + cx;
    if (kx === kernel || ky === kernel || c >= c1) return BACKGROUND;
    return diverging(slices[c][ky * kernel + kx] / scale);
  });
}

const ZOOM = 8; // canvas pixels per input pixel in the "where" picture

/**
 * The digit (the layer's input: side x side values) in grey with a map of `layer` over it,
 * each cell on the patch it read, as bright as the map there against its own strongest cell
 * (on paintMap's ramp); the patch of that cell framed. Returns the peak.
 */
export function paintWhere(canvas, x, map, layer) {
  const side = layer.inputSide;
  // The digit, dimmed: the map is what shows.
  const digit = paintPixels(document.createElement("canvas"), side, side, (i, j) => grey(x[j * side + i], 110));
  canvas.width = canvas.height = side * ZOOM;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(digit, 0, 0, side * ZOOM, side * ZOOM);
  const cell = layer.cell * ZOOM;
  const best = peak(map, layer.side);
  const [r, g, b] = heat(1);
  for (let y = 0; y < layer.side; y++) {
    for (let k = 0; k < layer.side; k++) {
      const t = map[y * layer.side + k] / best.value;
      if (!(t > 0)) continue;
      ctx.fillStyle = `rgb(${r} ${g} ${b} / ${0.1 + 0.8 * Math.sqrt(t)})`;
      ctx.fillRect((layer.offset + k * layer.cell) * ZOOM, (layer.offset + y * layer.cell) * ZOOM, cell, cell);
    }
  }
  if (best.value > 0) {
    const box = receptiveField(layer, best.y, best.x);
    ctx.strokeStyle = "rgb(86 180 233)";
    ctx.lineWidth = 3;
    ctx.strokeRect(box.left * ZOOM + 1.5, box.top * ZOOM + 1.5, box.size * ZOOM - 3, box.size * ZOOM - 3);
  }
  return best;
}

/** The patch of the digit (side x side values) the strongest cell read, size x size, one
 * canvas pixel per input pixel. */
export function paintPatch(canvas, x, box, side) {
  return paintPixels(canvas, box.size, box.size, (i, j) => grey(x[(box.top + j) * side + box.left + i]));
}
