/**
 * The side panel on the network page about the item in focus, for either model's view
 * (network-panel.js, cnn-panel.js): its title, its body, its close button and whether it is
 * pinned (an item selected: a sheet on a phone), and the parts both panels are built of.
 * Test hook: [data-testid="neuron-panel"] carries data-neuron, the item's name (empty for none).
 */

import { el } from "./dom.js";
import { aDigit, percent, signed } from "./format.js";

export const lead = (text) => el("p", { className: "panel-lead" }, text);
export const note = (text) => el("p", { className: "panel-note" }, text);

/** The class that colours a signed value: blue text for up, orange for down. */
export const sign = (value) => (value >= 0 ? "pos" : "neg");

export class Panel {
  /** The panel `box`; `onSelect` hears the item a button in it selects (null: close). */
  constructor(box, onSelect) {
    this.box = box;
    this.onSelect = onSelect;
    this.title = box.querySelector("[data-panel-title]");
    this.body = box.querySelector("[data-panel-body]");
    this.close = box.querySelector("[data-panel-close]");
    this.close.addEventListener("click", () => onSelect(null));
  }

  /** Show `content` (null entries skipped) about the item named `neuron` ("" for none);
   * `pinned` says whether it is selected, which shows the close button. */
  fill(neuron, pinned, content) {
    this.box.dataset.neuron = neuron;
    this.box.classList.toggle("is-pinned", Boolean(pinned));
    this.close.hidden = !pinned;
    this.body.replaceChildren(...content.filter(Boolean));
  }

  /** "The network reads a 7 (98.0%).", for the activations `act` of a drawing. */
  reads(act) {
    return lead(`The network reads ${aDigit(act.digit)} (${percent(act.p[act.digit])}).`);
  }

  /** A button for each of `items` [{index, value}], holding parts(index, value) and
   * selecting item(index); `hook` names a data attribute that carries the index. */
  buttons(items, item, parts, hook = null) {
    return el("ul", { className: "neuron-list" }, ...items.map(({ index, value }) => {
      const button = el("button", { type: "button" }, ...parts(index, value));
      if (hook) button.dataset[hook] = String(index);
      button.addEventListener("click", () => {
        this.onSelect(item(index));
        this.title.focus(); // the button is gone: keep the keyboard's place in the panel
      });
      return el("li", {}, button);
    }));  // prettier-ignore
  }

  /** The units pushing output d up most and down most ({up, down}: [{index, value}]), each
   * list made by list(items, describe); for a drawing (`act`) a × w, else the weights. */
  pushes(d, act, { up, down }, list, who = "Pushing") {
    const describe = act ? (v) => `${signed(v)} (a × w)` : (v) => `w = ${signed(v)}`;
    const part = (items, way, weights) => [
      el("h3", {}, act ? `${who} ${d} ${way} most` : `Strongest ${weights} weights into ${d}`),
      items.length ? list(items, describe) : note("None."),
    ];
    return [...part(up, "up", "positive"), ...part(down, "down", "negative")];
  }
}
