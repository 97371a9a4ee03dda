/**
 * The pad of a page with its controls (templates/recognizer/_pad.html): the hint over an
 * empty pad, the Undo, Clear and Predict buttons, and page-wide keys: Ctrl/Cmd+Z undoes a
 * stroke, Escape clears (or whatever the page says). The keys work whatever has focus (a
 * button just clicked keeps it), except where keys type text: there Ctrl+Z undoes typing
 * and Escape belongs to the field. The strokes live in sessionStorage, shared by the pages.
 */

import { DrawingPad } from "./pad.js";

// Input types that take no typed text; every other <input> does.
const NOT_TEXT = new Set(["button", "checkbox", "color", "file", "image", "radio", "range", "reset", "submit"]);

function typesText(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
  return target.tagName === "INPUT" && !NOT_TEXT.has(target.type);
}

function bindShortcuts({ undo, escape }) {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typesText(event.target) || typeof event.key !== "string") return;
    const command = event.ctrlKey || event.metaKey;
    if (command && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z") {
      event.preventDefault();
      undo();
    } else if (event.key === "Escape" && !command) {
      escape();
    }
  });
}

/**
 * The pad in `root`, wired: `update` runs when a stroke ends and after a button or key
 * changes the drawing (Predict runs it alone); `patience` hears the pen go down and up;
 * `escape` is what Escape does (clear, unless given).
 */
export function padWithControls(root, { update, patience, escape = null }) {
  const pad = new DrawingPad(root.querySelector('[data-testid="canvas"]'), { storageKey: "digits.strokes" });
  const hint = root.querySelector("[data-hint]");
  const showHint = () => (hint.hidden = !pad.isEmpty);
  pad.addEventListener("strokestart", () => patience.strokeStarted());
  pad.addEventListener("strokeend", () => {
    patience.strokeEnded();
    update();
  });
  pad.addEventListener("change", showHint);
  showHint();
  const actions = {
    undo: () => {
      pad.undo();
      update();
    },
    clear: () => {
      pad.clear();
      update();
    },
    predict: update,
  };
  root.querySelectorAll("[data-action]").forEach((button) => {
    button.addEventListener("click", () => actions[button.dataset.action]());
  });
  bindShortcuts({ undo: actions.undo, escape: escape ?? actions.clear });
  return pad;
}
