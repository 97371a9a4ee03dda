// Only the newest answer counts (static/recognizer/js/latest.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { Latest } from "../../static/recognizer/js/latest.js";

function element() {
  const attributes = new Map();
  return {
    attributes,
    setAttribute: (name, value) => attributes.set(name, value),
    removeAttribute: (name) => attributes.delete(name),
  };
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

test("an answer that arrives after a newer request started is dropped", async () => {
  const latest = new Latest(element());
  const first = deferred();
  const second = deferred();
  const shown = [];
  const a = latest.run(() => first.promise, (v) => shown.push(v), assert.fail);
  const b = latest.run(() => second.promise, (v) => shown.push(v), assert.fail);
  second.resolve("new");
  first.resolve("old");
  await Promise.all([a, b]);
  assert.deepEqual(shown, ["new"]);
});

test("the element is busy while the newest request is on its way, and only then", async () => {
  const box = element();
  const latest = new Latest(box);
  const first = deferred();
  const second = deferred();
  const a = latest.run(() => first.promise, () => {}, () => {});
  const b = latest.run(() => second.promise, () => {}, () => {});
  first.resolve(1);
  await a;
  assert.equal(box.attributes.get("aria-busy"), "true", "an older answer does not end the wait");
  second.resolve(2);
  await b;
  assert.equal(box.attributes.has("aria-busy"), false);
});

test("the newest request's error is handed on; a cancelled one's is not", async () => {
  const latest = new Latest(element());
  const errors = [];
  await latest.run(() => Promise.reject(new Error("down")), assert.fail, (e) => errors.push(e.message));
  const pending = deferred();
  const run = latest.run(() => pending.promise, assert.fail, (e) => errors.push(e.message));
  latest.cancel();
  pending.reject(new Error("too late"));
  await run;
  assert.deepEqual(errors, ["down"]);
});
