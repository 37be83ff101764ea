/** What tests and other packages use of the network tooling. */
export { loadConfig, type NetworkConfig } from './config.js';
export { ensureFabricBinaries, type FabricInstall } from './binaries/fabric-binaries.js';
export { ordererAdminPair, reenrollOrg } from './ca.js';
export { pathsFor, topologyFor, type NetworkContext } from './context.js';
export { Paths } from './paths.js';
export {
  buildTopology,
  nodesOf,
  nodeNamed,
  opsAddress,
  adminAddress,
  orgOf,
  peerOrgs,
  type Topology,
  type NodeSpec,
  type OrgSpec,
} from './topology.js';
export {
  up,
  down,
  gatewayDataDir,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  gatewayRootCertificate,
  gatewayUrl,
  gatewayEnv,
  GATEWAY_PROCESS,
  processNames,
  startProcess,
  type GatewayInstance,
} from './platform.js';
export { CLERK_PROCESS, clerkEnv, clerkOpsHeaders, clerkUrl } from './clerk-process.js';
export { peerHeight, ordererChannelInfo, ordererHeight, waitOrdererCaughtUp } from './channel.js';
export { registerGateway, gatewayCertificate } from './ledger-setup.js';
export { chaincodeDefinition } from './chaincode-deploy.js';
export { runningPid, startDaemon, stopDaemon, readPid, healthz, waitUntil, run } from './proc.js';
export { nodeHealthy, nodeMetrics, operationsGet } from './operations.js';
export { address, ordererArgs, peerAdminEnv } from './node-env.js';
export {
  connectAs,
  decodeJson,
  identityOf,
  walletDir,
  writeWallet,
  type LedgerConnection,
} from './ledger-client.js';
export {
  Parties,
  waitForBlock,
  submit,
  secret,
  Secrets,
  evaluate,
  find,
  applyAndGetGrants,
  applicationRequest,
  ratingOf,
  endorsersOf,
  eventOf,
  chinaToday,
  type DemandSpec,
  type Committed,
} from './workflow-driver.js';
export { loadDemoVersion, orgAdminIdentity, seedDemo } from './demo/demo-seed.js';
export {
  DEMO_REGULATOR,
  registerEnterpriseClient,
  regulatorsFile,
  bodiesFile,
  seedBodyAccounts,
  type BodyConsoleCredentials,
  seedConsoleAccounts,
  type RegulatorCredentials,
} from './demo/console-accounts.js';
export { DEMO_ENTERPRISES, demoDatasets, type DemoDataset } from './demo/demo-data.js';
export { codeId, CODE_ID } from './code-id.js';
export { runningEnvironment } from './launch.js';
