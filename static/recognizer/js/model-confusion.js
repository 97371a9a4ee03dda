/** The confusion matrix as a table; a cell opens the test digits behind it. */

import { decodeBase64Bytes, digitCanvas } from "./digit-image.js";
import { el } from "./dom.js";
import { aDigit, plural } from "./format.js";

/** What a screen reader says for a cell: "1 time an 8 was read as 3". */
const cellLabel = (count, truth, said) => `${plural(count, "time")} ${aDigit(truth)} was read as ${said}`;

export function renderConfusion(table, confusion, onPick) {
  const max = Math.max(...confusion.flatMap((row, t) => row.filter((_, p) => p !== t)), 1);
  const head = table.createTHead().insertRow();
  head.append(el("th", { className: "corner" }, "true ↓", el("br"), "said →")); // rows: the true digit
  for (let p = 0; p < 10; p++) head.append(el("th", { scope: "col" }, String(p)));
  const body = table.createTBody();
  confusion.forEach((row, t) => {
    const tr = body.insertRow();
    tr.append(el("th", { scope: "row" }, String(t)));
    row.forEach((count, p) => {
      const td = tr.insertCell();
      if (t === p) {
        td.className = "diagonal";
        td.textContent = count;
        return;
      }
      // Off-diagonal cells are buttons: they open the mistakes they count.
      const attributes = { type: "button", disabled: count === 0, "aria-label": cellLabel(count, t, p) };
      const button = td.appendChild(el("button", attributes, count ? String(count) : null));
      button.style.setProperty("--heat", (count / max).toFixed(3));
      button.addEventListener("click", () => onPick(t, p));
    });
  });
}

export function showMistakes(container, examples, truth, said) {
  const picked = examples.filter((e) => e.label === truth && e.predicted === said);
  const title = picked.length
    ? `${plural(picked.length, "test digit")} labelled ${truth} that the network read as ${said}:`
    : `No stored examples of a ${truth} read as ${said}.`;
  const label = (e) => `test digit ${e.index}: labelled ${truth}, read as ${said}`;
  const images = picked.map((e) => digitCanvas(decodeBase64Bytes(e.pixels), { scale: 2, label: label(e) }));
  container.replaceChildren(el("p", {}, title), el("div", { className: "mistake-row" }, ...images));
}
