/**
 * An uploaded photo on the drawing page: the photo itself beside the answer, and a line
 * under the file input saying which file was read (or could not be) and that the drawing
 * is kept.
 */

export class PhotoView {
  constructor(root) {
    this.figure = root.querySelector("[data-photo]");
    this.canvas = root.querySelector("[data-photo-image]");
    this.input = root.querySelector('[data-testid="upload"]');
    this.status = root.querySelector("[data-upload-status]");
    this.file = null;
  }

  /** Show `file` (a File); `drawingKept` says whether a drawing stays on the pad meanwhile. */
  async show(file, { drawingKept }) {
    this.file = file;
    this.kept = drawingKept ? " Your drawing stays on the pad: draw, undo or clear to go back to it." : "";
    this.#say(`Read ${file.name}: the answer is about this photo.`);
    this.canvas.setAttribute("aria-label", `Your photo, ${file.name}`);
    let bitmap;
    try {
      // Decoded at the size shown (EXIF orientation applied), not at the camera's.
      const shown = parseFloat(getComputedStyle(this.canvas).height); // the style sheet's, set even while hidden
      const resizeHeight = Math.round(shown * (window.devicePixelRatio || 1));
      bitmap = await createImageBitmap(file, { resizeHeight, resizeQuality: "high" });
    } catch {
      this.figure.hidden = true; // not an image the browser reads: the answer says what went wrong
      return;
    }
    if (this.file !== file) return; // another photo, or the drawing, is shown by now
    this.canvas.width = bitmap.width;
    this.canvas.height = bitmap.height;
    this.canvas.getContext("2d").drawImage(bitmap, 0, 0);
    bitmap.close();
    this.figure.hidden = false;
  }

  /** The photo shown could not be read: say so where it said it was read (the answer says why). */
  failed() {
    if (this.file) this.#say(`Could not read ${this.file.name}.`);
  }

  #say(text) {
    this.status.textContent = `${text}${this.kept}`;
  }

  /** The answer is about the drawing again. */
  hide() {
    this.file = null;
    this.input.value = ""; // it named the photo; choosing that file again reads it again
    this.figure.hidden = true;
    this.status.textContent = "";
  }
}
