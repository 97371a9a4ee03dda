/**
 * Page-wide keys: Ctrl/Cmd+Z undoes a stroke, Escape clears (or whatever the page says).
 * Keys typed into a form control (the model picker, the file input) are left alone.
 */

const FORM_CONTROLS = new Set(["INPUT", "SELECT", "TEXTAREA", "BUTTON"]);

export function bindShortcuts({ undo, escape }) {
  document.addEventListener("keydown", (event) => {
    if (FORM_CONTROLS.has(event.target?.tagName) || typeof event.key !== "string") return;
    const command = event.ctrlKey || event.metaKey;
    if (command && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z") {
      event.preventDefault();
      undo();
    } else if (event.key === "Escape" && !command) {
      escape();
    }
  });
}
