/** Draw a 28x28 digit (784 values, 0-255 bytes or 0-1 floats) into a canvas, white on black. */

export function decodeBase64Bytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function digitCanvas(pixels, { scale = 2, label = "" } = {}) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 28;
  canvas.style.width = canvas.style.height = `${28 * scale}px`;
  canvas.className = "digit-image";
  if (label) {
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(28, 28);
  const isBytes = pixels instanceof Uint8Array;
  for (let i = 0; i < 784; i++) {
    const v = isBytes ? pixels[i] : Math.round(255 * pixels[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}
