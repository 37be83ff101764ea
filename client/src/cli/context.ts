/**
 * What a command handler works with: the global options resolved (identity, wallet, gateway, output mode),
 * a ledger connection opened on first use and closed at the end, and an enterprise session built from the
 * credentials given on the command line, the environment, or a stored login.
 */
import fs from 'node:fs';
import { EnterpriseSigner } from '../enterprise-signer.js';
import { listWallet } from '../ledger/fabric-connection.js';
import { RdxLedger } from '../sdk/ledger-api.js';
import {
  EnterpriseSession,
  PublicGatewayApi,
  RegulatorSession,
  type ConnectionOptions,
} from '../sdk/gateway-api.js';
import type { PartyNotifications } from '../sdk/notifications-api.js';
import { InputError } from '../sdk/errors.js';
import { requireUserCode } from '../sdk/person.js';
import { CliError } from './failure.js';
import { Output, type Io } from './output.js';
import { walletDirOf } from './paths.js';
import { loadToken } from './token-store.js';

/** The default gateway when neither --gateway nor RDX_GATEWAY_URL says otherwise. */
export const DEFAULT_GATEWAY = 'http://127.0.0.1:3000';

/** Options every command accepts. */
export interface GlobalOptions {
  as?: string;
  wallet?: string;
  gateway?: string;
  gatewayCa?: string;
  json?: boolean;
  clientId?: string;
  clientSecret?: string;
  keyFile?: string;
}

/** The resolved environment of one command run. */
export class CliContext {
  readonly out: Output;
  readonly walletDir: string;
  readonly gatewayUrl: string;
  private connection: RdxLedger | undefined;
  private gatewayConnection: ConnectionOptions | undefined;

  /**
   * @param globals the global options as parsed.
   * @param io stdout and stderr.
   * @param env the environment (RDX_WALLET, RDX_GATEWAY_URL, RDX_CLIENT_ID, …).
   */
  constructor(
    readonly globals: GlobalOptions,
    io: Io,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.out = new Output(io, globals.json === true);
    this.walletDir = walletDirOf(globals.wallet, env);
    this.gatewayUrl = (globals.gateway ?? env.RDX_GATEWAY_URL ?? DEFAULT_GATEWAY).replace(/\/+$/, '');
  }

  /** True with --json. */
  get json(): boolean {
    return this.out.json;
  }

  /** The wallet identity named by --as (or RDX_AS), if any. */
  get identityName(): string | undefined {
    return this.globals.as ?? this.env.RDX_AS;
  }

  /**
   * The ledger as the --as identity, connected on first use.
   * @throws CliError IDENTITY_REQUIRED without --as; WalletError for an unknown identity.
   */
  ledger(): RdxLedger {
    if (this.connection) return this.connection;
    const name = this.identityName;
    if (!name) {
      const known = listWallet(this.walletDir);
      throw new CliError(
        'IDENTITY_REQUIRED',
        `this command acts on the ledger as a Fabric identity: give --as <identity>${known.length ? ` (in ${this.walletDir}: ${known.join(', ')})` : ''}`,
      );
    }
    this.connection = RdxLedger.fromWallet(this.walletDir, name);
    return this.connection;
  }

  /**
   * How every gateway call of this run connects: trusting only the gateway root for the gateway when
   * --gateway-ca (or RDX_GATEWAY_CA) names it, read once, when a command first reaches the gateway.
   * @throws InputError FILE_UNREADABLE for a file that cannot be read; INVALID_ARGUMENT for one with no certificate.
   */
  gatewayOptions(): ConnectionOptions {
    if (this.gatewayConnection) return this.gatewayConnection;
    if (this.globals.gatewayCa === '')
      throw new InputError('INVALID_ARGUMENT', '--gateway-ca needs the file of the gateway root certificate');
    const file = this.globals.gatewayCa ?? this.env.RDX_GATEWAY_CA;
    // A signed action sent again while its answer is lost says so on stderr, so the wait is not taken for a hang.
    const onResend = (note: string): void => this.out.note(note);
    if (!file) return (this.gatewayConnection = { onResend });
    let gatewayCa: string;
    try {
      gatewayCa = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(
        'FILE_UNREADABLE',
        `cannot read the gateway's root certificate ${file} (--gateway-ca, RDX_GATEWAY_CA): ${(err as Error).message}`,
      );
    }
    return (this.gatewayConnection = { gatewayCa, onResend });
  }

  /** The gateway's endpoints that need no login. */
  publicGateway(): PublicGatewayApi {
    return new PublicGatewayApi(this.gatewayUrl, this.gatewayOptions());
  }

  /**
   * The notifications of whoever runs the command: an opening body's with --as (requests signed with that
   * Fabric identity), else the enterprise's (its credentials, as {@link enterprise}).
   */
  notifications(): PartyNotifications {
    return this.identityName
      ? this.publicGateway().bodyNotifications(this.ledger().connection.identity)
      : this.enterprise().notifications;
  }

  /**
   * The enterprise's session with the gateway: a client secret, or the private key (private_key_jwt), from the
   * options or RDX_CLIENT_ID / RDX_CLIENT_SECRET / RDX_KEY_FILE; else the token stored by `rdx login`.
   * @param signing the command signs a workflow action, so the private key is required.
   * @throws CliError CREDENTIALS_REQUIRED / NOT_LOGGED_IN; InputError for an unreadable key.
   */
  enterprise(signing = false): EnterpriseSession {
    const clientId = this.globals.clientId ?? this.env.RDX_CLIENT_ID;
    const secret = this.globals.clientSecret ?? this.env.RDX_CLIENT_SECRET;
    const keyFile = this.globals.keyFile ?? this.env.RDX_KEY_FILE;
    const stored = clientId || secret ? undefined : loadToken(this.gatewayUrl, this.env);
    const creditCode = clientId ?? stored?.clientId;
    let signer: EnterpriseSigner | undefined;
    if (keyFile) {
      if (!creditCode)
        throw new CliError(
          'CREDENTIALS_REQUIRED',
          '--key-file needs --client-id: the credit code the key belongs to',
        );
      signer = this.signerFor(requireUserCode(creditCode, '--client-id'), keyFile);
    }
    if (signing && !signer)
      throw new CliError(
        'SIGNER_MISSING',
        "this action is signed with the enterprise's private key: add --key-file <PEM>",
      );
    if (clientId && secret)
      return EnterpriseSession.withClientSecret(
        this.gatewayUrl,
        clientId,
        secret,
        signer,
        this.gatewayOptions(),
      );
    if (clientId && keyFile)
      return new EnterpriseSession({
        ...this.gatewayOptions(),
        baseUrl: this.gatewayUrl,
        credentials: { kind: 'private-key', creditCode: clientId, privateKeyPem: this.readKey(keyFile) },
        signer,
      });
    if (stored)
      return new EnterpriseSession({
        ...this.gatewayOptions(),
        baseUrl: this.gatewayUrl,
        credentials: { kind: 'token', accessToken: stored.accessToken, expiresAt: stored.expiresAt },
        signer,
      });
    if (clientId)
      throw new CliError(
        'CREDENTIALS_REQUIRED',
        `--client-id ${clientId} needs --client-secret or --key-file`,
      );
    throw new CliError(
      'NOT_LOGGED_IN',
      `no credentials for ${this.gatewayUrl}: give --client-id with --client-secret or --key-file, or run rdx login`,
    );
  }

  /**
   * A regulator's session with the gateway, from --client-id/--client-secret (or RDX_CLIENT_ID /
   * RDX_CLIENT_SECRET) of a regulator client.
   * @throws CliError CREDENTIALS_REQUIRED without them.
   */
  regulatorGateway(): RegulatorSession {
    const clientId = this.globals.clientId ?? this.env.RDX_CLIENT_ID;
    const secret = this.globals.clientSecret ?? this.env.RDX_CLIENT_SECRET;
    if (!clientId || !secret)
      throw new CliError(
        'CREDENTIALS_REQUIRED',
        "the gateway's regulator API needs a regulator client: --client-id and --client-secret (or RDX_CLIENT_ID / RDX_CLIENT_SECRET)",
      );
    return new RegulatorSession(this.gatewayUrl, clientId, secret, this.gatewayOptions());
  }

  private readKey(file: string): string {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError('FILE_UNREADABLE', `cannot read the key file ${file}: ${(err as Error).message}`);
    }
  }

  private signerFor(creditCode: string, keyFile: string): EnterpriseSigner {
    try {
      return new EnterpriseSigner(creditCode, this.readKey(keyFile));
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(
        'INVALID_ARGUMENT',
        `${keyFile} is not an EC P-256 private key (PEM): ${(err as Error).message}`,
      );
    }
  }

  /** Releases what the run opened. */
  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }
}
