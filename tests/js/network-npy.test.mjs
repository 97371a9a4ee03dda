// The .npy parser (static/recognizer/js/network-npy.js), on files numpy itself wrote.
import assert from "node:assert/strict";
import { test } from "node:test";

import { NpyError, parseNpy } from "../../static/recognizer/js/network-npy.js";

// np.lib.format.write_array(f, a) of the array named, base64 (a few bytes each).
const NUMPY = {
  // np.array([[0, 1.5, -2], [3, 4, 5]], dtype="<f4")
  matrix:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADAPwAAAMAAAEBAAACAQAAAoEA=",
  // np.array([0.25, -1], dtype="<f4")
  vector:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA+AACAvw==",
  // np.array([1, 2], dtype=">f4")
  bigEndian:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQAAAAA==",
  // np.array([1, 2], dtype="<f8")
  float64:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA",
  // np.asfortranarray(np.ones((2, 3), dtype="<f4"))
  fortran:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AACAPwAAgD8AAIA/AACAPwAAgD8=",
  // np.array([1, 2], dtype="<f4") written as format version 2.0
  version2:
    "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIA/AAAAQA==",
};

const buffer = (name) => {
  const bytes = Buffer.from(NUMPY[name], "base64");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
};

/** An .npy file with the given header text (padded as numpy pads it) and float32 values. */
function npy(header, values = [], version = [1, 0]) {
  const text = header.padEnd(118) + "\n";
  const out = new Uint8Array(10 + text.length + 4 * values.length);
  out.set([0x93, ..."NUMPY"].map((c) => (typeof c === "string" ? c.charCodeAt(0) : c)));
  out.set(version, 6);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set([...text].map((c) => c.charCodeAt(0)), 10);
  values.forEach((v, k) => new DataView(out.buffer).setFloat32(10 + text.length + 4 * k, v, true));
  return out.buffer;
}

test("a matrix numpy wrote reads back with its shape, row by row", () => {
  const { shape, data } = parseNpy(buffer("matrix"));
  assert.deepEqual(shape, [2, 3]);
  assert.ok(data instanceof Float32Array);
  assert.deepEqual(Array.from(data), [0, 1.5, -2, 3, 4, 5]);
});

test("a vector's one-element shape tuple reads as one size", () => {
  const { shape, data } = parseNpy(buffer("vector"));
  assert.deepEqual(shape, [2]);
  assert.deepEqual(Array.from(data), [0.25, -1]);
});

test("a scalar's empty shape holds one value", () => {
  const { shape, data } = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [7]));
  assert.deepEqual(shape, []);
  assert.deepEqual(Array.from(data), [7]);
});

test("the header's keys may come in any order", () => {
  const { shape } = parseNpy(npy("{'shape': (1, 2), 'fortran_order': False, 'descr': '<f4'}", [1, 2]));
  assert.deepEqual(shape, [1, 2]);
});

for (const [name, message] of [
  ["bigEndian", /dtype is '>f4'/],
  ["float64", /dtype is '<f8'/],
  ["fortran", /not in C order/],
  ["version2", /version 2\.0; only 1\.0/],
]) {
  test(`a file numpy wrote as ${name} is refused, saying why`, () => {
    assert.throws(() => parseNpy(buffer(name)), (e) => e instanceof NpyError && message.test(e.message));
  });
}

test("a file that is not .npy is refused", () => {
  const html = new TextEncoder().encode("<!doctype html><title>Not found</title>").buffer;
  assert.throws(() => parseNpy(html), (e) => e instanceof NpyError && /not a \.npy file/.test(e.message));
  assert.throws(() => parseNpy(new ArrayBuffer(3)), NpyError);
});

test("a truncated header is refused", () => {
  assert.throws(() => parseNpy(buffer("matrix").slice(0, 50)), /header is truncated/);
});

test("data shorter or longer than the shape says is refused", () => {
  const full = buffer("matrix");
  assert.throws(() => parseNpy(full.slice(0, full.byteLength - 4)), /has 20 bytes, expected 24/);
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  assert.throws(() => parseNpy(npy(header, [1, 2, 3])), /has 12 bytes, expected 8/);
});

test("a shape that is not a tuple of sizes is refused", () => {
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }";
  assert.throws(() => parseNpy(npy(header, [1, 2])), /shape \(2, -1\) is not a tuple of sizes/);
  assert.throws(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False}")), /has no shape/);
});
