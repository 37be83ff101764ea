/**
 * Dates as day numbers, for fingerprints (docs/TRACE.md): a date carries its mark in the day number a
 * spreadsheet keeps for it (Excel's serial: days since 1899-12-30), so the date served as text and the same date
 * saved by a spreadsheet as a number read the same mark.
 */

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(1899, 11, 30);
/** 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日. */
const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

/** The day number of a date written as text, or undefined for anything else (a time, an impossible date). */
export function dateSerial(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return (t - EPOCH) / DAY_MS;
}

/** The date of a day number, as the store writes dates (YYYY-MM-DD). */
export function serialDate(serial: number): string {
  return new Date(EPOCH + serial * DAY_MS).toISOString().slice(0, 10);
}
