/** The RDX TypeScript SDK. */
export { GatewayClient, GatewayProblem, type Readiness } from './gateway-client.js';
export {
  EnterpriseSigner,
  personalDataHash,
  type EnterpriseRequest,
  type SignedRequest,
} from './enterprise-signer.js';
export { canonicalJson } from './canonical-json.js';
export * from './audit/merkle.js';
export { tlsNameOptions } from './tls-name.js';
export {
  connectIdentity,
  loadWalletIdentity,
  writeWalletIdentity,
  listWallet,
  WalletError,
  type LedgerIdentity,
  type LedgerConnection,
} from './ledger/fabric-connection.js';
