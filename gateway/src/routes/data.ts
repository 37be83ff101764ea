/**
 * Data by interface call only (Z20): records of a granted dataset, projected to the granted items with
 * personal items masked and pages capped; computed results over groups of at least k rows; downloads for
 * unconditional datasets only. Every request is decided from the ledger view and audited. (Loading versions
 * is an admin route: admin.ts.)
 */
import crypto from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { decimalWholeNumber } from '@rdx/chaincode';
import { canonicalJson } from '@rdx/client';
import type { Router, Request } from 'express';
import { callerNetwork } from '../http/caller-address.js';
import { streamedAnswers } from '../http/answer-compression.js';
import { anonymousRateRefusal } from '../http/late-refusal.js';
import { apiRouter, jsonBody, onlyFields } from '../http/routing.js';
import {
  documentedOperation,
  oneValue,
  onlyDocumentedParams,
  unknownParameter,
  type DocumentedOperation,
} from '../http/documented-query.js';
import { authenticate, authenticateWithinRate, tokenAroundBody } from '../http/authenticate.js';
import { requestIdOf } from '../http/security.js';
import { chinaToday, decide, type Decision } from '../enforcement/decide.js';
import { maskPersonal } from '../enforcement/masking.js';
import { isWellFormedText } from '../lib/well-formed-text.js';
import { recordsBody } from '../enforcement/records-page.js';
import { PrivacyBudget, privatize } from '../enforcement/privacy.js';
import { Problem, rateLimited, RETRY_WHILE_UNAVAILABLE_S } from '../problem.js';
import { DatasetNotLoadedError, QueryError } from '../store/query-plan.js';
import type { Filter, Services } from '../services.js';
import { isListedView, type DatasetView } from '../view/ledger-view.js';
import {
  accessContext,
  allow,
  allowStream,
  auditedHandler,
  deny,
  denyUnreadableBody,
  type AccessContext,
} from './audited.js';

/** Item types a sum or an average is computed over. */
const NUMERIC_TYPES: readonly string[] = ['integer', 'number'];
/**
 * Rows of a download between two turns of the event loop. The rows are read, masked and hashed in one pass
 * before the answer starts (its hash is audited first), and a pass of `for await` over rows already read never
 * lets the loop turn: without these turns every other call would wait for the whole dataset — seconds at 10⁶ rows.
 */
const DOWNLOAD_ROWS_PER_TURN = 1000;

const RECORDS_PATH = '/v1/datasets/{id}/records';
/** Characters of an integer's text: more digits than any limit or count could take. */
const INTEGER_TEXT_MAX = 12;
/** The page of records as the document lists it, with each parameter's longest value. */
interface RecordsQuery {
  op: DocumentedOperation;
  /** A string's `maxLength` in the document; an integer's text {@link INTEGER_TEXT_MAX}. */
  limits: Map<string, number>;
}
let recordsQuery: RecordsQuery | undefined;

/**
 * The operation of a page of records and its parameters' longest values: anything longer is refused before it is
 * parsed. Made at the first data call (the document imports modules that import this one).
 */
function recordsOperation(): RecordsQuery {
  if (recordsQuery) return recordsQuery;
  const op = documentedOperation('get', RECORDS_PATH);
  const limits = new Map(op.params.map((p) => [p.name, p.schema.maxLength ?? INTEGER_TEXT_MAX]));
  return (recordsQuery = { op, limits });
}

/**
 * The query of a page of records: its parameters known, each one value of a bounded length. Ignored, a
 * misspelt or foreign parameter (`filters`, `sort`) would serve the page it did not narrow, without a word.
 */
function checkRecordsQuery(query: Request['query']): void {
  const { op, limits } = recordsOperation();
  // for…in rather than Object.entries: no array of pairs on every data call (the parsed query has no prototype).
  for (const name in query) {
    const max = limits.get(name);
    if (max === undefined) throw unknownParameter(op, name, 'QUERY_INVALID');
    const value = query[name];
    oneValue(name, value, 'QUERY_INVALID');
    if (value.length > max)
      throw new Problem('QUERY_INVALID', `${name.slice(0, 40)} must be at most ${max} characters`);
  }
}

function listParam(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string')
    throw new Problem('QUERY_INVALID', 'fields must be a comma-separated list of item names');
  return value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

type Measure = { op: 'count' | 'sum' | 'avg'; item?: string };

/**
 * An item name of a computed result: text a dataset's item could be named. One with a lone surrogate (a JSON escape
 * such as "\ud800") can name none.
 */
function checkItemName(name: string, where: string): void {
  if (!isWellFormedText(name))
    throw new Problem(
      'QUERY_INVALID',
      `${where} must be an item name in well-formed Unicode; ${JSON.stringify(name.slice(0, 40))} holds a lone surrogate`,
    );
}

function parseGroupBy(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 5 || !value.every((g): g is string => typeof g === 'string')) {
    throw new Problem('QUERY_INVALID', 'groupBy is a list of at most 5 item names');
  }
  for (const name of value) checkItemName(name, 'groupBy');
  return value;
}

function parseMeasure(m: unknown): Measure {
  const v = m as { op?: unknown; item?: unknown } | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    !['count', 'sum', 'avg'].includes(String(v.op))
  ) {
    throw new Problem('QUERY_INVALID', 'each measure is { "op": "count" | "sum" | "avg", "item"?: name }');
  }
  // Refused, not ignored: a misspelt "item" ("items") would count rows where a sum was asked.
  onlyFields(v, ['op', 'item'], 'a measure', 'QUERY_INVALID');
  if (v.item !== undefined && typeof v.item !== 'string')
    throw new Problem('QUERY_INVALID', 'a measure item must be an item name');
  if (v.item !== undefined) checkItemName(v.item, 'a measure item');
  return { op: v.op as Measure['op'], item: v.item };
}

/**
 * The measures of a computed result: a count of rows when none are named, else the list given. Anything else
 * (one measure not in a list, a text, null) is refused rather than read as "none": the count computed instead
 * would spend the grant's privacy budget on a question nobody asked.
 */
function parseMeasures(value: unknown): Measure[] {
  if (value === undefined) return [{ op: 'count' }];
  if (!Array.isArray(value))
    throw new Problem(
      'QUERY_INVALID',
      'measures must be a list of measures, e.g. [{ "op": "sum", "item": "age" }] (left out: a count of rows)',
    );
  return value.map(parseMeasure);
}

function storeError(err: unknown): Problem {
  if (err instanceof QueryError) return new Problem('QUERY_INVALID', err.message);
  if (err instanceof DatasetNotLoadedError) return notLoaded(err.datasetId);
  throw err;
}

function notLoaded(datasetId: string): Problem {
  return new Problem('DATA_NOT_LOADED', `Dataset ${datasetId} has no loaded version yet.`);
}

/**
 * One CSV cell: quoted when it holds a separator, a quote or a line break; a text that a spreadsheet would
 * evaluate (starting with =, +, -, @, a tab or a carriage return) is prefixed with ' so it stays text.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let t = typeof v === 'string' ? v : JSON.stringify(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/**
 * A records call's query as the audit log keeps it: `canonicalJson({ fields, filters, cursor, limit })`, the same
 * bytes written directly, its keys and each filter's in their sorted order. Sorting the keys of objects whose keys
 * are known cost every data call 1.9 µs of the gateway's main thread under load (0.58 µs in a loop, against 0.25).
 */
export function recordsQueryText(
  fields: readonly string[],
  filters: readonly Filter[],
  cursor: string | null,
  limit: number,
): string {
  return JSON.stringify({
    cursor,
    fields,
    filters: filters.map((f) => ({ item: f.item, op: f.op, value: f.value })),
    limit,
  });
}

export function dataRoutes(s: Services): Router {
  const r = apiRouter();
  const privacy = s.privacy ?? new PrivacyBudget(s.usage);
  const noiseKey = s.store.derivedKey('computed-results-noise');
  /**
   * Largest magnitude of an item in the current version: what one record can change a sum by. Asked once per
   * version and item: the store keeps computed results (store/computed-results.ts).
   */
  async function boundOf(datasetId: string, item: string): Promise<number> {
    const range = await s.store.aggregate(datasetId, {
      groupBy: [],
      measures: [
        { op: 'min', item },
        { op: 'max', item },
      ],
      filters: [],
      minGroupSize: 1,
    });
    const g = range.groups[0] ?? {};
    return Math.max(Math.abs(Number(g[`min(${item})`] ?? 0)), Math.abs(Number(g[`max(${item})`] ?? 0)));
  }

  /** The computed result of a grant, from exact groups of every size, made differentially private. */
  async function privateAggregate(
    datasetId: string,
    version: string,
    grantId: string,
    q: { groupBy: string[]; measures: Measure[]; filters: Filter[] },
    epsilon: number,
  ): Promise<Record<string, unknown>[]> {
    const summed = [...new Set(q.measures.filter((m) => m.op !== 'count').map((m) => m.item!))];
    const exact = await s.store.aggregate(datasetId, {
      groupBy: q.groupBy,
      measures: [{ op: 'count' }, ...summed.map((item) => ({ op: 'sum' as const, item }))],
      filters: q.filters,
      minGroupSize: 1,
    });
    const itemBounds: Record<string, number> = {};
    for (const item of summed) itemBounds[item] = await boundOf(datasetId, item);
    return privatize(
      exact.groups.map((g) => ({
        keys: Object.fromEntries(q.groupBy.map((name) => [name, g[name]])),
        count: Number(g['count(*)']),
        sums: Object.fromEntries(summed.map((item) => [item, g[`sum(${item})`] as number | null])),
      })),
      {
        key: noiseKey,
        seed: `${grantId}\u0000${datasetId}@${version}\u0000${canonicalJson(q)}`,
        epsilon,
        minGroupSize: s.config.kMin,
        bounds: itemBounds,
        measures: q.measures.map((m) => ({
          op: m.op,
          item: m.item,
          key: m.op === 'count' && m.item === undefined ? 'count(*)' : `${m.op}(${m.item})`,
        })),
      },
    );
  }

  /** Guards shared by every restricted-data call, in the order the rules give. */
  function authorize(req: Request, a: AccessContext, fields: string[]): Extract<Decision, { allow: true }> {
    // Known already where the route checked the token first.
    a.enterprise ??= authenticate(req, s.tokens);
    a.items = fields;
    const dataset = s.view.datasets.get(a.datasetId ?? '');
    if (dataset?.openAttribute !== 'unconditional') {
      if (!s.view.following)
        throw new Problem(
          'LEDGER_NOT_FOLLOWED',
          'The gateway cannot follow the ledger right now, so it cannot know your grant is still active: restricted data is refused until it can.',
        );
      const broken = s.anchors.broken();
      if (broken)
        throw new Problem(
          'AUDIT_LOG_BROKEN',
          `The audit log failed its integrity check (${broken}): restricted data is refused until an operator has looked at it.`,
        );
      if (s.anchors.behind())
        throw new Problem(
          'AUDIT_BEHIND',
          'The audit log is not anchored on the ledger within its bound: restricted data is refused until it is.',
          {},
          // A client that waits as told asks again when anchoring may have caught up, not at once.
          { 'Retry-After': String(RETRY_WHILE_UNAVAILABLE_S) },
        );
    }
    const decision = decide(s.view, {
      creditCode: a.enterprise,
      datasetId: a.datasetId ?? '',
      fields,
      today: chinaToday(s.now()),
    });
    if (!decision.allow) {
      a.grantId = decision.grant?.id;
      throw new Problem(decision.reason, decision.detail);
    }
    a.grantId = decision.grant?.id;
    a.items = decision.items;
    return decision;
  }

  /**
   * The grant's daily quota and rate; a dataset without a grant (unconditional) is rate-limited per caller
   * (its credit code, or the source address of an anonymous download). Taken before anything of the query is
   * parsed, so a flood of bad queries costs its sender, not the gateway.
   */
  async function limit(
    decision: { grant?: { id: string; dailyQuota: number } },
    caller: string,
    anonymous = false,
  ): Promise<void> {
    const key = decision.grant?.id ?? `open:${caller}`;
    // The app's clock, as for the quota's day: one reading for both.
    const now = s.now();
    if (!s.limiter.take(key, now.getTime())) {
      const detail = decision.grant
        ? `Grant ${key} is calling faster than allowed; slow down.`
        : 'You are calling faster than allowed; slow down.';
      throw anonymous ? anonymousRateRefusal(detail, 1) : rateLimited(detail, 1);
    }
    // The daily quota is the grant's across every gateway sharing the database (enforcement/grant-usage.ts).
    const grant = decision.grant;
    if (grant && !(await s.usage.take(grant.id, chinaToday(now), 'calls', 1, grant.dailyQuota)))
      throw new Problem('QUOTA_EXCEEDED', `Grant ${key} has used its ${grant.dailyQuota} calls for today.`);
  }

  function filtersOf(raw: unknown, dataset: DatasetView, allowed: string[]): Filter[] {
    if (raw === undefined || raw === '') return [];
    if (typeof raw !== 'string')
      throw new Problem('QUERY_INVALID', 'filter must be a string like item:op:value');
    let filters: Filter[];
    try {
      filters = s.parseFilter(raw, dataset.items);
    } catch (err) {
      throw storeError(err);
    }
    // Filtering on an item one may not see would leak it, one yes/no at a time; the same holds for the
    // masked part of a personal item, so personal items are never filter keys.
    const hidden = filters.map((f) => f.item).filter((i) => !allowed.includes(i));
    if (hidden.length)
      throw new Problem('ITEMS_NOT_GRANTED', `Filters may only use granted items; not ${hidden.join(', ')}.`);
    const personal = new Set(dataset.items.filter((i) => i.personal).map((i) => i.name));
    const masked = [...new Set(filters.map((f) => f.item).filter((i) => personal.has(i)))];
    if (masked.length)
      throw new Problem(
        'QUERY_INVALID',
        `Personal items cannot be filtered on (they are masked): ${masked.join(', ')}.`,
      );
    return filters;
  }

  function loaded(dataset: DatasetView): { version: string } {
    const version = s.store.currentVersion(dataset.id);
    if (!version) throw notLoaded(dataset.id);
    return version;
  }

  /** The catalog the caller may see: every open dataset, with the caller's grant where it has one. */
  r.get('/v1/datasets', (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    const datasets = [...s.view.datasets.values()]
      .filter((d) => d.openAttribute !== 'prohibited' && isListedView(d))
      .map((d) => {
        const grant = s.view.grantFor(creditCode, d.id);
        const version = s.store.currentVersion(d.id);
        return {
          id: d.id,
          name: d.name,
          description: d.description,
          owner: d.owner,
          openAttribute: d.openAttribute,
          updateFrequency: d.updateFrequency,
          items: d.items,
          version: version?.version ?? null,
          rowCount: version?.rowCount ?? null,
          grant: grant
            ? { id: grant.id, state: grant.state, items: grant.items, validUntil: grant.validUntil }
            : null,
        };
      });
    res.json({ data: datasets });
  });

  r.get(
    '/v1/datasets/:id/records',
    auditedHandler(s, async (req, res, a) => {
      // The caller first: a query refused for its length is then recorded as this enterprise's refusal.
      a.enterprise = authenticate(req, s.tokens);
      checkRecordsQuery(req.query);
      const decision = authorize(req, a, listParam(req.query.fields));
      await limit(decision, a.enterprise ?? '');
      const pageSize =
        req.query.limit === undefined ? Math.min(100, s.config.pageMax) : decimalWholeNumber(req.query.limit);
      if (pageSize === undefined || pageSize < 1)
        throw new Problem(
          'QUERY_INVALID',
          'limit must be a positive integer, in decimal digits without a leading zero',
        );
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
      const filters = filtersOf(
        req.query.filter,
        decision.dataset,
        decision.grant ? decision.grant.items : decision.items,
      );
      a.query = recordsQueryText(decision.items, filters, cursor ?? null, pageSize);
      // The page names the version its rows were read from (a load may make another current meanwhile).
      let page: Awaited<ReturnType<Services['store']['query']>>;
      try {
        page = await s.store.query(decision.dataset.id, {
          fields: decision.items,
          filters,
          limit: Math.min(pageSize, s.config.pageMax),
          cursor,
        });
      } catch (err) {
        throw storeError(err);
      }
      const body = recordsBody(
        s,
        decision.dataset,
        decision.grant?.id,
        decision.items,
        page,
        requestIdOf(res),
      );
      await allow(s, req, res, a, body, page.rows.length);
    }),
  );

  r.post(
    '/v1/datasets/:id/aggregate',
    // Its refusal recorded as every data request's is.
    ...tokenAroundBody(s.tokens, jsonBody('16kb'), (req, res, problem) =>
      deny(s, req, res, accessContext(req, res), problem),
    ),
    denyUnreadableBody(s),
    auditedHandler(s, async (req, res, a) => {
      // A JSON array parses too, and would be read field by field as if it were an object (its "filter" a method).
      if (req.body !== undefined && (typeof req.body !== 'object' || Array.isArray(req.body)))
        throw new Problem('BAD_REQUEST', 'The body must be a JSON object: { groupBy?, measures?, filter? }.');
      const body = (req.body ?? {}) as { groupBy?: unknown; measures?: unknown; filter?: unknown };
      // Refused, not ignored: a misspelt filter ("filters") would compute over every row, and on restricted data
      // spend the grant's privacy budget on it.
      onlyFields(body, ['groupBy', 'measures', 'filter'], 'a computed result', 'QUERY_INVALID');
      const groupBy = parseGroupBy(body.groupBy);
      const measures = parseMeasures(body.measures);
      if (groupBy.length > 5 || measures.length === 0 || measures.length > 10)
        throw new Problem('QUERY_INVALID', 'at most 5 groupBy items, and 1 to 10 measures');
      const used = [
        ...groupBy,
        ...measures.map((m) => m.item).filter((i): i is string => typeof i === 'string'),
      ];
      const decision = authorize(req, a, [...new Set(used)]);
      await limit(decision, a.enterprise ?? '');
      // Personal items are never group keys, measures or filters: a computed result must not carry them.
      const personalItems = new Set(decision.dataset.items.filter((i) => i.personal).map((i) => i.name));
      const personal = groupBy.filter((g) => personalItems.has(g));
      if (personal.length)
        throw new Problem('QUERY_INVALID', `Personal items cannot be grouped by: ${personal.join(', ')}.`);
      const measured = measures.map((m) => m.item).filter((i): i is string => !!i && personalItems.has(i));
      if (measured.length)
        throw new Problem(
          'QUERY_INVALID',
          `Personal items cannot be measured: ${[...new Set(measured)].join(', ')}.`,
        );
      // A computed result's filter is a page's, and as long at most.
      const filterMax = recordsOperation().limits.get('filter')!;
      if (typeof body.filter === 'string' && body.filter.length > filterMax)
        throw new Problem('QUERY_INVALID', `filter must be at most ${filterMax} characters`);
      const filters = filtersOf(
        body.filter,
        decision.dataset,
        decision.grant ? decision.grant.items : decision.items,
      );
      // Before any ε is spent: a sum the store would refuse must not cost the grant its budget.
      const notNumeric = measures.filter(
        (m) =>
          m.op !== 'count' &&
          !decision.dataset.items.some((i) => i.name === m.item && NUMERIC_TYPES.includes(i.type)),
      );
      const [wrong] = notNumeric;
      if (wrong)
        throw new Problem(
          'QUERY_INVALID',
          wrong.item === undefined
            ? `${wrong.op} needs an item: { "op": "${wrong.op}", "item": <a number or integer item> }`
            : `${wrong.op} needs a number or integer item; ${wrong.item.slice(0, 40)} is not one`,
        );
      const version = loaded(decision.dataset);
      const query = { groupBy, measures, filters };
      // How many groups stayed under k is said for unconditional data only: on restricted data that number,
      // unnoised, would count the rows matching any filter exactly (grouped by a unique item).
      let result: { groups: Record<string, unknown>[]; suppressed: number | null };
      let epsilon: number | null = null;
      try {
        if (decision.grant) {
          // Restricted data: differentially private (enforcement/privacy.ts), from the grant's daily budget.
          if (!(await privacy.spend(decision.grant.id, chinaToday(s.now()))))
            throw new Problem(
              'PRIVACY_BUDGET_EXHAUSTED',
              `Grant ${decision.grant.id} has spent today's privacy budget (ε ${privacy.options.dailyBudget}) for computed results.`,
            );
          epsilon = privacy.options.epsilonPerQuery;
          result = {
            groups: await privateAggregate(
              decision.dataset.id,
              version.version,
              decision.grant.id,
              query,
              epsilon,
            ),
            suppressed: null,
          };
        } else {
          // Unconditional data is open to all (and downloadable): exact, with the k-threshold only.
          result = await s.store.aggregate(decision.dataset.id, { ...query, minGroupSize: s.config.kMin });
        }
      } catch (err) {
        throw storeError(err);
      }
      a.query = canonicalJson({ ...query, epsilon });
      const out = JSON.stringify({
        data: result.groups,
        suppressedGroups: result.suppressed,
        minGroupSize: s.config.kMin,
        epsilon,
        privacyBudgetLeft: decision.grant
          ? privacy.options.dailyBudget - (await privacy.spentToday(decision.grant.id, chinaToday(s.now())))
          : null,
        grantId: decision.grant?.id ?? null,
        requestId: requestIdOf(res),
      });
      await allow(s, req, res, a, out, result.groups.length);
    }),
  );

  /**
   * Unconditional datasets only; restricted data is never opened by download (Z20). No login needed, so it
   * is rate-limited per source address. Personal items are masked here too, and every text cell that a
   * spreadsheet would run as a formula is neutralised. The file is never built in memory: a first pass over
   * the (immutable) version computes the hash the audit record needs before anything is sent, a second
   * streams the same bytes.
   */
  r.get(
    '/v1/open/datasets/:id/download',
    streamedAnswers,
    auditedHandler(s, async (req, res, a) => {
      onlyDocumentedParams(req);
      const dataset = s.view.datasets.get(a.datasetId ?? '');
      // Not in the catalogue until the bureau lists it (Z13): as if it did not exist.
      if (!dataset || !isListedView(dataset))
        throw new Problem('NOT_FOUND', `There is no dataset ${a.datasetId}.`);
      if (dataset.openAttribute !== 'unconditional') {
        throw new Problem(
          'DOWNLOAD_FORBIDDEN',
          `Dataset ${dataset.id} is ${dataset.openAttribute}: restricted public data is opened only by interface calls, never by download (Z20).`,
        );
      }
      await limit({}, `address:${callerNetwork(req)}`, true);
      const version = loaded(dataset);
      const names = dataset.items.map((i) => i.name);
      const personal = dataset.items.filter((i) => i.personal).map((i) => i.name);
      a.items = names;
      const lines = async function* (): AsyncGenerator<string> {
        yield `${names.map(csvCell).join(',')}\r\n`;
        let read = 0;
        for await (const row of s.store.allRows(dataset.id)) {
          // Each row read is an object of its own: masked in place.
          maskPersonal([row], personal);
          yield `${names.map((n) => csvCell(row[n])).join(',')}\r\n`;
          if (++read % DOWNLOAD_ROWS_PER_TURN === 0) await nextTurn();
        }
      };
      const hash = crypto.createHash('sha256');
      let rows = -1;
      for await (const line of lines()) {
        hash.update(line);
        rows++;
      }
      if (s.store.currentVersion(dataset.id)?.version !== version.version)
        throw new Problem(
          'INVALID_STATE',
          `Dataset ${dataset.id} changed version during the download: retry.`,
        );
      res.set('Content-Disposition', `attachment; filename="${dataset.id}.csv"`);
      await allowStream(s, req, res, a, hash.digest('hex'), rows, 'text/csv; charset=utf-8', lines());
    }),
  );

  return r;
}
