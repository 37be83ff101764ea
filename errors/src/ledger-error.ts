/**
 * The chaincode's refusals cross Fabric as text: the chaincode's message starts with `[CODE]`, and Fabric wraps
 * it ("chaincode response 500, [FORBIDDEN] …", one endorsement detail per peer). This is the one place that
 * writes that form and the one place that reads the code back; nobody else parses messages.
 */
import { isLedgerCode, type LedgerCode } from './codes';

export interface LedgerFailure {
  code: LedgerCode;
  /** The chaincode's own sentence, without the code and without Fabric's wrapping. */
  detail: string;
}

/** The message a chaincode error carries: `[CODE] detail`. */
export function ledgerMessage(code: LedgerCode, detail: string): string {
  return `[${code}] ${detail}`;
}

/**
 * The first chaincode code found in the texts (an error's message, then its peers' details), with the rest of
 * its line; undefined when none carries a code of the chaincode (a foreign or transport error).
 */
export function parseLedgerError(...texts: readonly string[]): LedgerFailure | undefined {
  for (const text of texts) {
    for (const match of text.matchAll(/\[([A-Z_]+)\]/g)) {
      if (!isLedgerCode(match[1])) continue;
      const rest = text.slice(match.index + match[0].length);
      return { code: match[1], detail: (rest.split('\n')[0] ?? '').trim() };
    }
  }
  return undefined;
}
