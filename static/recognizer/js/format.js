/** How the pages write numbers: probabilities as percentages, signed values. */

/** 0.123 -> "12.3%" (`digits` decimals); what would read "100.0%" or "0.0%" loses them: "100%", "0%". */
export function percent(p, digits = 1) {
  const text = (100 * p).toFixed(digits);
  return `${Number(text) === 100 || Number(text) === 0 ? String(Number(text)) : text}%`;
}

/** An axis tick: 0.005 -> "0.5%", 0.01 -> "1%" (no trailing zeros), to `digits` decimals at most. */
export const percentTick = (p, digits = 1) => `${Number((100 * p).toFixed(digits))}%`;

/** 5 -> "5×5": a square's sides. */
export const square = (n) => `${n}×${n}`;

/** 7 -> "a 7", 8 -> "an 8". */
export const aDigit = (d) => `${Number(d) === 8 ? "an" : "a"} ${d}`;

/** (1, "time") -> "1 time", (0, "time") -> "0 times". */
export const plural = (n, noun) => `${n} ${n === 1 ? noun : `${noun}s`}`;

/** -0.5 -> "−0.50", 0.5 -> "+0.50" (a real minus sign, so columns line up). */
export const signed = (v, digits = 2) => `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(digits)}`;
