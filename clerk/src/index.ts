/** What other packages use of the clerk: its round and status types (the service itself runs as main.js). */
export { Clerk, type ClerkLedger, type RoundReport } from './clerk.js';
export type { ClerkStatus } from './service.js';
