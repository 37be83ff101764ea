/**
 * A version's zone map on SQLite ({@link ZONE_ROWS}): written with the version, and read by a page that skips the
 * blocks whose values cannot match. The blocks are what SQLite reads (`t._rid BETWEEN _lo AND _hi`); they do not
 * need to be of one size, only in order and without gaps.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { FilterOp, ItemSpec } from './dataset-types.js';
import { ZONE_ROWS, isIndexed, quoteIdent, zoneTable, zoneTest } from './query-plan.js';

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
  // Block by block, each a range of the rowid: a GROUP BY of all rows would sort them first.
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
 * The condition on a block that a row of it may pass filter `op` on the item at `k` ({@link zoneTest}), with its
 * values bound, or undefined where the zone map cannot tell.
 */
export function zoneCondition(
  op: FilterOp,
  k: number,
  values: readonly SQLInputValue[],
  above?: string,
): { sql: string; params: SQLInputValue[] } | undefined {
  const params: SQLInputValue[] = [];
  const sql = zoneTest(op, k, values, (v) => (params.push(v), '?'), above);
  return sql === undefined ? undefined : { sql, params };
}
