/**
 * Hostile input, property-based (fast-check), on the in-memory ledger: every chaincode function gets random
 * strings and JSON for each argument, from every kind of caller; JSON arguments and signed enterprise
 * requests also get valid inputs with one or more fields replaced, removed or added. Whatever comes in:
 *
 *   - the function either succeeds with a JSON result, or refuses with an RdxError carrying a known code
 *     (never a TypeError, RangeError, or any other crash that Fabric would report without a code);
 *   - a refused call changes nothing: state, events and key-level policies are as before.
 *
 * The seed is fixed so a failure reproduces; RDX_FC_SEED and RDX_FC_RUNS explore further.
 */
import { expect } from 'chai';
import 'reflect-metadata';
import fc from 'fast-check';
import { contracts } from '../index';
import { CALENDAR_SEED } from '../data/calendar-seed';
import { RdxContext } from '../lib/context';
import { ErrorCode, RdxError, errorCodeOf } from '../lib/errors';
import {
  EnterpriseKey,
  IDS,
  secret,
  type FakeLedger,
  type Identity,
  type TxExtras,
} from '../testing/fake-ledger';
import {
  C,
  CODES,
  INVALID_CODE,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  World,
  applicationBody,
  complaintInput,
  demand,
  enterpriseInput,
  marketEntitiesInput,
  ratingInput,
  sha,
  stateKey,
  signedRequest,
} from '../testing/world';

const SEED = Number(process.env.RDX_FC_SEED ?? 20_261_127);
const RUNS = Number(process.env.RDX_FC_RUNS ?? 100);

const CALLERS: Identity[] = [
  IDS.bureau,
  IDS.bureauReviewer,
  IDS.market,
  IDS.transport,
  IDS.regulator,
  IDS.gateway,
  IDS.stranger,
  IDS.bureauNoRole,
  IDS.marketGatewayRole,
];

const INSTANCES = contracts.map((K) => new K());
const contractOf = (name: string): (typeof INSTANCES)[number] => INSTANCES.find((c) => c.getName() === name)!;

/** Every declared transaction with its number of arguments (Fabric passes exactly that many strings). */
const FUNCTIONS: { contract: string; fn: string; arity: number }[] = contracts.flatMap((K) => {
  const name = new K().getName();
  return (
    (Reflect.getMetadata('fabric:transactions', K.prototype) ?? []) as {
      name: string;
      parameters?: unknown[];
    }[]
  ).map((tx) => ({ contract: name, fn: tx.name, arity: (tx.parameters ?? []).length }));
});

const AGREEMENT = 'app-1.MarketMSP';
const GRANT = `${AGREEMENT}.${MARKET_ENTITIES}`;

/** Values that mean something to the world below, so random calls also reach past "not found". */
const KNOWN = [
  CODES.aa,
  CODES.aaa,
  CODES.a,
  CODES.spare,
  INVALID_CODE,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  'app-1',
  'app-2',
  AGREEMENT,
  GRANT,
  'c-1',
  'gw-1',
  '1',
  '0',
  '-1',
  '1e308',
  'NaN',
  '2025',
  'MarketMSP',
  'TransportMSP',
  'BureauMSP',
  'grant',
  'application',
  'approve',
  'reject',
  'escalate',
  'accept',
  'return',
  'violation',
  'complaint',
  'restore',
  'withdraw',
  'dismiss',
  'phone',
  '2025-03-03',
  '2025-02-30',
  sha('x'),
  '{}',
  '[]',
  'null',
  'true',
  '""',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '',
  ' ',
  '\u0000',
  '\uffff',
  '\ud800',
  '𠮷'.repeat(40),
];

/** Any string a caller could send as one argument. */
const anyArg: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify({ id: 'x', items: v, ...Object(v) })) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(70_000), '9'.repeat(5000), '['.repeat(2000)) },
);

// ---- the world ----------------------------------------------------------------------------------------

const SPARE_KEY = new EnterpriseKey();

/** A world with an agreement in force (AA, market-entities), a drafted one, a complaint and an anchor. */
async function richWorld(): Promise<World> {
  const w = await World.create();
  await w.activeGrants(w.aa, 'app-1');
  await w.approvedApplication(w.aaa, 'app-2', [demand(MARKET_ENTITIES)]);
  await w.draft(IDS.market, 'app-2', w.termsFor(IDS.market, [demand(MARKET_ENTITIES)]));
  await w.submit(w.aa, 'app-3', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
  await w.invoke(
    IDS.market,
    C.complaint,
    'FileComplaint',
    secret({ complaint: JSON.stringify(complaintInput(GRANT)) }),
  );
  await w.registerGateway();
  await w.invoke(IDS.gateway, C.audit, 'SubmitAnchor', JSON.stringify(anchorInput()));
  return w;
}

function anchorInput(): Record<string, unknown> {
  return {
    gatewayId: 'gw-1',
    sequence: 1,
    merkleRoot: sha('batch 1'),
    recordCount: 100,
    firstRecord: 0,
    firstRecordAt: '2025-03-01T00:00:00.000Z',
    lastRecordAt: '2025-03-01T23:59:59.000Z',
    previousAnchorHash: '0'.repeat(64),
  };
}

/** Reads a ledger object as stored, without a transaction (so the world is left exactly as built). */
function storedObject(w: World, type: string, id: string): Record<string, unknown> | undefined {
  const raw = w.ledger.state.get(stateKey(type, id));
  return raw === undefined ? undefined : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
}

/** The rich world holds what the random calls are meant to find, so they reach past "not found". */
function expectRichWorld(w: World): void {
  expect(storedObject(w, 'agreement', AGREEMENT), 'agreement in force').to.include({ state: 'IN_FORCE' });
  expect(storedObject(w, 'grant', GRANT), 'its grant').to.include({ state: 'ACTIVE' });
  expect(storedObject(w, 'agreement', 'app-2.MarketMSP'), 'drafted agreement').to.include({ state: 'DRAFT' });
  expect(storedObject(w, 'application', 'app-3'), 'submitted application').to.include({
    state: 'FORMAL_REVIEW',
  });
  expect(storedObject(w, 'complaint', 'c-1'), 'complaint').to.include({ grantId: GRANT });
  expect(storedObject(w, 'anchor', 'gw-1.000000000001'), 'anchor').to.include({ sequence: 1 });
}

const WORLD_CHECK =
  'runs on a world with an agreement in force, a draft, an application, a complaint and an anchor';

// ---- the property ---------------------------------------------------------------------------------------

function preview(args: Args): string {
  const text = (a: string): string => JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}…(${a.length})` : a);
  return args
    .map((a) => (typeof a === 'string' ? text(a) : `transient ${text(JSON.stringify(a.transient))}`))
    .join(', ');
}

function policiesOf(l: FakeLedger): string {
  return JSON.stringify([...l.policies].map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

/**
 * Calls `contract:fn(args)` as `who` and checks the property. Returns the refusal code, or 'OK'.
 */
async function check(w: World, who: Identity, contract: string, fn: string, args: Args): Promise<string> {
  const code = await checkOnce(w, who, contract, fn, args);
  OUTCOMES.set(code, (OUTCOMES.get(code) ?? 0) + 1);
  return code;
}

/** How the calls of this file ended, by code: shows the inputs reach past the first checks. */
const OUTCOMES = new Map<string, number>();

async function checkOnce(w: World, who: Identity, contract: string, fn: string, args: Args): Promise<string> {
  const before = w.ledger.snapshot();
  const events = w.ledger.events.length;
  const policies = policiesOf(w.ledger);
  const where = `${contract}:${fn}(${preview(args)}) as ${who.cn}`;
  let result: string;
  try {
    result = await w.invoke(who, contractOf(contract), fn, ...args);
  } catch (err) {
    if (!(err instanceof RdxError))
      expect.fail(`${where} crashed with ${(err as Error)?.name}: ${(err as Error)?.message}`);
    expect(ErrorCode, `${where}: unknown code ${err.code}`).to.have.own.property(err.code);
    expect(errorCodeOf(err.message), `${where}: the message carries its code`).to.equal(err.code);
    expect(w.ledger.snapshot(), `${where}: a refused call wrote nothing`).to.equal(before);
    expect(w.ledger.events.length, `${where}: a refused call emitted no event`).to.equal(events);
    expect(policiesOf(w.ledger), `${where}: a refused call set no policy`).to.equal(policies);
    return err.code;
  }
  expect(typeof result, where).to.equal('string');
  expect(() => JSON.parse(result) as unknown, `${where}: the result is JSON`).not.to.throw();
  return 'OK';
}

const params = (runs = RUNS): fc.Parameters<unknown> => ({ seed: SEED, numRuns: runs, endOnFailure: true });

type Args = (string | TxExtras)[];

describe('hostile input (property-based)', () => {
  describe('every function, random arguments, any caller: a coded refusal or a JSON result; a refusal writes nothing', () => {
    let w: World;
    before(async () => {
      w = await richWorld();
    });
    it(WORLD_CHECK, () => {
      expectRichWorld(w);
    });
    for (const { contract, fn, arity } of FUNCTIONS) {
      it(`${contract}:${fn}`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...CALLERS),
            fc.array(anyArg, { minLength: arity, maxLength: arity }),
            async (who, args) => {
              await check(w, who, contract, fn, args);
            },
          ),
          params(),
        );
      });
    }
  });

  // ---- valid inputs, mutated ------------------------------------------------------------------------------

  type JsonObject = Record<string, unknown>;

  /** Paths to every value inside a JSON object, e.g. ['rating', 'level'] or ['demands', 0, 'items', 1]. */
  function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    const out: (string | number)[][] = prefix.length ? [prefix] : [];
    if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
    return out;
  }

  interface Mutation {
    path: (string | number)[];
    op: 'set' | 'delete' | 'add';
    value: unknown;
    key: string;
  }

  function mutate(template: JsonObject, mutations: Mutation[]): JsonObject {
    const copy = structuredClone(template);
    for (const m of mutations) {
      const parentPath = m.op === 'add' ? m.path : m.path.slice(0, -1);
      let parent: unknown = copy;
      for (const step of parentPath) parent = (parent as Record<string | number, unknown>)?.[step];
      if (!parent || typeof parent !== 'object') continue;
      const target = parent as Record<string | number, unknown>;
      const last = m.path[m.path.length - 1];
      if (m.op === 'add') target[m.key] = m.value;
      else if (last === undefined) continue;
      else if (m.op === 'delete') {
        if (Array.isArray(target) && typeof last === 'number') target.splice(last, 1);
        else delete target[last];
      } else target[last] = m.value;
    }
    return copy;
  }

  /** A template with one to three random edits: a field replaced by any JSON value, removed, or added. */
  function mutated(template: JsonObject): fc.Arbitrary<JsonObject> {
    const paths = pathsOf(template);
    const edit: fc.Arbitrary<Mutation> = fc.record({
      path: fc.constantFrom([] as (string | number)[], ...paths),
      op: fc.constantFrom('set' as const, 'set' as const, 'delete' as const, 'add' as const),
      value: fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(...KNOWN),
        fc.string({ unit: 'binary' }),
        fc.constantFrom(-1, 0, 1.5, 1e21, Number.MAX_SAFE_INTEGER + 2, null, true, [], {}, 'x'.repeat(3000), [
          'a',
          'a',
        ]),
      ),
      key: fc.oneof(
        fc.string(),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'id', 'state', 'owner'),
      ),
    });
    return fc.array(edit, { minLength: 1, maxLength: 3 }).map((ms) => mutate(template, ms));
  }

  interface JsonCase {
    fn: string;
    who: Identity;
    /** The arguments, given the mutated JSON object. */
    args: (json: JsonObject, w: World) => Args;
    template: (w: World) => JsonObject;
  }

  const JSON_CASES: JsonCase[] = [
    {
      fn: 'platform:SetCalendarYear',
      who: IDS.bureau,
      template: () => ({ ...CALENDAR_SEED[1]! }),
      args: (j) => [JSON.stringify(j)],
    },
    {
      fn: 'enterprise:OnboardEnterprise',
      who: IDS.bureau,
      template: () =>
        enterpriseInput(
          CODES.spare,
          '丽水某数据公司',
          SPARE_KEY.publicKeyPem,
          ratingInput('AA'),
        ) as unknown as JsonObject,
      args: (j) => [JSON.stringify(j)],
    },
    {
      fn: 'enterprise:RateEnterprise',
      who: IDS.bureau,
      template: () => ratingInput('AA'),
      args: (j) => [CODES.aaa, JSON.stringify(j)],
    },
    {
      fn: 'catalog:RegisterDataset',
      who: IDS.market,
      template: () => ({ ...marketEntitiesInput(), id: 'new-dataset' }),
      args: (j) => [JSON.stringify(j)],
    },
    {
      fn: 'catalog:UpdateDataset',
      who: IDS.market,
      template: () => marketEntitiesInput() as unknown as JsonObject,
      args: (j) => [JSON.stringify(j)],
    },
    {
      fn: 'agreement:DraftAgreement',
      who: IDS.market,
      template: (w) => w.termsFor(IDS.market, [demand(MARKET_ENTITIES)]),
      args: (j) => ['app-2', secret({ terms: JSON.stringify(j) })],
    },
    {
      fn: 'grant:ListGrants',
      who: IDS.regulator,
      template: () => ({ enterprise: CODES.aa, state: 'ACTIVE' }),
      args: (j) => [JSON.stringify(j), '20', ''],
    },
    {
      fn: 'query:ListApplications',
      who: IDS.bureau,
      template: () => ({ state: 'FORMAL_REVIEW', enterprise: CODES.aa }),
      args: (j) => [JSON.stringify(j), '20', ''],
    },
    {
      fn: 'complaint:FileComplaint',
      who: IDS.market,
      template: () => ({
        id: 'c-2',
        datasetId: MARKET_ENTITIES,
        grantId: GRANT,
        kind: 'complaint',
        category: 'rights',
        complainant: { kind: 'person', nameHash: sha('李四') },
        factsHash: sha('facts'),
        suspendNow: true,
      }),
      args: (j) => [secret({ complaint: JSON.stringify(j) })],
    },
    {
      fn: 'duty:PublishCreditEvaluation',
      who: IDS.bureau,
      template: () => ({ creditCode: CODES.aa, period: '2025', grade: 'good', summary: '按时履行义务' }),
      args: (j) => [JSON.stringify(j)],
    },
    {
      fn: 'audit:SubmitAnchor',
      who: IDS.gateway,
      template: () => ({ ...anchorInput(), sequence: 2, firstRecord: 100 }),
      args: (j) => [JSON.stringify(j)],
    },
  ];

  /** Signed enterprise actions: the envelope is signed correctly, so the body's validation is what is tested. */
  const SIGNED_CASES: { fn: string; action: string; template: (w: World) => JsonObject }[] = [
    {
      fn: 'application:SubmitApplication',
      action: 'SubmitApplication',
      template: () => applicationBody('app-9'),
    },
    {
      fn: 'application:ResubmitApplication',
      action: 'ResubmitApplication',
      template: () => applicationBody('app-3'),
    },
    {
      fn: 'application:DisputeReview',
      action: 'DisputeReview',
      template: () => ({ applicationId: 'app-3', body: 'MarketMSP', reason: '需求合理，请求协调' }),
    },
    {
      fn: 'agreement:SignAgreementAsEnterprise',
      action: 'SignAgreement',
      template: () => ({ agreementId: 'app-2.MarketMSP', termsHash: sha('terms') }),
    },
    {
      fn: 'agreement:AcceptRenewal',
      action: 'AcceptRenewal',
      template: () => ({ agreementId: AGREEMENT, validUntil: '2027-03-02' }),
    },
    {
      fn: 'agreement:TerminateAgreementAsEnterprise',
      action: 'TerminateAgreement',
      template: (w) => ({ agreementId: AGREEMENT, reason: '业务调整', noticeDate: w.today() }),
    },
    {
      fn: 'duty:ReportUsage',
      action: 'ReportUsage',
      template: () => ({ agreementId: AGREEMENT, period: '2025-Q1', callCount: 10, reportHash: sha('r') }),
    },
    {
      fn: 'duty:ReturnData',
      action: 'ReturnData',
      template: () => ({
        agreementId: AGREEMENT,
        datasetId: MARKET_ENTITIES,
        contentHash: sha('rows'),
        rowCount: 4,
      }),
    },
    {
      fn: 'duty:PublishProduct',
      action: 'PublishProduct',
      template: (w) => ({
        agreementId: AGREEMENT,
        name: '企业信用画像',
        address: 'https://credit.example.cn/p',
        publishedOn: w.today(),
      }),
    },
    {
      fn: 'duty:ReportSecurityIssue',
      action: 'ReportSecurityIssue',
      template: () => ({ agreementId: AGREEMENT, severity: 'high', descriptionHash: sha('d') }),
    },
  ];

  describe('valid JSON arguments with fields replaced, removed or added, from the caller who may act', () => {
    let w: World;
    before(async () => {
      w = await richWorld();
    });
    it(WORLD_CHECK, () => {
      expectRichWorld(w);
    });
    for (const c of JSON_CASES) {
      it(c.fn, async () => {
        const [contract, fn] = c.fn.split(':') as [string, string];
        await fc.assert(
          fc.asyncProperty(mutated(c.template(w)), async (json) => {
            await check(w, c.who, contract, fn, c.args(json, w));
          }),
          params(RUNS * 2),
        );
      });
    }
  });

  describe('signed enterprise requests with a valid signature over a mutated body, a wrong action or a wrong signer', () => {
    let w: World;
    before(async () => {
      w = await richWorld();
    });
    it(WORLD_CHECK, () => {
      expectRichWorld(w);
    });
    for (const c of SIGNED_CASES) {
      it(c.fn, async () => {
        const [contract, fn] = c.fn.split(':') as [string, string];
        await fc.assert(
          fc.asyncProperty(
            mutated(c.template(w)),
            fc.constantFrom(c.action, c.action, c.action, 'SubmitApplication', ''),
            fc.constantFrom(w.aa, w.aa, w.aa, w.aaa, w.a),
            async (body, action, e) => {
              await check(w, IDS.gateway, contract, fn, [w.sign(e, action, body)]);
            },
          ),
          params(RUNS * 2),
        );
      });
    }
  });

  // Mocha runs a suite's own tests before its nested suites: every test here sits in a nested suite, so they
  // run in the order written, and the outcome check below counts the calls above it.
  describe('mutated envelopes, and what all the random calls reached', () => {
    it('signed envelopes themselves mutated (action, creditCode, nonce, signedAt, body), signature kept', async () => {
      const w = await richWorld();
      const [request, signature] = w.signRaw(w.aa, 'ReportUsage', {
        agreementId: AGREEMENT,
        period: '2025-Q1',
        callCount: 1,
        reportHash: sha('r'),
      });
      await fc.assert(
        fc.asyncProperty(mutated(JSON.parse(request) as JsonObject), anyArg, async (envelope, sig) => {
          await check(w, IDS.gateway, 'duty', 'ReportUsage', [
            signedRequest([JSON.stringify(envelope), signature]),
          ]);
          await check(w, IDS.gateway, 'duty', 'ReportUsage', [
            signedRequest([JSON.stringify(envelope), sig]),
          ]);
        }),
        params(RUNS * 3),
      );
    });

    it('the random calls reached every kind of outcome, not only the first check', () => {
      console.log(`outcomes: ${JSON.stringify(Object.fromEntries([...OUTCOMES].sort()))}`);
      for (const code of [
        'OK',
        'FORBIDDEN',
        'INVALID_ARGUMENT',
        'NOT_FOUND',
        'BAD_SIGNATURE',
        'INVALID_STATE',
      ])
        expect(OUTCOMES.get(code) ?? 0, `some call ended ${code}`).to.be.above(0);
    });
  });

  // ---- bugs found -----------------------------------------------------------------------------------------

  describe('bugs found', () => {
    /** A signed-request envelope whose body nests `depth` arrays: small (2 bytes a level), validly framed. */
    function deeplyNested(w: World, depth: number): string {
      return (
        `{"action":"SubmitApplication","creditCode":"${CODES.aa}","nonce":"nonce-0000000000000001",` +
        `"signedAt":"${w.ledger.now.toISOString()}","body":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`
      );
    }

    it('a signed request nesting JSON deeply (6 KB) is refused with a code', async () => {
      const w = await richWorld();
      for (const depth of [3000, 20_000]) {
        const raw = deeplyNested(w, depth);
        expect(Buffer.byteLength(raw), 'within the 64 KB argument limit').to.be.below(64 * 1024);
        await check(w, IDS.gateway, 'application', 'SubmitApplication', [raw, 'A'.repeat(86)]);
      }
    });

    /**
     * Fabric's shim refuses an empty composite-key attribute with a plain Error ("object type or attribute not
     * a non-zero length string"); the in-memory ledger does not. With the shim's rule switched on, an empty id
     * must still be refused with a code, as the chaincode's own validation would.
     */
    function withFabricKeyRules(): () => void {
      const slot = Symbol('stub');
      const check = (attr: unknown): void => {
        if (!attr || typeof attr !== 'string')
          throw new Error('object type or attribute not a non-zero length string');
      };
      Object.defineProperty(RdxContext.prototype, 'stub', {
        configurable: true,
        get(this: Record<symbol, unknown>) {
          return this[slot];
        },
        set(this: Record<symbol, unknown>, stub: Record<string, (...a: unknown[]) => unknown>) {
          const composite = (type: unknown, attrs: unknown[]): void => {
            check(type);
            attrs.forEach(check);
          };
          this[slot] = {
            ...stub,
            createCompositeKey: (type: string, attrs: string[]) => (
              composite(type, attrs),
              stub.createCompositeKey!(type, attrs)
            ),
            getStateByPartialCompositeKey: (type: string, attrs: string[]) => (
              composite(type, attrs),
              stub.getStateByPartialCompositeKey!(type, attrs)
            ),
            getStateByPartialCompositeKeyWithPagination: (
              type: string,
              attrs: string[],
              ...rest: unknown[]
            ) => (
              composite(type, attrs),
              stub.getStateByPartialCompositeKeyWithPagination!(type, attrs, ...rest)
            ),
          };
        },
      });
      return () => delete (RdxContext.prototype as unknown as Record<string, unknown>).stub;
    }

    it('the Fabric key rule is emulated faithfully: an empty composite-key attribute throws', () => {
      const off = withFabricKeyRules();
      try {
        const ctx = new RdxContext();
        Object.assign(ctx, {
          stub: { createCompositeKey: (t: string, a: string[]) => `${t}:${a.join(':')}` },
        });
        expect(() => ctx.stub.createCompositeKey('grant', [''])).to.throw(/non-zero length/);
        expect(ctx.stub.createCompositeKey('grant', ['g1'])).to.equal('grant:g1');
      } finally {
        off();
      }
    });

    it('with Fabric’s key rules, an empty id is refused with a code (INVALID_ARGUMENT or NOT_FOUND), never a bare Error', async () => {
      const off = withFabricKeyRules();
      const crashed: string[] = [];
      try {
        const w = await richWorld();
        for (const { contract, fn, arity } of FUNCTIONS) {
          for (const who of [IDS.bureau, IDS.market, IDS.gateway, IDS.regulator]) {
            const variants = [Array<string>(arity).fill('')];
            if (fn === 'ListApplications' || fn === 'ListGrants')
              variants.push(['{"enterprise":""}', '10', ''], ['{"dataset":""}', '10', '']);
            for (const args of variants) {
              try {
                await check(w, who, contract, fn, args);
              } catch (err) {
                crashed.push(
                  `${contract}:${fn}(${preview(args)}) as ${who.cn}: ${(err as Error).message.split('\n')[0]}`,
                );
              }
            }
          }
        }
      } finally {
        off();
      }
      expect([...new Set(crashed)]).to.deep.equal([]);
    });
  });
});
