/** The RDX error contract: every stable code with its status, title and hint; the chaincode error form. */
export {
  CODES,
  LEDGER_CODES,
  PROBLEM_CODES,
  hintFor,
  isCode,
  isLedgerCode,
  isProblemCode,
  statusOf,
  type Code,
  type CodeSpec,
  type LedgerCode,
  type Origin,
  type ProblemCode,
} from './codes';
export { ledgerMessage, parseLedgerError, type LedgerFailure } from './ledger-error';
