/**
 * A dataset version's file as the gateway loads it and the body's CLI checks it before recording it: one reading
 * for both. Its own entry point (`@rdx/client/dataset-format`): the gateway starts a thread per large load, and
 * the package's main entry would load the whole SDK (Fabric's gateway, gRPC) into each, some 0.4 s and its memory.
 */
export {
  checkItems,
  ITEM_NAME,
  type CellValue,
  type DatasetFormat,
  type DatasetRow,
  type ItemSpec,
  type ItemType,
} from './item-spec.js';
export { fromText, isRealDate, NUL_IN_TEXT, quoteForMessage, ValueProblem } from './item-values.js';
export { DatasetFileError, fileRows, parseDatasetFile, type ParsedRow } from './dataset-file.js';

/** The largest version file the gateway takes (200 MB): the CLI refuses a larger one before recording it. */
export const MAX_VERSION_FILE_BYTES = 200 * 1024 * 1024;
