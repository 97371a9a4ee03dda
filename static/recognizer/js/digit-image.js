/** Draw a square digit image (28x28 for MNIST: 784 values, 0-255 bytes or 0-1 floats,
 * row-major) into a canvas, white on black, one canvas pixel per value. */

export function decodeBase64Bytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The side of the square image `pixels` holds. */
export function sideOf(pixels) {
  const side = Math.round(Math.sqrt(pixels.length));
  if (side * side !== pixels.length) throw new RangeError(`${pixels.length} values are not a square image`);
  return side;
}

/** Paint `pixels` into `canvas`, which takes their size. */
export function paintDigit(canvas, pixels) {
  const side = sideOf(pixels);
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(side, side);
  const isBytes = pixels instanceof Uint8Array;
  for (let i = 0; i < pixels.length; i++) {
    const v = isBytes ? pixels[i] : Math.round(255 * pixels[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
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
