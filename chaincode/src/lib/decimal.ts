/**
 * How every integer written as text is read, by the chaincode (transaction arguments) and by the gateway (query
 * parameters): one rule, so a value one of them takes the other does not read another way.
 */

/** A whole number as a person writes it: no sign, no leading zero, at most 16 digits. */
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/**
 * `raw` as a number when it is a whole number in plain decimal digits with no leading zero (`0` itself is one) and
 * a safe integer; undefined for any other writing. `Number()` would read '', ' 7 ', '0x10', '1e3' and '010' as 0,
 * 7, 16, 1000 and 10: a number nobody wrote, or one written two ways.
 */
export function decimalWholeNumber(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !DECIMAL.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}
