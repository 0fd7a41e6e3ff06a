// Whole numbers from command-line text. Number() would also take '0x10', '1e3', '' (as 0) and round
// past 2^53, so the options that count or seed parse here: digits only, exact.

/** `0`, `42`: digits only, up to 2^53 − 1; anything else (signs, spaces, exponents) undefined. */
export function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A whole number that may be negative (`-3`, a seed); anything else undefined. */
export function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
