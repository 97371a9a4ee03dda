/**
 * A photo as the page sends it: one with more pixels or bytes than the server takes from
 * every format (the .app's data-photo-pixels and data-photo-bytes) is drawn smaller in the
 * browser, upright as its EXIF orientation says, and sent as a JPEG of that many pixels; a
 * phone's 12-megapixel photo becomes about 2, which holds its digits many times over. A
 * photo within both, or one the browser cannot decode (the server then says why), is sent
 * as it is.
 */

/** The scale a photo of (width, height) and `bytes` is drawn again at, as a JPEG, to be
 * within `pixels` and `maxBytes`: null when it is within both already (sent as it is). */
export function scaleFor(width, height, bytes, { pixels, maxBytes }) {
  if (width * height <= pixels && bytes <= maxBytes) return null;
  return Math.min(1, Math.sqrt(pixels / (width * height)));
}

/** `file` (a File), or a smaller JPEG File of it with the same name's stem. */
export async function sendable(file, limits) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file); // EXIF orientation applied
  } catch {
    return file;
  }
  const scale = scaleFor(bitmap.width, bitmap.height, file.size, limits);
  if (scale === null) {
    bitmap.close();
    return file;
  }
  try {
    const canvas = new OffscreenCanvas(Math.max(1, Math.floor(bitmap.width * scale)), Math.max(1, Math.floor(bitmap.height * scale)));
    const context = canvas.getContext("2d");
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.92 });
    return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" });
  } catch {
    return file; // a browser without OffscreenCanvas: the photo as it is, and the server's answer
  } finally {
    bitmap.close();
  }
}
