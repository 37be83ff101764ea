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
  if (/^\d{17}[\dXx]$/.test(s)) return `${s.slice(0, 6)}********${s.slice(14)}`;
  if (/^1\d{10}$/.test(s)) return `${s.slice(0, 3)}****${s.slice(7)}`;
  const chars = [...s];
  if (chars.length <= 1) return '*';
  if (chars.length <= 4) return chars[0] + '*'.repeat(chars.length - 1);
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
}

/** Projects rows to `items` and masks the personal ones. */
export function projectAndMask(
  rows: Record<string, unknown>[],
  items: string[],
  personal: ReadonlySet<string>,
): Record<string, unknown>[] {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const item of items) out[item] = personal.has(item) ? maskValue(row[item]) : row[item];
    return out;
  });
}
