/**
 * Where everything lives under RDX_HOME (`.rdx/`). One function per kind of file so no path is spelled twice.
 */
import path from 'node:path';

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
  caHome(short: string): string {
    return path.join(this.orgDir(short), 'ca');
  }
  /** The CA's root certificate, which is also the org's TLS root. */
  caCert(short: string): string {
    return path.join(this.caHome(short), 'ca-cert.pem');
  }
  /**
   * The second CA of the org's CA server that issues the gateway's HTTPS certificate and nothing else (the
   * bureau's only): its folder, and its root, which callers pin to reach the gateway.
   */
  gatewayCaHome(short: string): string {
    return path.join(this.caHome(short), 'gateway');
  }
  gatewayCaCert(short: string): string {
    return path.join(this.gatewayCaHome(short), 'ca-cert.pem');
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
  /** The gateway's HTTPS pair (server.crt, server.key, ca.crt), issued by the gateway CA. */
  identityHttps(short: string, name: string): string {
    return path.join(this.identityDir(short, name), 'https');
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
