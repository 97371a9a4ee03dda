/**
 * NumPy's .npy format read into a Float32Array, with no DOM: the files np.save writes for
 * the network page (recognizer/inspection.py). Only what they use is accepted: format
 * version 1.0, dtype '<f4' (float32, little-endian), C order. Anything else is an NpyError
 * that says what was found. The format: numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

const MAGIC = "\x93NUMPY";
const PREAMBLE = MAGIC.length + 4; // magic, two version bytes, a uint16 header length
const DTYPE = "<f4";

export class NpyError extends Error {}

/** The value of `key` in the header's Python dict literal, as source text, or null. */
function field(header, key) {
  const match = header.match(new RegExp(`'${key}'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))`));
  return match ? match[1] : null;
}

/** "(784, 250)" -> [784, 250]; "(10,)" -> [10]; "()" -> []. */
function parseShape(text) {
  const inner = text.slice(1, -1).trim().replace(/,$/, "");
  if (inner === "") return [];
  const shape = inner.split(",").map((s) => s.trim());
  if (!shape.every((s) => /^\d+$/.test(s))) throw new NpyError(`the .npy shape ${text} is not a tuple of sizes`);
  return shape.map(Number);
}

/** The header of an .npy file: {shape, offset} where offset is where the data starts. */
export function parseHeader(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < PREAMBLE || String.fromCharCode(...bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new NpyError("not a .npy file (no \\x93NUMPY magic)");
  }
  const [major, minor] = bytes.subarray(MAGIC.length, MAGIC.length + 2);
  if (major !== 1 || minor !== 0) throw new NpyError(`.npy format version ${major}.${minor}; only 1.0 is read`);
  const length = new DataView(buffer).getUint16(MAGIC.length + 2, true);
  const offset = PREAMBLE + length;
  if (bytes.length < offset) throw new NpyError("the .npy header is truncated");
  const header = String.fromCharCode(...bytes.subarray(PREAMBLE, offset));
  const descr = field(header, "descr");
  if (descr !== `'${DTYPE}'`) throw new NpyError(`the .npy dtype is ${descr}; only '${DTYPE}' (float32) is read`);
  if (field(header, "fortran_order") !== "False") throw new NpyError("the .npy array is not in C order");
  const shape = field(header, "shape");
  if (shape === null) throw new NpyError("the .npy header has no shape");
  return { shape: parseShape(shape), offset };
}

/** An ArrayBuffer holding a .npy file -> {shape, data}: data is a Float32Array, row-major. */
export function parseNpy(buffer) {
  const { shape, offset } = parseHeader(buffer);
  const count = shape.reduce((a, b) => a * b, 1);
  if (buffer.byteLength !== offset + 4 * count) {
    throw new NpyError(`the .npy data has ${buffer.byteLength - offset} bytes, expected ${4 * count} for shape (${shape})`);
  }
  const view = new DataView(buffer, offset);
  const data = new Float32Array(count);
  for (let k = 0; k < count; k++) data[k] = view.getFloat32(4 * k, true);
  return { shape, data };
}
