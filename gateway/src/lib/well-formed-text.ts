/**
 * Whether a text has a UTF-8 encoding: no lone UTF-16 surrogate. A request makes one easily, with a JSON escape
 * (`"\ud800"`) or by a cut in the middle of a pair, and neither the audit log's databases nor a URL keep it as it
 * was (both store U+FFFD in its place).
 */

/** True when `text` holds no lone surrogate. */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed();
}

/** `text` with each lone surrogate replaced by U+FFFD. */
export function toWellFormedText(text: string): string {
  return text.toWellFormed();
}
