/** How the pages write numbers: probabilities as percentages, signed values. */

/** 0.123 -> "12.3%"; what would read "100.0%" or "0.0%" loses the decimal: "100%", "0%". */
export function percent(p) {
  const text = (100 * p).toFixed(1);
  return `${text === "100.0" || text === "0.0" ? text.slice(0, -2) : text}%`;
}

/** 7 -> "a 7", 8 -> "an 8". */
export const aDigit = (d) => `${Number(d) === 8 ? "an" : "a"} ${d}`;

/** (1, "time") -> "1 time", (0, "time") -> "0 times". */
export const plural = (n, noun) => `${n} ${n === 1 ? noun : `${noun}s`}`;

/** -0.5 -> "−0.50", 0.5 -> "+0.50" (a real minus sign, so columns line up). */
export const signed = (v, digits = 2) => `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(digits)}`;
