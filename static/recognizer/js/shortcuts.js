/**
 * Page-wide keys: Ctrl/Cmd+Z undoes a stroke, Escape clears (or whatever the page says).
 * They work whatever has focus (a button just clicked keeps it), except where keys type
 * text: there Ctrl+Z undoes typing and Escape belongs to the field.
 */

// Input types that take no typed text; every other <input> does.
const NOT_TEXT = new Set(["button", "checkbox", "color", "file", "image", "radio", "range", "reset", "submit"]);

function typesText(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
  return target.tagName === "INPUT" && !NOT_TEXT.has(target.type);
}

export function bindShortcuts({ undo, escape }) {
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
