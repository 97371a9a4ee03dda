/** How the pages write numbers: probabilities as percentages, signed values. */

/** 0.123 -> "12.3%"; near-certain and near-zero values lose the decimal: "100%", "0%". */
export const percent = (p) => `${(100 * p).toFixed(p >= 0.995 || p < 0.0005 ? 0 : 1)}%`;

/** 7 -> "a 7", 8 -> "an 8". */
export const aDigit = (d) => `${Number(d) === 8 ? "an" : "a"} ${d}`;

/** (1, "time") -> "1 time", (0, "time") -> "0 times". */
export const plural = (n, noun) => `${n} ${n === 1 ? noun : `${noun}s`}`;

/** -0.5 -> "−0.50", 0.5 -> "+0.50" (a real minus sign, so columns line up). */
export const signed = (v, digits = 2) => `${v < 0 ? "−" : "+"}${Math.abs(v).toFixed(digits)}`;
