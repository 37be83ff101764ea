/**
 * The catalog items a dataset file is read against, as the gateway's stores keep them and the `rdx` CLI checks a
 * file before recording it: their shapes, the values of a row, and the check of a catalog's list of items.
 */

/** The type of a data item, as the catalog declares it. */
export type ItemType = 'string' | 'integer' | 'number' | 'date' | 'boolean';
/** File formats a body may load. */
export type DatasetFormat = 'csv' | 'json';

/** What reading a file (and storing its rows) needs to know of a catalog item (the catalog's `DataItem` fits). */
export interface ItemSpec {
  name: string;
  type: ItemType;
  personal: boolean;
}

/** One cell: typed per its item; an empty cell is null. */
export type CellValue = string | number | boolean | null;
/** One row, keyed by item name. */
export type DatasetRow = Record<string, CellValue>;

const ITEM_TYPES: readonly ItemType[] = ['string', 'integer', 'number', 'date', 'boolean'];
/** An item name: snake_case, the only names that become columns (quoted besides) in the gateway's stores. */
export const ITEM_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a catalog's items for a store: at least one, snake_case names of at most 64 characters, known types,
 * no name twice. Returns copies holding only what the store keeps, so labels and other catalog fields do not
 * leak into its tables.
 */
export function checkItems(items: readonly ItemSpec[]): ItemSpec[] {
  if (items.length === 0) throw new TypeError('items must list at least one item');
  const seen = new Set<string>();
  return items.map((i, n) => {
    if (typeof i.name !== 'string' || !ITEM_NAME.test(i.name) || i.name.length > 64)
      throw new TypeError(`items[${n}].name ${JSON.stringify(i.name)} must be snake_case (a-z, 0-9, _)`);
    if (!ITEM_TYPES.includes(i.type))
      throw new TypeError(
        `items[${n}].type ${JSON.stringify(i.type)} must be one of ${ITEM_TYPES.join(', ')}`,
      );
    if (seen.has(i.name)) throw new TypeError(`items name "${i.name}" twice`);
    seen.add(i.name);
    return { name: i.name, type: i.type, personal: i.personal === true };
  });
}
