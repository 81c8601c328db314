/**
 * What a sign-in code looks like, and how what a reader typed or pasted becomes one. Pure, and
 * free of Redis, so pages and routes can use it alone.
 */

/** A code as stored and mailed: exactly six ASCII digits (leading zeros are part of it). */
export const CODE_PATTERN = /^\d{6}$/;

/** Longer input is not a code someone typed; refused before any work. */
const MAX_INPUT_LENGTH = 64;

/**
 * Separators readers type or paste between the digits: spaces of any kind (the e-mail shows
 * "123 456"), hyphens and dashes (phones group digits that way), dots, and the katakana
 * prolonged sound mark (ー) that Japanese keyboards produce for a dash.
 */
const SEPARATORS = /[\s\p{Pd}.\u2212\u30fc]/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * The six ASCII digits in what a reader typed, or null when it is not a code.
 *
 * Accepted: separators anywhere (see above), and any Unicode decimal digit: full-width digits
 * (`１２３４５６`, what Chinese and Japanese input methods type by default), Arabic-Indic
 * (`١٢٣٤٥٦`), Devanagari and the rest. Refusing those would cost a reader one of their five
 * attempts for typing the right code on their own keyboard. Accepting them costs nothing: each
 * spelling stands for exactly one six-digit code, so no spelling gives an attacker an extra
 * guess. Anything else (letters, other symbols, more or fewer than six digits) is null.
 */
export function normalizeCode(input: string): string | null {
  if (input.length > MAX_INPUT_LENGTH) return null;
  // NFKC folds full-width and other compatibility forms (digits, spaces, hyphens) to ASCII.
  const compact = input.normalize('NFKC').replace(SEPARATORS, '');
  let code = '';
  for (const ch of compact) {
    const digit = asciiDigit(ch);
    if (digit === null) return null;
    code += digit;
  }
  return CODE_PATTERN.test(code) ? code : null;
}

/**
 * The ASCII digit for one Unicode decimal digit (`\p{Nd}`), else null. Unicode encodes every
 * decimal digit in runs of ten, zero to nine, one after another (its stability policy), so a
 * digit's value is its distance from the start of its block of runs, modulo ten.
 */
function asciiDigit(ch: string): string | null {
  const cp = ch.codePointAt(0) as number;
  if (cp >= 0x30 && cp <= 0x39) return ch;
  if (!DECIMAL_DIGIT.test(ch)) return null;
  let start = cp;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((cp - start) % 10);
}
