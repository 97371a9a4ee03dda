/**
 * Which model the pages ask: the one last picked on the drawing page or the network page,
 * kept in sessionStorage so that both pages answer with the same model. No DOM.
 */

const KEY = "digits.model";

/** The model picked last in this tab, or null (storage may be switched off). */
export function storedModel(storage = globalThis.sessionStorage) {
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remember the model picked; without storage the pages simply forget it. */
export function rememberModel(name, storage = globalThis.sessionStorage) {
  try {
    storage?.setItem(KEY, name);
  } catch {
    /* nothing to do */
  }
}

/**
 * The model to show, of the `names` served: ?model= in the URL's `search`, else the one
 * picked last (`stored`), else `fallback` (the site's default); a name not served is skipped.
 */
export function chooseModel(names, fallback, search = "", stored = null) {
  const asked = new URLSearchParams(search).get("model");
  return [asked, stored].find((name) => name && names.includes(name)) ?? fallback;
}
