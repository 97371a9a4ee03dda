/**
 * The 28x28 image the server's preprocessing made (a PNG data URL) back into the 784
 * numbers in [0, 1] the network reads: drawn on an offscreen canvas, red channel / 255.
 */

export const SIDE = 28;

function loadImage(src) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("the processed image could not be decoded"));
    image.src = src;
  });
}

/** A data URL of a SIDE x SIDE image -> Float32Array(SIDE * SIDE), row by row. */
export async function decodeProcessed(dataUrl) {
  const image = await loadImage(dataUrl);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, 0, 0, SIDE, SIDE);
  const rgba = ctx.getImageData(0, 0, SIDE, SIDE).data;
  const pixels = new Float32Array(SIDE * SIDE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[4 * i] / 255;
  return pixels;
}
