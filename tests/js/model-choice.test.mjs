// Which model the pages ask (static/recognizer/js/model-choice.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { chooseModel, rememberModel, storedModel } from "../../static/recognizer/js/model-choice.js";

const served = ["cnn", "mlp"];

test("the URL's ?model= comes first, then the model picked last, then the default", () => {
  assert.equal(chooseModel(served, "cnn", "?model=mlp", "cnn"), "mlp");
  assert.equal(chooseModel(served, "cnn", "?digit=2", "mlp"), "mlp");
  assert.equal(chooseModel(served, "cnn", "", null), "cnn");
});

test("a model no longer served is passed over", () => {
  assert.equal(chooseModel(served, "cnn", "?model=gone", "old"), "cnn");
  assert.equal(chooseModel(served, "cnn", "?model=gone", "mlp"), "mlp");
});

test("the choice is kept in the storage both pages share, and forgotten without one", () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  assert.equal(storedModel(storage), null);
  rememberModel("mlp", storage);
  assert.equal(storedModel(storage), "mlp");
  const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); } };  // prettier-ignore
  rememberModel("mlp", broken);
  assert.equal(storedModel(broken), null);
  assert.equal(storedModel(undefined), null);
});
