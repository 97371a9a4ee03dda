/**
 * The digits of a number on the network page, one button each: the page shows the layers of
 * the one pressed (?digit=I in the URL says which, from the drawing page's cards). Hidden for
 * a single digit.
 */

import { el } from "./dom.js";
import { aDigit } from "./format.js";
import { digitsOf, isNumber, ordinal } from "./number.js";

export class DigitChips {
  constructor(box, onPick) {
    this.box = box;
    this.onPick = onPick;
  }

  /** Show `prediction`'s digits, digit `index` pressed. */
  show(prediction, index) {
    if (!isNumber(prediction)) return this.hide();
    const buttons = digitsOf(prediction).map(({ digit }, i) => {
      const button = el("button", { type: "button", "data-testid": `net-digit-${i}`, "aria-pressed": String(i === index),
        "aria-label": `The ${ordinal(i + 1)} digit, ${aDigit(digit)}` }, String(digit));  // prettier-ignore
      button.addEventListener("click", () => this.onPick(i));
      return button;
    });
    this.box.replaceChildren(...buttons);
    this.box.hidden = false;
  }

  hide() {
    this.box.hidden = true;
    this.box.replaceChildren();
  }
}
