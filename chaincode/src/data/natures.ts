/**
 * The natures of a user (利用主体): the kinds of organisation, and `natural-person` (L10), whose code is a person
 * code and whose name goes masked (lib/person-code.ts).
 *
 * A module with no imports, so the SDK and the CLI can read it without loading the chaincode runtime.
 */
export const NATURES = [
  'state-owned',
  'private',
  'foreign-invested',
  'collective',
  'public-institution',
  'other',
  'natural-person',
] as const;
