/**
 * The drawing pad: pointer input (mouse, pen, touch) on a canvas sized for the device's
 * pixel ratio, recorded as strokes (data, see strokes.js). The pen's width is the
 * canvas's data-pen-width, a fraction of its height, as the server draws with. A pad may
 * be wider than high (room for a number): its unit is then its height, x runs to its
 * aspect ratio (at most the canvas's data-max-aspect, the largest x the server takes, as
 * wide as site.css lets a pad grow), and a digit drawn on it is the same data as on a
 * square pad of that height. No pad shape clips a drawing: one wider than the pad (drawn
 * on a wider pad, on another page or before a resize) is shown whole, smaller, and the
 * part of the pad below it, out of reach, is shaded.
 *
 * Drawing is incremental: a pointer move inks only the curve its points settle; the whole
 * drawing is redrawn only on resize, undo, clear and fromData. Pieces drawn one by one
 * overlap at their round ends, which darkens the anti-aliased edge there a little; so at
 * pen up the finished stroke is drawn once more, whole, over a copy of the pad taken at
 * pen down, and the pad looks exactly as a redraw from the data would.
 *
 * Events: "strokestart" and "strokeend" when a stroke begins and is finished; "change"
 * when strokes are added or removed (a stroke starts or ends, undo, clear, fromData),
 * never per pointer move. highlight(indices) draws the other strokes faint.
 * With the option storageKey, the strokes are kept in sessionStorage under that key and
 * come back when a page with a pad using the same key loads.
 */

import { fitCanvas } from "./dom.js";
import { Strokes, drawDot, drawPieces, drawStrokes } from "./strokes.js";

const INK = "#111827";
const FAINT = "#c3c9d4"; // strokes outside the highlighted ones
const OUT_OF_REACH = "#eef1f6"; // the pad below a drawing wider than the pad

/** Strokes as the pad keeps them: non-empty lists of [x, y], x in 0..maxAspect, y in 0..1. */
function validStrokes(value, maxAspect) {
  const within = (v, high) => typeof v === "number" && v >= 0 && v <= high;
  const isPoint = (p) => Array.isArray(p) && p.length === 2 && within(p[0], maxAspect) && within(p[1], 1);
  return Array.isArray(value) && value.every((s) => Array.isArray(s) && s.length > 0 && s.every(isPoint));
}

function penWidthOf(canvas) {
  const width = Number(canvas.dataset.penWidth);
  if (!(width > 0 && width < 1)) throw new Error("the pad's canvas needs data-pen-width, a fraction of its height");
  return width;
}

function maxAspectOf(canvas) {
  const aspect = Number(canvas.dataset.maxAspect);
  if (!(aspect >= 1)) throw new Error("the pad's canvas needs data-max-aspect, the largest x in units of its height");
  return aspect;
}

export class DrawingPad extends EventTarget {
  #strokes = new Strokes();
  #pointerId = null;
  #under = document.createElement("canvas"); // the pad as it was at pen down
  #underValid = false;
  #highlight = null; // a Set of stroke indices drawn in ink, the others faint; null: all ink

  constructor(canvas, { storageKey = null } = {}) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.look = { size: 0, colour: INK, penWidth: penWidthOf(canvas) };
    this.maxAspect = maxAspectOf(canvas);
    this.storageKey = storageKey;
    this.#restore();
    canvas.addEventListener("pointerdown", (e) => this.#down(e));
    canvas.addEventListener("pointermove", (e) => this.#move(e));
    canvas.addEventListener("pointerup", (e) => this.#up(e));
    // The system took the pointer (a scroll gesture, a palm): that stroke was not meant.
    canvas.addEventListener("pointercancel", (e) => this.#cancel(e));
    // Capture lost without a pointerup (e.g. the window lost focus): the stroke ends there.
    canvas.addEventListener("lostpointercapture", (e) => this.#up(e));
    // A resize redraws the strokes at the new size instead of wiping them.
    new ResizeObserver(() => this.#resize()).observe(canvas);
    this.#resize();
  }

  get isEmpty() {
    return this.#strokes.isEmpty;
  }

  /** The drawing as data: a list of strokes, each a list of [x, y] in units of the height.
   * A copy: changing it does not change the pad. */
  toData() {
    return this.#strokes.list.map((stroke) => stroke.map((point) => [...point]));
  }

  /** Show `strokes` (as toData gives them) instead of the current drawing. */
  fromData(strokes) {
    if (!validStrokes(strokes, this.maxAspect)) {
      throw new TypeError(`strokes must be lists of [x, y], x in 0..${this.maxAspect}, y in 0..1`);
    }
    this.#pointerId = null; // a stroke in progress is no longer tracked (its points stay)
    this.#strokes.list = strokes.map((stroke) => stroke.map((point) => [...point]));
    this.#changed();
  }

  /** Draw only the strokes `indices` in ink, the others faint (null: all in ink). */
  highlight(indices) {
    this.#highlight = indices ? new Set(indices) : null;
    this.#paint();
  }

  undo() {
    this.#pointerId = null;
    this.#strokes.undo();
    this.#changed();
  }

  clear() {
    this.#pointerId = null;
    this.#strokes.clear();
    this.#changed();
  }

  #changed({ redraw = true } = {}) {
    if (redraw) {
      this.#fit();
      this.#paint();
    }
    this.#save();
    this.dispatchEvent(new Event("change"));
  }

  // Storage can be full or switched off; the pad then simply forgets on reload.
  #save() {
    if (!this.storageKey) return;
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify(this.#strokes.list));
    } catch {
      /* nothing to do: the drawing stays on screen */
    }
  }

  #restore() {
    if (!this.storageKey) return;
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "[]");
      if (validStrokes(saved, this.maxAspect)) this.#strokes.list = saved;
    } catch {
      /* unreadable: start empty */
    }
  }

  /** The whole drawing, from scratch. */
  #paint() {
    const { ctx, look } = this;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height); // device pixels: all of it, whatever the transform
    const { width, height } = this.canvas.getBoundingClientRect();
    if (look.size < height - 0.5) {
      ctx.fillStyle = OUT_OF_REACH;
      ctx.fillRect(0, look.size, width, height - look.size);
    }
    const list = this.#strokes.list;
    const faint = this.#highlight ? list.filter((_, i) => !this.#highlight.has(i)) : [];
    drawStrokes(ctx, faint, { ...look, colour: FAINT });
    drawStrokes(ctx, this.#highlight ? list.filter((_, i) => this.#highlight.has(i)) : list, look);
  }

  /** The unit (pixels per unit of data): the pad's height, or less when the drawing is
   * wider than the pad, so that all of its ink shows, half a pen's width clear of the edge. */
  #fit() {
    const { width, height } = this.canvas.getBoundingClientRect();
    const right = Math.max(0, ...this.#strokes.list.flat().map(([x]) => x)) + this.look.penWidth;
    this.look.size = height > 0 ? Math.min(height, width / Math.max(width / height, right)) : 0;
  }

  #resize() {
    this.#fit(); // the unit: x and y alike, so a digit keeps its shape
    fitCanvas(this.canvas, this.canvas.getBoundingClientRect());
    this.#under.width = this.canvas.width;
    this.#under.height = this.canvas.height;
    this.#underValid = false; // a stroke in progress is settled by a whole redraw instead
    this.#paint();
  }

  /** Copy the pad as it is, device pixel for device pixel. */
  #keepUnder() {
    const under = this.#under.getContext("2d");
    under.clearRect(0, 0, this.#under.width, this.#under.height);
    under.drawImage(this.canvas, 0, 0);
    this.#underValid = true;
  }

  /** The stroke just finished, drawn whole over the pad as it was before it. */
  #settle(stroke) {
    if (!this.#underValid) return this.#paint();
    const { ctx } = this;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.#under, 0, 0);
    ctx.restore();
    drawStrokes(ctx, [stroke], this.look);
    this.#underValid = false;
  }

  #point(event, rect = this.canvas.getBoundingClientRect()) {
    const clamp = (v, high) => Math.min(high, Math.max(0, v));
    const unit = this.look.size;
    const wide = Math.min(rect.width / unit, this.maxAspect);
    return [clamp((event.clientX - rect.left) / unit, wide), clamp((event.clientY - rect.top) / unit, 1)];
  }

  #down(event) {
    // One stroke at a time: a second finger or a palm does not start another.
    if (this.#pointerId !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    this.#pointerId = event.pointerId;
    this.canvas.setPointerCapture(event.pointerId);
    const point = this.#point(event);
    this.#keepUnder();
    this.#strokes.begin(point);
    drawDot(this.ctx, point, this.look);
    this.#changed({ redraw: false });
    this.dispatchEvent(new Event("strokestart"));
  }

  #move(event) {
    if (event.pointerId !== this.#pointerId) return;
    event.preventDefault();
    const stroke = this.#strokes.last;
    const from = stroke.length;
    // Coalesced events carry the points the browser merged between frames.
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    const rect = this.canvas.getBoundingClientRect();
    for (const e of events.length ? events : [event]) this.#strokes.extend(this.#point(e, rect));
    drawPieces(this.ctx, stroke, from, this.look);
  }

  #cancel(event) {
    if (event.pointerId !== this.#pointerId) return;
    this.#pointerId = null;
    this.#strokes.undo();
    this.#changed();
  }

  #up(event) {
    if (event.pointerId !== this.#pointerId) return;
    this.#pointerId = null;
    this.#settle(this.#strokes.last);
    this.#changed({ redraw: false });
    this.dispatchEvent(new Event("strokeend"));
  }
}
