/**
 * The drawing pad: pointer input (mouse, pen, touch) on a canvas sized for the device's
 * pixel ratio. It records strokes as data and tells its owner when a stroke ends. With
 * the option storageKey, the strokes are kept in sessionStorage under that key and come
 * back when a page with a pad using the same key loads.
 */

import { Strokes, drawStrokes } from "./strokes.js";

const INK = "#111827";

/** Strokes read back from storage, if they are what the pad saved: lists of [x, y] in 0..1. */
function validStrokes(value) {
  const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === "number" && v >= 0 && v <= 1);
  return Array.isArray(value) && value.every((s) => Array.isArray(s) && s.length > 0 && s.every(isPoint));
}

export class DrawingPad extends EventTarget {
  constructor(canvas, { storageKey = null } = {}) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.strokes = new Strokes();
    this.storageKey = storageKey;
    this.#restore();
    this.pointerId = null;
    this.size = 0;
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
    return this.strokes.isEmpty;
  }

  /** The drawing as data: a list of strokes, each a list of [x, y] in units of the side. */
  toData() {
    return this.strokes.list;
  }

  undo() {
    this.strokes.undo();
    this.#save();
    this.redraw();
  }

  clear() {
    this.strokes.clear();
    this.#save();
    this.redraw();
  }

  // Storage can be full or switched off; the pad then simply forgets on reload.
  #save() {
    if (!this.storageKey) return;
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify(this.strokes.list));
    } catch {
      /* nothing to do: the drawing stays on screen */
    }
  }

  #restore() {
    if (!this.storageKey) return;
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "[]");
      if (validStrokes(saved)) this.strokes.list = saved;
    } catch {
      /* unreadable: start empty */
    }
  }

  redraw() {
    const { ctx, size } = this;
    ctx.clearRect(0, 0, size, size);
    drawStrokes(ctx, this.strokes.list, size, INK);
    this.dispatchEvent(new Event("change"));
  }

  #resize() {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.size = rect.width;
    this.canvas.width = Math.round(rect.width * ratio);
    this.canvas.height = Math.round(rect.height * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.redraw();
  }

  #point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return [clamp((event.clientX - rect.left) / rect.width), clamp((event.clientY - rect.top) / rect.height)];
  }

  #down(event) {
    // One stroke at a time: a second finger or a palm does not start another.
    if (this.pointerId !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    this.pointerId = event.pointerId;
    this.canvas.setPointerCapture(event.pointerId);
    this.strokes.begin(this.#point(event));
    this.redraw();
  }

  #move(event) {
    if (event.pointerId !== this.pointerId) return;
    event.preventDefault();
    // Coalesced events carry the points the browser merged between frames.
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) this.strokes.extend(this.#point(e));
    this.redraw();
  }

  #cancel(event) {
    if (event.pointerId !== this.pointerId) return;
    this.pointerId = null;
    this.strokes.undo();
    this.redraw();
  }

  #up(event) {
    if (event.pointerId !== this.pointerId) return;
    this.pointerId = null;
    this.#save();
    this.dispatchEvent(new Event("strokeend"));
  }
}
