/**
 * A number on the drawing page: "It's 2026" (or "Probably 2026": numberHeadline) and a card per digit (its digit, how sure, the
 * 28x28 it was read from). Tapping a card selects that digit: the page then shows its ten
 * probabilities and takes feedback for it. A digit the person corrected shows the digit they
 * said, in its card and in the number. Hidden for a single digit, which the result
 * panel shows as it always has. Test hooks: [data-testid="digit-cards"] carries
 * data-number, each card is [data-testid="digit-card-I"] with aria-pressed.
 */

import { paintDigit } from "./digit-image.js";
import { el } from "./dom.js";
import { aDigit, percent } from "./format.js";
import { digitsOf, isNumber, numberHeadline, numberOf, ordinal } from "./number.js";

export class DigitCards extends EventTarget {
  /** `titleOf(name)` is what the page calls the model of that name. */
  constructor(root, titleOf = (name) => name) {
    super();
    this.titleOf = titleOf;
    this.box = root.querySelector('[data-testid="prediction"]');
    this.list = root.querySelector("[data-digit-cards]");
    this.hint = root.querySelector("[data-digit-cards-hint]");
    this.neurons = root.querySelector("[data-digit-neurons]");
    this.field = (name) => root.querySelector(`[data-field="${name}"]`);
    this.selected = 0;
  }

  /** Show `prediction`'s digits with digit `selected` chosen; `drawn` says whether the
   * answer is about the pad's strokes (the network page reads those, not a photo), `labels`
   * (digit index -> label) which digits the person has labelled. */
  show(prediction, selected, { drawn, labels = new Map() }) {
    const several = isNumber(prediction);
    this.box.classList.toggle("is-number", several);
    this.list.hidden = this.hint.hidden = !several;
    this.list.dataset.number = numberOf(prediction);
    this.neurons.hidden = !(several && drawn);
    if (!several) return;
    this.selected = selected;
    const focused = this.list.contains(document.activeElement); // a card, pressed from the keyboard
    this.list.replaceChildren(...digitsOf(prediction).map((d, i) => this.#card(d, i, labels.get(i))));
    if (focused) this.list.children[selected]?.focus();
    const chosen = digitsOf(prediction)[selected];
    const said = labels.get(selected);
    const yours = said != null && said !== chosen.digit ? `; you said ${aDigit(said)}` : "";
    const [sure, unsureBelow] = [Number(this.box.dataset.sure), Number(this.box.dataset.unsureBelow)];
    this.field("headline").textContent = numberHeadline(prediction, labels, sure, unsureBelow);
    this.field("detail").textContent =
      `${digitsOf(prediction).length} digits · showing the ${ordinal(selected + 1)}, ${aDigit(chosen.digit)} ` +
      `(${percent(Math.max(...chosen.probabilities))} sure${yours}) · ${this.titleOf(prediction.model)}`;
    this.neurons.href = `${this.neurons.dataset.url}?digit=${selected}`;
  }

  /** No answer on screen: no cards. */
  hide() {
    this.box.classList.remove("is-number");
    this.list.hidden = this.hint.hidden = this.neurons.hidden = true;
    this.list.replaceChildren();
    this.list.dataset.number = "";
  }

  #card({ digit, probabilities, input }, index, said) {
    const sure = Math.max(...probabilities);
    const image = el("canvas");
    paintDigit(image, input);
    const corrected = said != null && said !== digit;
    const shown = [String(corrected ? said : digit), corrected ? "yours" : percent(sure, 0)];
    const read = `${aDigit(digit)}, ${percent(sure)} sure`;
    // Its accessible name starts with the text it shows, so that voice control can say what it sees.
    const about = corrected ? `${aDigit(said)} as you said, read as ${read}` : read;
    const card = el("button", { type: "button", className: corrected ? "digit-card is-corrected" : "digit-card",
      "data-testid": `digit-card-${index}`, "aria-pressed": String(index === this.selected),
      "aria-label": `${shown.join(" ")}: digit ${index + 1}, ${about}` },
      el("span", { className: "card-digit" }, shown[0]), image, el("span", { className: "card-sure" }, shown[1]));  // prettier-ignore
    card.addEventListener("click", () => this.dispatchEvent(new CustomEvent("select", { detail: index })));
    return card;
  }
}
