/**
 * A connection to the RDX ledger as one Fabric identity, through @hyperledger/fabric-gateway. Bureau staff,
 * opening bodies and regulators act with their own identities (never through the API gateway), so the SDK
 * and the `rdx` CLI connect directly. Every call has a deadline; close() releases the gRPC channel.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { tlsNameOptions } from '../tls-name.js';
import { nativeSigner } from './native-signer.js';

/** Everything needed to act as one identity: who (MSP, certificate, key) and where (a peer of its org). */
export interface LedgerIdentity {
  /** Wallet name, e.g. `admin.market`. */
  name: string;
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
  peerEndpoint: string;
  peerTlsRootPem: string;
  /**
   * The identity's TLS client certificate and key (its CA's `tls` profile): peers require mutual TLS, so a
   * connection without them is refused.
   */
  tlsCertificatePem?: string;
  tlsPrivateKeyPem?: string;
  channel: string;
  chaincode: string;
}

/** Where a service's identity is on disk (its settings): the same as {@link LedgerIdentity}, as file paths. */
export interface LedgerIdentityFiles {
  name: string;
  mspId: string;
  certPath: string;
  keyPath: string;
  peerEndpoint: string;
  peerTlsRootPath: string;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  channel: string;
  chaincode: string;
}

/** Reads a service's identity from its files (the gateway's and the clerk's settings name them). */
export function readLedgerIdentity(files: LedgerIdentityFiles): LedgerIdentity {
  const read = (file: string): string => fs.readFileSync(file, 'utf8');
  return {
    name: files.name,
    mspId: files.mspId,
    certificatePem: read(files.certPath),
    privateKeyPem: read(files.keyPath),
    peerEndpoint: files.peerEndpoint,
    peerTlsRootPem: read(files.peerTlsRootPath),
    tlsCertificatePem: files.tlsCertPath ? read(files.tlsCertPath) : undefined,
    tlsPrivateKeyPem: files.tlsKeyPath ? read(files.tlsKeyPath) : undefined,
    channel: files.channel,
    chaincode: files.chaincode,
  };
}

export interface LedgerConnection {
  identity: LedgerIdentity;
  gateway: Gateway;
  network: Network;
  /** A contract of the rdx chaincode, e.g. `contract('grant')`. */
  contract(name: string): Contract;
  close(): void;
}

export interface DeadlineOptions {
  evaluateMs?: number;
  endorseMs?: number;
  submitMs?: number;
  commitMs?: number;
}

export function connectIdentity(identity: LedgerIdentity, deadlines: DeadlineOptions = {}): LedgerConnection {
  const client = new grpc.Client(
    identity.peerEndpoint,
    grpc.credentials.createSsl(
      Buffer.from(identity.peerTlsRootPem),
      identity.tlsPrivateKeyPem ? Buffer.from(identity.tlsPrivateKeyPem) : null,
      identity.tlsCertificatePem ? Buffer.from(identity.tlsCertificatePem) : null,
    ),
    tlsNameOptions(identity.peerEndpoint),
  );
  const key = crypto.createPrivateKey(identity.privateKeyPem);
  // OpenSSL signs the whole message (hashing it itself); keys of other curves keep fabric-gateway's signer.
  const native = nativeSigner(key);
  const gateway = connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    ...(native
      ? { signer: native, hash: hash.none }
      : { signer: signers.newPrivateKeySigner(key), hash: hash.sha256 }),
    // Under mutual TLS a peer's Deliver service (block events) takes a request only if it names the client's
    // TLS certificate, binding the signed request to the connection.
    ...(identity.tlsCertificatePem
      ? {
          tlsClientCertificateHash: crypto
            .createHash('sha256')
            .update(new crypto.X509Certificate(identity.tlsCertificatePem).raw)
            .digest(),
        }
      : {}),
    evaluateOptions: () => ({ deadline: Date.now() + (deadlines.evaluateMs ?? 15_000) }),
    endorseOptions: () => ({ deadline: Date.now() + (deadlines.endorseMs ?? 30_000) }),
    submitOptions: () => ({ deadline: Date.now() + (deadlines.submitMs ?? 15_000) }),
    commitStatusOptions: () => ({ deadline: Date.now() + (deadlines.commitMs ?? 60_000) }),
  });
  const network = gateway.getNetwork(identity.channel);
  return {
    identity,
    gateway,
    network,
    contract: (name) => network.getContract(identity.chaincode, name),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/**
 * A wallet is a folder with one sub-folder per identity holding `identity.json`
 * (`{ name, mspId, peerEndpoint, channel, chaincode }`), `cert.pem`, `key.pem`, `peer-tls-root.pem`, and the TLS
 * client pair `tls-cert.pem`, `tls-key.pem`.
 * `npm start` writes one for every enrolled user into `.rdx/wallet/`.
 */
export function loadWalletIdentity(walletDir: string, name: string): LedgerIdentity {
  const dir = path.join(walletDir, name);
  const file = path.join(dir, 'identity.json');
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(walletDir)
      ? fs.readdirSync(walletDir).join(', ')
      : 'none: is the wallet folder right?';
    throw new WalletError(`no identity "${name}" in the wallet ${walletDir} (known: ${known})`);
  }
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as Pick<
    LedgerIdentity,
    'name' | 'mspId' | 'peerEndpoint' | 'channel' | 'chaincode'
  >;
  return {
    ...meta,
    certificatePem: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    privateKeyPem: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    peerTlsRootPem: fs.readFileSync(path.join(dir, 'peer-tls-root.pem'), 'utf8'),
    ...(fs.existsSync(path.join(dir, 'tls-cert.pem'))
      ? {
          tlsCertificatePem: fs.readFileSync(path.join(dir, 'tls-cert.pem'), 'utf8'),
          tlsPrivateKeyPem: fs.readFileSync(path.join(dir, 'tls-key.pem'), 'utf8'),
        }
      : {}),
  };
}

export function writeWalletIdentity(walletDir: string, identity: LedgerIdentity): void {
  const dir = path.join(walletDir, identity.name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { certificatePem, privateKeyPem, peerTlsRootPem, tlsCertificatePem, tlsPrivateKeyPem, ...meta } =
    identity;
  fs.writeFileSync(path.join(dir, 'identity.json'), JSON.stringify(meta, null, 2));
  fs.writeFileSync(path.join(dir, 'cert.pem'), certificatePem);
  fs.writeFileSync(path.join(dir, 'key.pem'), privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'peer-tls-root.pem'), peerTlsRootPem);
  if (tlsCertificatePem && tlsPrivateKeyPem) {
    fs.writeFileSync(path.join(dir, 'tls-cert.pem'), tlsCertificatePem);
    fs.writeFileSync(path.join(dir, 'tls-key.pem'), tlsPrivateKeyPem, { mode: 0o600 });
  }
}

export function listWallet(walletDir: string): string[] {
  if (!fs.existsSync(walletDir)) return [];
  return fs
    .readdirSync(walletDir)
    .filter((n) => fs.existsSync(path.join(walletDir, n, 'identity.json')))
    .sort();
}

export class WalletError extends Error {
  override name = 'WalletError';
}

export function decodeJson(bytes: Uint8Array): unknown {
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
}
