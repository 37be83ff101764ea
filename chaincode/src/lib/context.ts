/**
 * The transaction context of every RDX contract: who is calling (resolved once), the transaction time,
 * and the changes the transaction makes, emitted as its one event when it ends.
 */
import { Context } from 'fabric-contract-api';
import { certificateFingerprint } from './certificate';
import { RdxError, ErrorCode } from './errors';
import type { Change, EventName, EventPayload } from './events';
import { canonicalJson } from './state';

/**
 * What a caller may do, from its MSP and certificate `role`: the bureau's staff, regulators and the gateway
 * (BureauMSP); an opening body's admin (`body`: catalogue, agreements, grants) and its reviewers (`body-reviewer`:
 * owner reviews, reads); a dedicated `prober` identity for ledger probes.
 */
export type Role =
  'bureau' | 'regulator' | 'gateway' | 'clerk' | 'body' | 'body-reviewer' | 'prober' | 'none';

export interface Caller {
  mspId: string;
  /** The `role` attribute of the caller's certificate (admin, reviewer, regulator, gateway), if any. */
  roleAttribute?: string;
  /** Unique id of the certificate (subject and issuer), recorded with each change. */
  id: string;
}

export class RdxContext extends Context {
  private changeList: Change[] = [];
  private eventName?: EventName;

  caller(): Caller {
    return {
      mspId: this.clientIdentity.getMSPID(),
      roleAttribute: this.clientIdentity.getAttributeValue('role') ?? undefined,
      id: this.clientIdentity.getID(),
    };
  }

  /**
   * A confidential input: the transient data entry `name` (given to the endorsing peers, never written to a
   * block), or undefined when the client sent none. Text inputs are capped at `maxBytes`.
   */
  secretInput(name: string, maxBytes = 64 * 1024): string | undefined {
    const value = this.stub.getTransient().get(name);
    if (value === undefined) return undefined;
    if (value.length > maxBytes)
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, `transient ${name} exceeds ${maxBytes} bytes`);
    return Buffer.from(value).toString('utf8');
  }

  /** A confidential input that must be there: INVALID_ARGUMENT naming it otherwise. */
  requireSecretInput(name: string, maxBytes?: number): string {
    const value = this.secretInput(name, maxBytes);
    if (value === undefined)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `${name} is confidential: send it as transient data "${name}", not as an argument`,
      );
    return value;
  }

  /** The fingerprint of the caller's own certificate (see certificate.ts), for bindings to one certificate. */
  callerCertificate(): string {
    return certificateFingerprint(Buffer.from(this.clientIdentity.getIDBytes()).toString('utf8'));
  }

  /** Transaction time from the proposal: identical on every endorsing peer, unlike the local clock. */
  now(): string {
    const ts = this.stub.getTxTimestamp();
    const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds.toString());
    return new Date(seconds * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
  }

  /** Records a change for this transaction's event; the first `event` named wins. */
  changed(event: EventName, change: Change): void {
    this.eventName ??= event;
    this.changeList.push(change);
  }

  /** Emits the transaction's single event, listing every change (called when the transaction ends). */
  flushEvent(): void {
    if (!this.eventName || this.changeList.length === 0) return;
    const payload: EventPayload = {
      txId: this.stub.getTxID(),
      time: this.now(),
      mspId: this.clientIdentity.getMSPID(),
      changes: this.changeList,
    };
    this.stub.setEvent(this.eventName, Buffer.from(canonicalJson(payload)));
  }

  changes(): readonly Change[] {
    return this.changeList;
  }
}
