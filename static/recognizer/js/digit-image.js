/** Images painted pixel by pixel into a canvas; above all a square digit image (28x28 for
 * MNIST: 784 values, 0-255 bytes or 0-1 floats, row-major), white on black, one canvas
 * pixel per value. */

/** Paint a width x height image into `canvas`, which takes its size: colourOf(x, y) is [r, g, b]. */
export function paintPixels(canvas, width, height, colourOf) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([...colourOf(i % width, Math.floor(i / width)), 255], 4 * i);
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** A grey level [v, v, v] for a value in 0..1, times `scale` (255: white at 1). */
export const grey = (value, scale = 255) => Array(3).fill(Math.round(scale * value));

export const decodeBase64Bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The side of the square image `pixels` holds. */
export function sideOf(pixels) {
  const side = Math.round(Math.sqrt(pixels.length));
  if (side * side !== pixels.length) throw new RangeError(`${pixels.length} values are not a square image`);
  return side;
}

/** Paint `pixels` into `canvas`, which takes their size. */
export function paintDigit(canvas, pixels) {
  const side = sideOf(pixels);
  const scale = pixels instanceof Uint8Array ? 1 : 255;
  paintPixels(canvas, side, side, (x, y) => grey(pixels[y * side + x], scale));
}

/** A new canvas showing `pixels`, `scale` CSS pixels per value. */
export function digitCanvas(pixels, { scale = 2, label = "" } = {}) {
  const canvas = document.createElement("canvas");
  paintDigit(canvas, pixels);
  canvas.style.width = canvas.style.height = `${canvas.width * scale}px`;
  canvas.className = "digit-image";
  if (label) {
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
  }
  return canvas;
}
