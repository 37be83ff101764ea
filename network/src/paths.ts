/**
 * Where everything lives under RDX_HOME (`.rdx/`). One function per kind of file so no path is spelled twice.
 */
import path from 'node:path';

/** The CAs an org's CA server may hold beside the org's own (Paths.purposeCaHome). */
export type PurposeCaName = 'gateway' | 'orderer-admin';

export class Paths {
  constructor(
    readonly home: string,
    readonly repoRoot: string,
  ) {}

  orgDir(short: string): string {
    return path.join(this.home, 'orgs', short);
  }
  /** The org's MSP as the channel configuration sees it: CA and TLS CA certificates and NodeOU config. */
  orgMsp(short: string): string {
    return path.join(this.orgDir(short), 'msp');
  }
  /**
   * The org's CA's revocation list in an MSP folder (the org's, or a node's own), where configtxgen and Fabric's
   * MSPs read revocation lists from.
   */
  revocationList(mspDir: string): string {
    return path.join(mspDir, 'crls', 'crl.pem');
  }
  /** The org's revocation list in its MSP folder, which configtxgen puts in the channel and `org export` carries. */
  orgRevocationList(short: string): string {
    return this.revocationList(this.orgMsp(short));
  }
  caHome(short: string): string {
    return path.join(this.orgDir(short), 'ca');
  }
  /** The CA's root certificate, which is also the org's TLS root. */
  caCert(short: string): string {
    return path.join(this.caHome(short), 'ca-cert.pem');
  }
  /**
   * A CA of the org's CA server beside the org's own, for one purpose (`gateway`: the bureau's gateway CA, which
   * issues the gateway's HTTPS certificate; `orderer-admin`: an orderer org's, which issues its admin's client
   * certificate for the orderers' admin endpoints): its folder, and its root.
   */
  purposeCaHome(short: string, purpose: PurposeCaName): string {
    return path.join(this.caHome(short), purpose);
  }
  purposeCaCert(short: string, purpose: PurposeCaName): string {
    return path.join(this.purposeCaHome(short, purpose), 'ca-cert.pem');
  }
  /** The root callers pin to reach the gateway. */
  gatewayCaCert(short: string): string {
    return this.purposeCaCert(short, 'gateway');
  }
  /** The root an orderer's admin endpoint takes client certificates from. */
  ordererAdminCaCert(short: string): string {
    return this.purposeCaCert(short, 'orderer-admin');
  }
  caClientHome(short: string): string {
    return path.join(this.orgDir(short), 'ca-client');
  }
  identityDir(short: string, name: string): string {
    return path.join(this.orgDir(short), 'identities', name);
  }
  identityMsp(short: string, name: string): string {
    return path.join(this.identityDir(short, name), 'msp');
  }
  identityTls(short: string, name: string): string {
    return path.join(this.identityDir(short, name), 'tls');
  }
  /**
   * An identity's pair from a purpose CA (server.crt, server.key, ca.crt): the gateway CA's in `https/`, named
   * for what it serves, an orderer admin CA's in `orderer-admin/`.
   */
  identityPurposePair(short: string, name: string, purpose: PurposeCaName): string {
    return path.join(this.identityDir(short, name), purpose === 'gateway' ? 'https' : purpose);
  }
  /** The gateway's HTTPS pair, issued by the gateway CA. */
  identityHttps(short: string, name: string): string {
    return this.identityPurposePair(short, name, 'gateway');
  }
  nodeData(node: string): string {
    return path.join(this.home, 'data', node);
  }
  log(processName: string): string {
    return path.join(this.home, 'logs', `${processName}.log`);
  }
  pid(processName: string): string {
    return path.join(this.home, 'run', `${processName}.pid`);
  }
  runDir(): string {
    return path.join(this.home, 'run');
  }
  state(): string {
    return path.join(this.home, 'state.json');
  }
  channelDir(): string {
    return path.join(this.home, 'channel');
  }
  genesisBlock(channel: string): string {
    return path.join(this.channelDir(), `${channel}.block`);
  }
  chaincodeDir(short: string): string {
    return path.join(this.home, 'chaincode', short);
  }
  /** Our chaincode-as-a-service external builder (committed in the repo, not generated). */
  builderDir(): string {
    return path.join(this.repoRoot, 'network', 'ccaas-builder');
  }
}
