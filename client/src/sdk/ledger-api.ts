/**
 * Typed access to the rdx chaincode, one class per contract, over a {@link LedgerConnection} of one Fabric
 * identity (bureau staff, an opening body, a regulator, or the gateway). Arguments are typed objects, results
 * parsed JSON; every failure is an {@link RdxSdkError} carrying the chaincode's stable code and, when a
 * transaction was created, its id. Submits wait for the commit and fail when the transaction commits invalid,
 * so a resolved promise means the change is on the ledger.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { SignedRequest } from '../enterprise-signer.js';
import {
  connectIdentity,
  loadWalletIdentity,
  type DeadlineOptions,
  type LedgerConnection,
} from '../ledger/fabric-connection.js';
import { compareRecipients } from '@rdx/chaincode';
import { fromLedgerError, InputError } from './errors.js';
import { fabricTransport, validationName, type LedgerTransport } from './ledger-transport.js';
import { requireDate } from './inputs.js';
import { requireUserCode } from './person.js';
import type {
  AnchorHead,
  AnchorInput,
  Agreement,
  Application,
  Body,
  CalendarYear,
  Complaint,
  ComplaintInput,
  ComplaintOutcome,
  ComplaintStatus,
  PlatformComplaint,
  CreditEvaluation,
  CreditEvaluationInput,
  CreditFacts,
  Dataset,
  DatasetInput,
  DatasetVersion,
  DuePage,
  Duty,
  Enterprise,
  FingerprintCommitment,
  GatewayRegistration,
  Grant,
  GrantFilter,
  GrantShell,
  AgreementShell,
  BodyPerformance,
  CatalogueReview,
  ReviewBatches,
  HistoryEntry,
  HistoryType,
  LedgerAnchor,
  NotificationChannel,
  OnboardInput,
  OverdueItem,
  DueSoonItem,
  DutyDueSoonItem,
  Page,
  RatingChange,
  RatingInput,
  Recipient,
  SuspendReason,
  TermsInput,
  TransactionInfo,
  ApplicationState,
} from './types.js';

/** A submitted transaction's result, once committed valid. */
export interface Committed<T> {
  /** What the chaincode function returned, parsed. */
  value: T;
  txId: string;
  blockNumber: number;
}

/** Paging of listings. */
export interface PageOptions {
  pageSize?: number;
  bookmark?: string;
}

function parse<T>(bytes: Uint8Array): T {
  const text = Buffer.from(bytes).toString('utf8');
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Shared plumbing of the contract classes: arguments in, parsed results out, over the transport. */
abstract class ContractApi {
  /**
   * @param transport the identity to act as.
   * @param contract the contract name, e.g. `grant`.
   */
  constructor(
    protected readonly transport: LedgerTransport,
    readonly contract: string,
  ) {}

  /** Evaluates a read-only function on the identity's peer. @throws RdxSdkError */
  protected async evaluate<T>(fn: string, ...args: string[]): Promise<T> {
    return parse<T>(await this.transport.evaluate(this.contract, fn, args));
  }

  /** Endorses, orders and waits for the commit. @throws RdxSdkError, LedgerTransactionInvalidError */
  protected async submit<T>(fn: string, ...args: string[]): Promise<Committed<T>> {
    return this.submitWith<T>(fn, args);
  }

  /**
   * Submits with confidential inputs as transient data (never written to a block), always with a fresh random
   * `salt` for any private record the transaction writes, and optionally the endorsing organisations.
   * @throws RdxSdkError, LedgerTransactionInvalidError
   */
  protected async submitWith<T>(
    fn: string,
    args: string[],
    secrets: Record<string, string> = {},
    endorsingOrganizations?: string[],
  ): Promise<Committed<T>> {
    const transient: Record<string, Uint8Array> = { salt: randomBytes(32) };
    for (const [name, value] of Object.entries(secrets)) transient[name] = Buffer.from(value, 'utf8');
    const done = await this.transport.submit(this.contract, fn, args, { transient, endorsingOrganizations });
    return { value: parse<T>(done.result), txId: done.txId, blockNumber: done.blockNumber };
  }

  /**
   * A submit whose result is a shell (what a block may hold): the whole object is read back afterwards, on the
   * same peer, which has committed the transaction by then. @throws RdxSdkError
   */
  protected async submitSealed<T>(
    fn: string,
    args: string[],
    secrets: Record<string, string>,
    readBack: (shell: { id: string }) => Promise<T>,
    endorsingOrganizations?: string[],
  ): Promise<Committed<T>> {
    const done = await this.submitWith<{ id: string }>(fn, args, secrets, endorsingOrganizations);
    return { ...done, value: await readBack(done.value) };
  }
}

/** Transient data of an enterprise's signed request. */
function signedSecrets(signed: SignedRequest): Record<string, string> {
  return { request: signed.request, signature: signed.signature };
}

const BUREAU_MSP = 'BureauMSP';

/**
 * `platform`: the registry of opening bodies and the working-day calendar.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class PlatformApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'platform');
  }

  /** Bureau: registers an org as an opening body. @throws RdxSdkError FORBIDDEN, ALREADY_EXISTS, … */
  registerBody(args: { mspId: string; name: string }): Promise<Committed<Body>> {
    return this.submit('RegisterBody', args.mspId, args.name);
  }

  /** Every registered opening body. @throws RdxSdkError */
  listBodies(): Promise<Body[]> {
    return this.evaluate('ListBodies');
  }

  /** Bureau: sets one year of the working-day calendar. @throws RdxSdkError INVALID_ARGUMENT, FORBIDDEN */
  setCalendarYear(calendar: CalendarYear): Promise<Committed<CalendarYear>> {
    return this.submit('SetCalendarYear', JSON.stringify(calendar));
  }

  /**
   * Opening body: publishes its quarterly review batches of a year (L11(3)): one day per quarter, no later than
   * Mar 30, Jun 30, Sep 30, Dec 30. @throws RdxSdkError INVALID_ARGUMENT, INVALID_STATE once the year has begun
   */
  setReviewBatches(year: number, days: string[]): Promise<Committed<ReviewBatches>> {
    return this.submit('SetReviewBatches', String(year), JSON.stringify(days));
  }

  /** A body's published review batches of a year. @throws RdxSdkError NOT_FOUND when it published none */
  getReviewBatches(body: string, year: number): Promise<ReviewBatches> {
    return this.evaluate('GetReviewBatches', body, String(year));
  }

  /** One year of the calendar. @throws RdxSdkError NOT_FOUND when the bureau has not recorded it. */
  getCalendarYear(year: number): Promise<CalendarYear> {
    return this.evaluate('GetCalendarYear', String(year));
  }

  /**
   * The clerk: moves the ledger's heartbeat on, so that a transaction endorsed before and held back can no
   * longer commit (chaincode lib/heartbeat.ts). @throws RdxSdkError FORBIDDEN for any other caller
   */
  heartbeat(): Promise<Committed<Heartbeat>> {
    return this.submit('Heartbeat');
  }

  /** The newest heartbeat, or null before the clerk's first. */
  getHeartbeat(): Promise<Heartbeat | null> {
    return this.evaluate('GetHeartbeat');
  }
}

/** The ledger's heartbeat: how many there were, and the newest one's transaction time. */
export interface Heartbeat {
  count: number;
  at: string;
}

/**
 * `enterprise`: onboarding, ratings and keys (bureau).
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class EnterpriseApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'enterprise');
  }

  /**
   * Bureau: registers an enterprise with its ES256 key and first rating.
   * @throws InputError INVALID_ARGUMENT for a malformed credit code; RdxSdkError from the chaincode.
   */
  onboard(input: OnboardInput): Promise<Committed<Enterprise>> {
    requireUserCode(input.creditCode);
    requireDate(input.rating.validUntil, 'rating.validUntil');
    return this.submit('OnboardEnterprise', JSON.stringify(input));
  }

  /** Bureau: rates again; below AA suspends active grants in the same transaction. @throws RdxSdkError */
  rate(args: { creditCode: string; rating: RatingInput }): Promise<Committed<RatingChange>> {
    requireUserCode(args.creditCode);
    requireDate(args.rating.validUntil, 'rating.validUntil');
    return this.submit('RateEnterprise', args.creditCode, JSON.stringify(args.rating));
  }

  /** Clerk service or bureau: expires a rating past its validity. @throws RdxSdkError INVALID_STATE while valid. */
  expireRating(creditCode: string): Promise<Committed<RatingChange>> {
    return this.submit('ExpireRating', requireUserCode(creditCode));
  }

  /** Bureau: replaces an enterprise's ES256 public key. @throws RdxSdkError */
  changeKey(args: { creditCode: string; publicKey: string }): Promise<Committed<Enterprise>> {
    return this.submit('ChangeEnterpriseKey', requireUserCode(args.creditCode), args.publicKey);
  }

  /** One page of enterprises. @throws RdxSdkError FORBIDDEN for bodies. */
  list(page: PageOptions = {}): Promise<Page<Enterprise>> {
    return this.evaluate('ListEnterprises', String(page.pageSize ?? 100), page.bookmark ?? '');
  }

  /** One enterprise. @throws RdxSdkError NOT_FOUND */
  get(creditCode: string): Promise<Enterprise> {
    return this.evaluate('GetEnterprise', requireUserCode(creditCode));
  }
}

/**
 * `catalog`: datasets of the opening bodies.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class CatalogApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'catalog');
  }

  /** Body: registers one of its datasets. @throws RdxSdkError */
  register(dataset: DatasetInput): Promise<Committed<Dataset>> {
    return this.submit('RegisterDataset', JSON.stringify(dataset));
  }

  /** Owner: changes description, items (only added) or open attribute. @throws RdxSdkError */
  update(dataset: DatasetInput): Promise<Committed<Dataset>> {
    return this.submit('UpdateDataset', JSON.stringify(dataset));
  }

  /**
   * Bureau: lists a registered dataset in the catalogue after its review, or rejects it with a reason (Z13); only a
   * listed dataset may be applied for. @throws RdxSdkError INVALID_STATE when it is not a DRAFT
   */
  reviewListing(args: {
    id: string;
    decision: 'approve' | 'reject';
    reason?: string;
  }): Promise<Committed<Dataset>> {
    return this.submitWith(
      'ReviewListing',
      [args.id, args.decision],
      args.reason === undefined ? {} : { reason: args.reason },
    );
  }

  /** Owner: proposes a narrower open attribute with a reason, for the bureau to decide (Z12, Z15). @throws RdxSdkError */
  proposeAttributeChange(args: {
    id: string;
    to: Dataset['openAttribute'];
    reason: string;
  }): Promise<Committed<Dataset>> {
    return this.submitWith('ProposeAttributeChange', [args.id, args.to], { reason: args.reason });
  }

  /**
   * Bureau: approves or rejects (with a reason) a proposed narrowing; a move to prohibited suspends every active
   * grant on the dataset, which the owner's peer endorses with the bureau's. @throws RdxSdkError INVALID_STATE
   */
  async decideAttributeChange(args: {
    id: string;
    decision: 'approve' | 'reject';
    reason?: string;
  }): Promise<Committed<Dataset>> {
    const owner = (await this.get(args.id)).owner;
    return this.submitWith(
      'DecideAttributeChange',
      [args.id, args.decision],
      args.reason === undefined ? {} : { reason: args.reason },
      [BUREAU_MSP, owner],
    );
  }

  /** Owner: records its yearly review of its catalogue (Z10), with an optional note. @throws RdxSdkError */
  recordCatalogueReview(year: number, note?: string): Promise<Committed<CatalogueReview>> {
    return this.submitWith('RecordCatalogueReview', [String(year)], note === undefined ? {} : { note });
  }

  /**
   * Owner: records a loaded version's SHA-256 and row count; the gateway then accepts exactly those bytes.
   * @throws RdxSdkError ALREADY_EXISTS when the version name was used before.
   */
  recordVersion(args: {
    datasetId: string;
    version: string;
    contentHash: string;
    rowCount: number;
  }): Promise<Committed<DatasetVersion>> {
    return this.submit(
      'RecordDatasetVersion',
      args.datasetId,
      args.version,
      args.contentHash,
      String(args.rowCount),
    );
  }

  /** One catalog entry (public). @throws RdxSdkError NOT_FOUND */
  get(id: string): Promise<Dataset> {
    return this.evaluate('GetDataset', id);
  }

  /** The whole catalog (public). @throws RdxSdkError */
  list(): Promise<Dataset[]> {
    return this.evaluate('ListDatasets');
  }
}

/**
 * `application`: demand applications and their reviews.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class ApplicationApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'application');
  }

  /**
   * The bureau and every body owning a dataset the request demands: they hold the filing, so they endorse.
   * Unknown datasets name no body (the chaincode then refuses the request with NOT_FOUND).
   */
  private async endorsersOfRequest(signed: SignedRequest, also: string[] = []): Promise<string[]> {
    let demands: unknown;
    try {
      demands = (JSON.parse(signed.request) as { body?: { demands?: unknown } }).body?.demands;
    } catch {
      demands = undefined;
    }
    const ids = Array.isArray(demands)
      ? [...new Set(demands.map((d) => String((d as { datasetId?: unknown }).datasetId)))]
      : [];
    const catalog = new CatalogApi(this.transport);
    const owners = await Promise.all(
      ids.map((id) =>
        catalog.get(id).then(
          (d) => d.owner,
          () => undefined,
        ),
      ),
    );
    return [...new Set([BUREAU_MSP, ...also, ...owners.filter((o): o is string => !!o)])].sort();
  }

  /** The bureau and the bodies application `id` names: who endorses a step that writes to all of them. */
  private async endorsersOf(id: string): Promise<string[]> {
    return [BUREAU_MSP, ...(await this.get(id)).bodies];
  }

  /**
   * Gateway: brings an enterprise's signed `SubmitApplication`. The filing goes to the collections of the
   * bureau and the bodies it names, which endorse it; the application is read back whole. @throws RdxSdkError
   */
  async submitSigned(signed: SignedRequest): Promise<Committed<Application>> {
    return this.submitSealed(
      'SubmitApplication',
      [],
      signedSecrets(signed),
      (shell) => this.get(shell.id),
      await this.endorsersOfRequest(signed),
    );
  }

  /** Gateway: brings a signed `ResubmitApplication` (bodies named before and now endorse). @throws RdxSdkError */
  async resubmitSigned(signed: SignedRequest): Promise<Committed<Application>> {
    // The bodies named before: a dropped one's filing is deleted from its collection, which needs its peer.
    const id = (JSON.parse(signed.request) as { body?: { id?: unknown } }).body?.id;
    const before =
      typeof id === 'string'
        ? await this.get(id).then(
            (a) => a.bodies,
            () => [],
          )
        : [];
    return this.submitSealed(
      'ResubmitApplication',
      [],
      signedSecrets(signed),
      (shell) => this.get(shell.id),
      await this.endorsersOfRequest(signed, before),
    );
  }

  /**
   * Bureau (规范性审查): accept, or return with a reason (kept in the named bodies' collections).
   * @throws RdxSdkError INVALID_STATE, INVALID_ARGUMENT
   */
  formalReview(args: {
    id: string;
    decision: 'accept' | 'return';
    reason?: string;
  }): Promise<Committed<Application>> {
    return this.bureauDecision('FormalReview', args);
  }

  /**
   * Body (需求审核): approve, reject with a reason, or escalate to coordination.
   * @throws RdxSdkError FORBIDDEN when the body is not named; INVALID_ARGUMENT without a reason.
   */
  ownerReview(args: {
    id: string;
    decision: 'approve' | 'reject' | 'escalate';
    reason?: string;
  }): Promise<Committed<Application>> {
    return this.submitSealed(
      'OwnerReview',
      [args.id, args.decision],
      args.reason ? { reason: args.reason } : {},
      () => this.get(args.id),
    );
  }

  /** Gateway: brings a signed `DisputeReview`. @throws RdxSdkError */
  disputeSigned(signed: SignedRequest): Promise<Committed<Application>> {
    return this.submitSealed('DisputeReview', [], signedSecrets(signed), (shell) => this.get(shell.id));
  }

  /** Bureau (协调会议): settles an escalated or disputed demand. @throws RdxSdkError INVALID_STATE */
  coordinate(args: {
    id: string;
    body: string;
    outcome: 'approved' | 'rejected';
    minutesHash: string;
  }): Promise<Committed<Application>> {
    return this.submitSealed('Coordinate', [args.id, args.body, args.outcome, args.minutesHash], {}, () =>
      this.get(args.id),
    );
  }

  /** Bureau (需求复核): the final decision. @throws RdxSdkError INVALID_STATE */
  reReview(args: {
    id: string;
    decision: 'approve' | 'reject';
    reason?: string;
  }): Promise<Committed<Application>> {
    return this.bureauDecision('ReReview', args);
  }

  /**
   * A decision of the bureau on an application, its reason sealed in the named bodies' collections: the bureau
   * and every body the application names endorse it.
   */
  private async bureauDecision(
    fn: 'FormalReview' | 'ReReview',
    args: { id: string; decision: string; reason?: string },
  ): Promise<Committed<Application>> {
    return this.submitSealed(
      fn,
      [args.id, args.decision],
      args.reason ? { reason: args.reason } : {},
      () => this.get(args.id),
      await this.endorsersOf(args.id),
    );
  }

  /** One application. @throws RdxSdkError NOT_FOUND, FORBIDDEN */
  get(id: string): Promise<Application> {
    return this.evaluate('GetApplication', id);
  }
}

/**
 * `agreement`: open-use agreements.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class AgreementApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'agreement');
  }

  /** Body: drafts the agreement for its approved demands (the terms as transient data). @throws RdxSdkError */
  draft(args: { applicationId: string; terms: TermsInput }): Promise<Committed<Agreement>> {
    return this.submitSealed(
      'DraftAgreement',
      [args.applicationId],
      { terms: JSON.stringify(args.terms) },
      (shell) => this.get(shell.id),
    );
  }

  /** Body: signs, pinning the terms it read by their hash. @throws RdxSdkError INVALID_ARGUMENT on a stale hash */
  signAsBody(args: { id: string; termsHash: string }): Promise<Committed<Agreement>> {
    return this.submitSealed('SignAgreementAsBody', [args.id, args.termsHash], {}, () => this.get(args.id));
  }

  /** Gateway: brings the enterprise's signed `SignAgreement`. @throws RdxSdkError */
  signAsEnterpriseSigned(signed: SignedRequest): Promise<Committed<Agreement>> {
    return this.submitSealed('SignAgreementAsEnterprise', [], signedSecrets(signed), (shell) =>
      this.get(shell.id),
    );
  }

  /** Body: proposes a new end date before expiry. @throws RdxSdkError */
  proposeRenewal(args: { id: string; validUntil: string }): Promise<Committed<Agreement>> {
    return this.submitSealed(
      'ProposeRenewal',
      [args.id, requireDate(args.validUntil, 'validUntil')],
      {},
      () => this.get(args.id),
    );
  }

  /** Gateway: brings a signed `AcceptRenewal`. @throws RdxSdkError */
  acceptRenewalSigned(signed: SignedRequest): Promise<Committed<Agreement>> {
    return this.submitSealed('AcceptRenewal', [], signedSecrets(signed), (shell) => this.get(shell.id));
  }

  /** Gateway: brings a signed `RequestRenewal` (the enterprise asks to renew, annex 4). @throws RdxSdkError */
  requestRenewalSigned(signed: SignedRequest): Promise<Committed<Agreement>> {
    return this.submitSealed('RequestRenewal', [], signedSecrets(signed), (shell) => this.get(shell.id));
  }

  /** Body: approves the enterprise's renewal request; renewed at once. @throws RdxSdkError INVALID_STATE */
  approveRenewalRequest(id: string): Promise<Committed<Agreement>> {
    return this.submitSealed('ApproveRenewalRequest', [id], {}, () => this.get(id));
  }

  /** Body: declines the enterprise's renewal request, with a reason. @throws RdxSdkError INVALID_STATE */
  declineRenewalRequest(args: { id: string; reason: string }): Promise<Committed<Agreement>> {
    return this.submitSealed('DeclineRenewalRequest', [args.id], { reason: args.reason }, () =>
      this.get(args.id),
    );
  }

  /**
   * Clerk service, bureau or owning body: ends an agreement whose notice period has run, with its grants; the
   * result is the shell. @throws RdxSdkError INVALID_STATE when it is not due or already ended
   */
  completeTermination(id: string): Promise<Committed<AgreementShell>> {
    return this.submit('CompleteTermination', id);
  }

  /**
   * Body or bureau: notice of termination with its reason (confidential) and date. It takes effect after the
   * agreement's notice period (`termination.effectiveOn`; at once when that day has come): the grants serve
   * until then. @throws RdxSdkError
   */
  terminate(args: { id: string; reason: string; noticeDate: string }): Promise<Committed<Agreement>> {
    return this.submitSealed(
      'TerminateAgreement',
      [args.id, requireDate(args.noticeDate, 'noticeDate')],
      { reason: args.reason },
      () => this.get(args.id),
    );
  }

  /** Gateway: brings a signed `TerminateAgreement`. @throws RdxSdkError */
  terminateAsEnterpriseSigned(signed: SignedRequest): Promise<Committed<Agreement>> {
    return this.submitSealed('TerminateAgreementAsEnterprise', [], signedSecrets(signed), (shell) =>
      this.get(shell.id),
    );
  }

  /** One agreement. @throws RdxSdkError NOT_FOUND, FORBIDDEN */
  get(id: string): Promise<Agreement> {
    return this.evaluate('GetAgreement', id);
  }
}

/**
 * `grant`: suspension, restoration, withdrawal, termination, expiry.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class GrantApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'grant');
  }

  /** Owner or bureau (中止): access stops on every gateway. @throws RdxSdkError */
  suspend(args: { id: string; reason: SuspendReason; note: string }): Promise<Committed<Grant>> {
    return this.submitSealed('SuspendGrant', [args.id, args.reason], { note: args.note }, () =>
      this.get(args.id),
    );
  }

  /**
   * Whoever suspended it for a violation or a rectification, or the bureau (Z39 整改意见): the day the enterprise
   * must have rectified by. @throws RdxSdkError INVALID_STATE, INVALID_ARGUMENT, FORBIDDEN
   */
  requireRectification(args: { id: string; rectifyBy: string }): Promise<Committed<Grant>> {
    const rectifyBy = requireDate(args.rectifyBy, 'rectifyBy');
    return this.submitSealed('RequireRectification', [args.id, rectifyBy], {}, () => this.get(args.id));
  }

  /**
   * The party that suspended it, or the bureau (恢复开放): reopens a suspended grant.
   * @throws RdxSdkError INVALID_STATE, RATING_INSUFFICIENT; FORBIDDEN for a body lifting the bureau's suspension
   */
  restore(args: { id: string; note?: string }): Promise<Committed<Grant>> {
    return this.submitSealed('RestoreGrant', [args.id], args.note ? { note: args.note } : {}, () =>
      this.get(args.id),
    );
  }

  /** Owner (撤回): withdraws for good. @throws RdxSdkError */
  withdraw(args: { id: string; note: string }): Promise<Committed<Grant>> {
    return this.submitSealed('WithdrawGrant', [args.id], { note: args.note }, () => this.get(args.id));
  }

  /** Owner or bureau (终止). @throws RdxSdkError */
  terminate(args: { id: string; note: string }): Promise<Committed<Grant>> {
    return this.submitSealed('TerminateGrant', [args.id], { note: args.note }, () => this.get(args.id));
  }

  /** Marks a grant past its validity as expired. @throws RdxSdkError INVALID_STATE while valid */
  expire(id: string): Promise<Committed<Grant>> {
    return this.submitSealed('ExpireGrant', [id], {}, () => this.get(id));
  }

  /**
   * The clerk service: marks a grant past its validity as expired, and gets back the grant as the block holds
   * it (the clerk may not read whole grants). @throws RdxSdkError INVALID_STATE while valid or no longer live
   */
  expireAsClerk(id: string): Promise<Committed<GrantShell>> {
    return this.submit('ExpireGrant', id);
  }

  /** One grant. @throws RdxSdkError NOT_FOUND, FORBIDDEN */
  get(id: string): Promise<Grant> {
    return this.evaluate('GetGrant', id);
  }

  /** One page of grants. @throws RdxSdkError */
  list(filter: GrantFilter = {}, page: PageOptions = {}): Promise<Page<Grant>> {
    return this.evaluate(
      'ListGrants',
      JSON.stringify(filter),
      String(page.pageSize ?? 50),
      page.bookmark ?? '',
    );
  }

  /** Every grant matching `filter`, page by page. @throws RdxSdkError */
  async *all(filter: GrantFilter = {}, pageSize = 100): AsyncGenerator<Grant> {
    let bookmark = '';
    do {
      const page = await this.list(filter, { pageSize, bookmark });
      yield* page.items;
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }
}

/**
 * `complaint`: complaints and opinions.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class ComplaintApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'complaint');
  }

  /** Owner or bureau: records a complaint, optionally suspending the grant at once. @throws RdxSdkError */
  file(input: ComplaintInput): Promise<Committed<Complaint>> {
    return this.submitSealed('FileComplaint', [], { complaint: JSON.stringify(input) }, (shell) =>
      this.get(shell.id),
    );
  }

  /** Owner: the outcome (its note confidential). @throws RdxSdkError INVALID_STATE */
  resolve(args: { id: string; decision: ComplaintOutcome; note: string }): Promise<Committed<Complaint>> {
    return this.submitSealed('ResolveComplaint', [args.id, args.decision], { note: args.note }, () =>
      this.get(args.id),
    );
  }

  /** Owner: records how and when the complainant was told. @throws RdxSdkError */
  recordNotification(args: {
    id: string;
    channel: NotificationChannel;
    notifiedOn: string;
    summaryHash: string;
  }): Promise<Committed<Complaint>> {
    return this.submitSealed(
      'RecordNotification',
      [args.id, args.channel, requireDate(args.notifiedOn, 'notifiedOn'), args.summaryHash],
      {},
      () => this.get(args.id),
    );
  }

  /** One complaint. @throws RdxSdkError NOT_FOUND, FORBIDDEN */
  get(id: string): Promise<Complaint> {
    return this.evaluate('GetComplaint', id);
  }

  /**
   * Owner or bureau, on verifying an open complaint: suspends its grant, or every active grant on its dataset.
   * @throws RdxSdkError INVALID_STATE when it is resolved or nothing is active
   */
  suspend(id: string): Promise<Committed<Complaint>> {
    return this.submitSealed('SuspendForComplaint', [id], {}, () => this.get(id));
  }

  /**
   * One page of complaints (no complainants): all or one `body`'s for the bureau, regulators and the gateway, a
   * body's own. @throws RdxSdkError
   */
  list(
    filter: { state?: Complaint['state']; body?: string } = {},
    page: PageOptions = {},
  ): Promise<Page<Complaint>> {
    return this.evaluate(
      'ListComplaints',
      JSON.stringify(filter),
      String(page.pageSize ?? 50),
      page.bookmark ?? '',
    );
  }

  /** Gateway: brings an enterprise's signed `FileComplaint`; the result is the shell. @throws RdxSdkError */
  fileSigned(signed: SignedRequest): Promise<Committed<Complaint>> {
    return this.submitWith('FileComplaintAsEnterprise', [], signedSecrets(signed));
  }

  /** Gateway: a complaint from its public route, the contact already hashed. @throws RdxSdkError */
  fileFromPublic(
    input: PlatformComplaint & { id: string; contactHash: string; receiptHash: string },
  ): Promise<Committed<Complaint>> {
    return this.submitWith('FileComplaintFromPublic', [], { complaint: JSON.stringify(input) });
  }

  /** Gateway: where a complaint filed through the platform stands, given its receipt's SHA-256. @throws RdxSdkError NOT_FOUND */
  status(id: string, receiptHash: string): Promise<ComplaintStatus> {
    return this.evaluate('GetComplaintStatus', id, receiptHash);
  }
}

/**
 * `duty`: the enterprise's duties (through the gateway) and the bureau's credit evaluations.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class DutyApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'duty');
  }

  /** Gateway: a signed `ReportUsage`. @throws RdxSdkError */
  reportUsageSigned(signed: SignedRequest): Promise<Committed<Duty>> {
    return this.submitWith('ReportUsage', [], signedSecrets(signed));
  }

  /** Gateway: a signed `ReturnData`. @throws RdxSdkError */
  returnDataSigned(signed: SignedRequest): Promise<Committed<Duty>> {
    return this.submitWith('ReturnData', [], signedSecrets(signed));
  }

  /** Gateway: a signed `PublishProduct`. @throws RdxSdkError */
  publishProductSigned(signed: SignedRequest): Promise<Committed<Duty>> {
    return this.submitWith('PublishProduct', [], signedSecrets(signed));
  }

  /** Gateway: a signed `ReportSecurityIssue`. @throws RdxSdkError */
  reportSecurityIssueSigned(signed: SignedRequest): Promise<Committed<Duty>> {
    return this.submitWith('ReportSecurityIssue', [], signedSecrets(signed));
  }

  /** One report or duty record: bureau, regulators, the gateway and the owning body. @throws RdxSdkError NOT_FOUND */
  get(id: string): Promise<Duty> {
    return this.evaluate('GetDuty', id);
  }

  /**
   * One page of reports and duty records by `{ agreement }`, `{ body }` or `{ kind }` (`body` with an optional
   * `kind`); an opening body gets those under its own agreements. @throws RdxSdkError
   */
  list(
    filter: { agreement?: string; body?: string; kind?: Duty['kind'] } = {},
    page: PageOptions = {},
  ): Promise<Page<Duty>> {
    return this.evaluate(
      'ListDuties',
      JSON.stringify(filter),
      String(page.pageSize ?? 50),
      page.bookmark ?? '',
    );
  }

  /** Bureau and regulators: the facts behind a credit evaluation and the grade they support. @throws RdxSdkError */
  proposeCreditEvaluation(creditCode: string, period: string): Promise<CreditFacts> {
    return this.evaluate('ProposeCreditEvaluation', requireUserCode(creditCode), period);
  }

  /**
   * Bureau: publishes a credit evaluation (信用评价), with the facts it rests on.
   * @throws RdxSdkError INVALID_ARGUMENT when the grade is not the facts' and no overrideReason is given
   */
  publishCreditEvaluation(input: CreditEvaluationInput): Promise<Committed<CreditEvaluation>> {
    requireUserCode(input.creditCode);
    return this.submit('PublishCreditEvaluation', JSON.stringify(input));
  }
}

/**
 * `audit`: anchors of the gateways' access logs.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class AuditApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'audit');
  }

  /**
   * Bureau: names the certificate (PEM) that anchors under `gatewayId`; again with a renewed certificate to
   * hand the chain over. @throws RdxSdkError FORBIDDEN, INVALID_ARGUMENT
   */
  registerGateway(gatewayId: string, certificatePem: string): Promise<Committed<GatewayRegistration>> {
    return this.submit('RegisterGateway', gatewayId, certificatePem);
  }

  /** Which certificate anchors under `gatewayId`. @throws RdxSdkError NOT_FOUND when not registered */
  getGateway(gatewayId: string): Promise<GatewayRegistration> {
    return this.evaluate('GetGateway', gatewayId);
  }

  /**
   * Gateway: anchors the next batch of its log. @throws RdxSdkError ANCHOR_CHAIN_BROKEN, FORBIDDEN when the
   * gateway id is not registered to this gateway's certificate
   */
  submitAnchor(anchor: AnchorInput): Promise<Committed<LedgerAnchor>> {
    return this.submit('SubmitAnchor', JSON.stringify(anchor));
  }

  /**
   * Gateway: records SHA-256 of grant `grantId`'s fingerprint key, once (the same again is answered as
   * recorded). @throws RdxSdkError ALREADY_EXISTS for another commitment, NOT_FOUND for no such grant
   */
  commitFingerprint(grantId: string, commitment: string): Promise<Committed<FingerprintCommitment>> {
    return this.submit('CommitFingerprint', grantId, commitment);
  }

  /** The commitment to a grant's fingerprint key. @throws RdxSdkError NOT_FOUND when none is recorded */
  fingerprintCommitment(grantId: string): Promise<FingerprintCommitment> {
    return this.evaluate('GetFingerprintCommitment', grantId);
  }

  /** One anchor. @throws RdxSdkError NOT_FOUND */
  getAnchor(gatewayId: string, sequence: number): Promise<LedgerAnchor> {
    return this.evaluate('GetAnchor', gatewayId, String(sequence));
  }

  /** The last anchor of a gateway (sequence 0 when none). @throws RdxSdkError */
  getAnchorHead(gatewayId: string): Promise<AnchorHead> {
    return this.evaluate('GetAnchorHead', gatewayId);
  }

  /**
   * Anchors `from`..`to` of a gateway's chain (default: all of it), in order, read a few at a time.
   * @throws RdxSdkError
   */
  async anchors(gatewayId: string, range: { from?: number; to?: number } = {}): Promise<LedgerAnchor[]> {
    const to = range.to ?? (await this.getAnchorHead(gatewayId)).sequence;
    const from = Math.max(1, range.from ?? 1);
    const out: LedgerAnchor[] = [];
    // A handful in flight: fast enough for long chains without flooding the peer.
    for (let start = from; start <= to; start += 8) {
      const batch = [];
      for (let s = start; s <= Math.min(to, start + 7); s++) batch.push(this.getAnchor(gatewayId, s));
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }
}

/**
 * `query`: history, overdue items and the public views.
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class QueryApi extends ContractApi {
  /** @param transport the identity to act as. */
  constructor(transport: LedgerTransport) {
    super(transport, 'query');
  }

  /** Every version of an object, newest first. @throws RdxSdkError NOT_FOUND, FORBIDDEN (bodies) */
  history(type: HistoryType, id: string): Promise<HistoryEntry[]> {
    return this.evaluate('GetHistory', type, id);
  }

  /** Items past their deadline (bureau, regulators). @throws RdxSdkError */
  overdue(): Promise<OverdueItem[]> {
    return this.evaluate('ListOverdue');
  }

  /** Review steps due within `days` working days (default 3), with who owes each. @throws RdxSdkError */
  reviewsDueSoon(days = 3): Promise<DueSoonItem[]> {
    return this.evaluate('ListReviewsDueSoon', String(days));
  }

  /** Duties under agreements in force due within `days` calendar days (default 7), with who owes each. @throws RdxSdkError */
  dutiesDueSoon(days = 7): Promise<DutyDueSoonItem[]> {
    return this.evaluate('ListDutiesDueSoon', String(days));
  }

  /**
   * Clerk service, bureau, regulators: of one page of `state` grants, those past their last valid day.
   * @throws RdxSdkError
   */
  grantsDue(state: 'ACTIVE' | 'SUSPENDED', page: PageOptions = {}): Promise<DuePage> {
    return this.evaluate('ListGrantsDue', state, String(page.pageSize ?? 200), page.bookmark ?? '');
  }

  /**
   * Bureau, regulators, gateway: how each opening body performed in a period (`2026` or `2026Q4`, L23, Z38); an
   * opening body gets its own. @throws RdxSdkError INVALID_ARGUMENT for another period form
   */
  bodyPerformance(period: string): Promise<BodyPerformance[]> {
    return this.evaluate('BodyPerformance', period);
  }

  /**
   * Clerk service, bureau, regulators: of one page of agreements under notice, those whose notice period has run
   * (`validUntil` is the day the termination takes effect). @throws RdxSdkError
   */
  terminationsDue(page: PageOptions = {}): Promise<DuePage> {
    return this.evaluate('ListTerminationsDue', String(page.pageSize ?? 200), page.bookmark ?? '');
  }

  /** Clerk service, bureau, regulators: of one page of enterprises, the ratings past their validity. @throws RdxSdkError */
  ratingsDue(page: PageOptions = {}): Promise<DuePage> {
    return this.evaluate('ListRatingsDue', String(page.pageSize ?? 200), page.bookmark ?? '');
  }

  /** One page of applications by `{ state }` or `{ enterprise }`. @throws RdxSdkError */
  listApplications(
    filter: { state?: ApplicationState; enterprise?: string } = {},
    page: PageOptions = {},
  ): Promise<Page<Application>> {
    return this.evaluate(
      'ListApplications',
      JSON.stringify(filter),
      String(page.pageSize ?? 50),
      page.bookmark ?? '',
    );
  }

  /**
   * The public recipients list (名单信息), oldest grant first. Read a page at a time: the whole list of a
   * city's ledger does not fit one answer. @throws RdxSdkError
   */
  async recipients(): Promise<Recipient[]> {
    const rows: Recipient[] = [];
    let bookmark = '';
    do {
      const page = await this.evaluate<{ items: Recipient[]; bookmark: string }>(
        'ListRecipientsPage',
        '1000',
        bookmark,
      );
      rows.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    return rows.sort(compareRecipients);
  }

  /** The public credit evaluations (信用评价). @throws RdxSdkError */
  creditEvaluations(): Promise<CreditEvaluation[]> {
    return this.evaluate('ListCreditEvaluations');
  }
}

/**
 * Committed transactions as the peer's ledger records them (the system chaincode qscc).
 * Its methods throw {@link RdxSdkError}: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
 */
export class TransactionsApi {
  /** @param connection the identity to read as. */
  constructor(private readonly connection: LedgerConnection) {}

  /**
   * Who proposed and who endorsed a committed transaction, what it invoked, and whether it was valid.
   * @throws RdxSdkError NOT_FOUND when the peer has no such transaction.
   */
  async get(txId: string): Promise<TransactionInfo> {
    if (!/^[0-9a-f]{64}$/.test(txId))
      throw new InputError('INVALID_ARGUMENT', `a transaction id is 64 hex digits, got "${txId}"`);
    let bytes: Uint8Array;
    try {
      bytes = await this.connection.network
        .getContract('qscc')
        .evaluateTransaction('GetTransactionByID', this.connection.network.getName(), txId);
    } catch (err) {
      const e = err as { details?: { message?: string }[]; message?: string };
      const text = [e.message ?? '', ...(e.details ?? []).map((d) => d.message ?? '')].join(' ');
      if (/not found|no such transaction/i.test(text))
        throw new InputError(
          'NOT_FOUND',
          `no transaction ${txId} on channel ${this.connection.network.getName()}`,
        );
      throw fromLedgerError(err, 'qscc:GetTransactionByID');
    }
    return decodeProcessedTransaction(bytes);
  }
}

/**
 * Decodes qscc's ProcessedTransaction: channel header (id, time), creator, invoked function, endorsers.
 * @throws InputError INVALID_ARGUMENT when the bytes are not an endorser transaction.
 */
export function decodeProcessedTransaction(bytes: Uint8Array): TransactionInfo {
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope();
  if (!envelope)
    throw new InputError('INVALID_ARGUMENT', 'the peer returned a transaction without an envelope');
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  if (!header) throw new InputError('INVALID_ARGUMENT', 'the transaction has no header');
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const first = transaction.getActionsList()[0];
  if (!first) throw new InputError('INVALID_ARGUMENT', 'the transaction has no chaincode action');
  const action = peer.ChaincodeActionPayload.deserializeBinary(first.getPayload_asU8());
  const proposal = peer.ChaincodeProposalPayload.deserializeBinary(action.getChaincodeProposalPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8());
  const spec = invocation.getChaincodeSpec();
  const fnBytes = spec?.getInput()?.getArgsList_asU8()[0];
  const endorsers = (action.getAction()?.getEndorsementsList() ?? []).map((e) =>
    msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid(),
  );
  // google-protobuf's Timestamp ships without types here: read it through the two getters it has.
  const timestamp = channelHeader.getTimestamp() as unknown as
    { getSeconds(): number; getNanos(): number } | undefined;
  return {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    // Milliseconds rounded down, as the chaincode's GetHistory reports the same timestamp.
    time: timestamp
      ? new Date(timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6)).toISOString()
      : '',
    function: fnBytes ? Buffer.from(fnBytes).toString('utf8') : '',
    chaincode: spec?.getChaincodeId()?.getName() ?? '',
    creator: { mspId: creator.getMspid(), subject: subjectOf(creator.getIdBytes_asU8()) },
    endorsers: [...new Set(endorsers)].sort(),
    validationCode: processed.getValidationcode(),
    validation: validationName(processed.getValidationcode()),
  };
}

function subjectOf(certificate: Uint8Array): string {
  try {
    return new X509Certificate(Buffer.from(certificate)).subject.replace(/\n/g, ', ');
  } catch {
    return '';
  }
}

/**
 * Every contract of the rdx chaincode as one identity, plus qscc reads. close() releases the connection.
 * Every method of its contracts throws {@link RdxSdkError} (see each class).
 */
export class RdxLedger {
  readonly platform: PlatformApi;
  readonly enterprise: EnterpriseApi;
  readonly catalog: CatalogApi;
  readonly application: ApplicationApi;
  readonly agreement: AgreementApi;
  readonly grant: GrantApi;
  readonly complaint: ComplaintApi;
  readonly duty: DutyApi;
  readonly audit: AuditApi;
  readonly query: QueryApi;
  private readonly fabric: LedgerConnection | undefined;

  /**
   * @param connection an open Fabric connection (from {@link connectIdentity}; {@link close} closes it), or
   *   any {@link LedgerTransport} (then `transactions` and `connection` are not available).
   */
  constructor(connection: LedgerConnection | LedgerTransport) {
    const fabric = 'network' in connection ? connection : undefined;
    const transport = fabric ? fabricTransport(fabric) : (connection as LedgerTransport);
    this.fabric = fabric;
    this.platform = new PlatformApi(transport);
    this.enterprise = new EnterpriseApi(transport);
    this.catalog = new CatalogApi(transport);
    this.application = new ApplicationApi(transport);
    this.agreement = new AgreementApi(transport);
    this.grant = new GrantApi(transport);
    this.complaint = new ComplaintApi(transport);
    this.duty = new DutyApi(transport);
    this.audit = new AuditApi(transport);
    this.query = new QueryApi(transport);
  }

  /** The Fabric connection underneath. @throws InputError when this ledger runs over a bare transport. */
  get connection(): LedgerConnection {
    if (!this.fabric)
      throw new InputError(
        'INVALID_ARGUMENT',
        'this RdxLedger runs over a bare transport, not a Fabric connection',
      );
    return this.fabric;
  }

  /** Committed transactions as the peer records them (qscc); needs a Fabric connection. */
  get transactions(): TransactionsApi {
    return new TransactionsApi(this.connection);
  }

  /**
   * Connects as a wallet identity (e.g. `admin.market`).
   * @throws WalletError when the wallet has no such identity.
   */
  static fromWallet(walletDir: string, name: string, deadlines?: DeadlineOptions): RdxLedger {
    return new RdxLedger(connectIdentity(loadWalletIdentity(walletDir, name), deadlines));
  }

  /**
   * Releases the gRPC connection.
   * Never throws.
   */
  close(): void {
    this.fabric?.close();
  }
}
