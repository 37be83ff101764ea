/**
 * What a complaint is about: Z21's four grounds — the open attribute the catalogue gave the data (1), its
 * quality (2), errors or omissions (3), opening against the rules or the agreement (4) — and Z35 / L17's
 * infringement of a trade secret, privacy or other lawful rights; and a security risk or incident (L17, L18 / Z35,
 * Z36: what an enterprise reports opens one per grant of its agreement, verified and handled as a complaint).
 *
 * A module with no imports, so the SDK's parity test can read it without loading the chaincode runtime.
 */
export const COMPLAINT_CATEGORIES = [
  'open-attribute',
  'quality',
  'error',
  'unlawful-opening',
  'rights',
  'security',
] as const;
