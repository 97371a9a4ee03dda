/**
 * Which neuron is in focus on the diagram: the mouse hovers one to preview it; a click, a
 * tap (touch or pen) or the keyboard selects one. The diagram canvas is focusable: arrow
 * keys move the selection, Enter or Space selects, the keys 0-9 jump to an output, Escape
 * lets go. Dispatches "change" whenever the neuron in focus changes.
 */

import { neighbour, sameItem } from "./network-layout.js";

const FINGER_SLOP = 14; // CSS pixels around a neuron that still count as a tap on it
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class Selection extends EventTarget {
  constructor(canvas, diagram) {
    super();
    this.canvas = canvas;
    this.diagram = diagram;
    this.hovered = null;
    this.selected = null;
    this.cursor = null; // the keyboard's place, kept when the selection is dropped
    canvas.addEventListener("pointermove", (e) => this.#move(e));
    canvas.addEventListener("pointerleave", () => this.#hover(null));
    canvas.addEventListener("click", (e) => this.#click(e));
    canvas.addEventListener("keydown", (e) => this.#key(e));
  }

  /** The neuron the panel and the highlight are about: the hovered one, else the selected one. */
  get focus() {
    return this.hovered || this.selected;
  }

  /** Select an item ({kind, index}) or nothing (null). */
  select(item) {
    if (item) this.cursor = item;
    this.selected = item;
    this.#changed();
  }

  #changed() {
    this.canvas.classList.toggle("is-pointing", Boolean(this.hovered));
    this.dispatchEvent(new Event("change"));
  }

  #hover(item) {
    if (sameItem(item, this.hovered)) return;
    this.hovered = item;
    this.#changed();
  }

  #move(event) {
    if (event.pointerType !== "mouse") return; // fingers and pens have no hover here
    this.#hover(this.diagram.itemAt(event.clientX, event.clientY));
  }

  #click(event) {
    const slop = event.pointerType === "mouse" ? 0 : FINGER_SLOP;
    const item = this.diagram.itemAt(event.clientX, event.clientY, slop);
    this.select(item && sameItem(item, this.selected) && slop === 0 ? null : item);
  }

  #key(event) {
    const layout = this.diagram.layout;
    if (!layout || event.altKey || event.ctrlKey || event.metaKey) return;
    const start = this.selected || this.cursor;
    let next;
    if (event.key in ARROWS) {
      next = start ? neighbour(layout, start, ...ARROWS[event.key]) : { kind: "hidden", index: 0 };
    } else if (event.key === "Enter" || event.key === " ") {
      next = start || { kind: "hidden", index: 0 };
    } else if (/^[0-9]$/.test(event.key) && Number(event.key) < layout.nOut) {
      next = { kind: "out", index: Number(event.key) };
    } else if (event.key === "Home") {
      next = { kind: "hidden", index: 0 };
    } else if (event.key === "End") {
      next = { kind: "hidden", index: layout.nHidden - 1 };
    } else if (event.key === "Escape" && this.selected) {
      next = null;
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    this.hovered = null; // the keyboard takes over from a resting mouse
    this.select(next);
  }
}
