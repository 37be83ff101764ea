/**
 * Personal data (an individual's ID-card number or mobile phone) never reaches the ledger in clear: only as a
 * salted hash. Every free text a caller writes is checked for it — after undoing the usual disguises: full-width
 * digits (１３８…), and digits split by spaces, hyphens, dots or slashes (138-0013-8000, 138 0013 8000).
 */
import { RdxError, ErrorCode } from './errors';

const PATTERNS: [RegExp, string][] = [
  [/(^|\D)\d{17}[\dX](?!\d)/, 'an ID-card number'],
  [/(^|\D)1[3-9]\d{9}(?!\d)/, 'a mobile phone number'],
];

/** The text as the patterns see it: ASCII digits, separators between digits dropped, X upper case. */
export function normalizeForPersonalData(text: string): string {
  return (
    text
      // Full-width digits and Ｘ/ｘ to ASCII.
      .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
      .replace(/[\uFF38\uFF58x]/g, 'X')
      // A separator (spaces of any width, hyphens and dashes, dots, slashes) between two digits goes.
      .replace(/(?<=\d)[\s\u3000\-\u2010-\u2015\uFF0D.\uFF0E/]+(?=[\dX])/g, '')
  );
}

/** INVALID_ARGUMENT when `text` holds what looks like personal data in clear. */
export function assertNoPersonalData(text: string, field: string): void {
  const seen = normalizeForPersonalData(text);
  for (const [pattern, what] of PATTERNS) {
    if (pattern.test(seen)) {
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `${field} contains what looks like ${what}; personal data goes on the ledger only as a salted hash`,
      );
    }
  }
}
