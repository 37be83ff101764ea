/**
 * Masking of personal items (个人信息) before they leave the gateway: enough stays to recognise a record,
 * not enough to identify the person. IDs keep region and last four; phones keep prefix and last four;
 * names keep the family name. A value that is not text (a number, a boolean) is withheld whole: masking
 * its digits would leave most of its value (1234.5 → 12**.5), so it becomes the constant null.
 */
export function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== 'string') return null;
  const s = value;
  if (ID_NUMBER.test(s)) return `${s.slice(0, 6)}********${s.slice(14)}`;
  if (MOBILE.test(s)) return `${s.slice(0, 3)}****${s.slice(7)}`;
  // Characters, not UTF-16 units, are kept and counted. Text without surrogate pairs (nearly all: Chinese names
  // are in the basic plane) is sliced as it is; splitting it into an array of characters would allocate one
  // string per character on every masked value served.
  if (SURROGATE.test(s)) return maskCharacters([...s]);
  return maskCharacters(s);
}

const ID_NUMBER = /^\d{17}[\dXx]$/;
const MOBILE = /^1\d{10}$/;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Keeps the first and last characters of `chars` (a string of single-unit characters, or the characters). */
function maskCharacters(chars: string | string[]): string {
  const part = (from: number, to?: number): string => {
    const p = chars.slice(from, to);
    return typeof p === 'string' ? p : p.join('');
  };
  const n = chars.length;
  if (n <= 1) return '*';
  if (n <= 4) return part(0, 1) + '*'.repeat(n - 1);
  return part(0, 2) + '*'.repeat(n - 4) + part(-2);
}

/**
 * Masks the `personal` items of `rows` in place and returns them. The rows must be the caller's own: a store's page
 * (fresh objects holding exactly the items asked, as the stores' shared suite checks), or a row read for a
 * download. Masked in place, a page of 20 rows is not copied into 20 objects more on every data call.
 */
export function maskPersonal<R extends Record<string, unknown>>(rows: R[], personal: readonly string[]): R[] {
  if (personal.length === 0) return rows;
  for (const row of rows)
    for (const item of personal) (row as Record<string, unknown>)[item] = maskValue(row[item]);
  return rows;
}
