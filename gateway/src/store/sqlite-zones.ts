/**
 * A version's zone map on SQLite: for each block of {@link ZONE_ROWS} rows, in file order, the least and the
 * greatest value of every indexed item. A page filtered on a range reads the table in page order, and when the
 * rows that match sit together — a file ordered by registration date, asked for the last year's — the table way
 * read every row before them (50–60 ms at 10⁶ rows, on the gateway's event loop): the zone map lets the page skip
 * the blocks whose values cannot match. The blocks are what SQLite reads (`t._rid BETWEEN _lo AND _hi`); they do
 * not need to be of one size, only in order and without gaps.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { FilterOp, ItemSpec } from './dataset-types.js';
import { isIndexed, quoteIdent } from './query-plan.js';

/**
 * Rows per block. A page may read a block's worth of rows that do not match before its first match, and passes
 * over the blocks that cannot match one by one: at 10⁶ rows (3907 blocks) a page of 100 in the last tenth took
 * 84–162 µs with blocks of 256 rows, 128–246 µs with blocks of 1024; crossing 3000 blocks ~1 ms (by hand, 2026-12-02).
 */
export const ZONE_ROWS = 256;

/** Most values of an `in` filter that the zone map checks (each a test on every block the page passes). */
export const MAX_ZONE_VALUES = 16;

/** The zone map's table of version table `table`; its rowid is each block's last `_rid`. */
export function zoneTable(table: string): string {
  return `${table}_z`;
}

/**
 * Writes the zone map of `table` (items `items`, rows numbered from 1 by `_rid`) unless it is there: inside the
 * load's transaction, or on its own for a version loaded before zone maps were made. A partial map would hide rows,
 * so the caller makes it in one transaction.
 */
export function writeZones(db: DatabaseSync, table: string, items: readonly ItemSpec[]): void {
  if (hasZones(db, table)) return;
  const zones = zoneTable(table);
  const zoned = items.flatMap((spec, k) => (isIndexed(spec) ? [{ k, column: quoteIdent(spec.name) }] : []));
  // ANY: each bound stays as SQLite stored the item's value, and compares with a filter's value as the column does.
  db.exec(
    `CREATE TABLE "${zones}" (_hi INTEGER PRIMARY KEY, _lo INTEGER NOT NULL${zoned
      .map(({ k }) => `, _min${k} ANY, _max${k} ANY`)
      .join('')}) STRICT`,
  );
  const block = db.prepare(
    `INSERT INTO "${zones}" SELECT max(_rid), min(_rid)${zoned
      .map(({ column }) => `, min(${column}), max(${column})`)
      .join('')} FROM "${table}" WHERE _rid > ? AND _rid <= ? HAVING count(*) > 0`,
  );
  const last = Number(db.prepare(`SELECT coalesce(max(_rid), 0) AS n FROM "${table}"`).get()?.n);
  for (let after = 0; after < last; after += ZONE_ROWS) block.run(after, after + ZONE_ROWS);
}

/** Whether version table `table` has its zone map. */
export function hasZones(db: DatabaseSync, table: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(zoneTable(table)) !==
    undefined
  );
}

/**
 * The condition on a block that a row of it may pass filter `op` on the item at `k` — a block whose values cannot
 * is skipped — or undefined where the zone map is not asked (`eq`) or cannot tell (`ne`, an `in` of many values). `values` are the
 * filter's bound values; `above` for a prefix is the first text after every text with that prefix, if any.
 * min and max ignore empty values, which no such filter matches: a block of none is skipped as it should be.
 */
export function zoneCondition(
  op: FilterOp,
  k: number,
  values: readonly SQLInputValue[],
  above?: string,
): { sql: string; params: SQLInputValue[] } | undefined {
  const [least, greatest] = [`_min${k}`, `_max${k}`];
  const [value] = values;
  switch (op) {
    case 'lt':
      return { sql: `${least} < ?`, params: [value!] };
    case 'le':
      return { sql: `${least} <= ?`, params: [value!] };
    case 'gt':
      return { sql: `${greatest} > ?`, params: [value!] };
    case 'ge':
      return { sql: `${greatest} >= ?`, params: [value!] };
    case 'prefix':
      return above === undefined
        ? { sql: `${greatest} >= ?`, params: [value!] }
        : { sql: `${greatest} >= ? AND ${least} < ?`, params: [value!, above] };
    case 'in':
      if (values.length > MAX_ZONE_VALUES) return undefined;
      return {
        sql: `(${values.map(() => `(${least} <= ? AND ${greatest} >= ?)`).join(' OR ')})`,
        params: values.flatMap((v) => [v, v]),
      };
    case 'eq': // read through its index, in page order, whatever the zones
    case 'ne':
      return undefined;
  }
}
