/**
 * Which requests of a grant served the marks found in a suspect file (issue 17). The mark is the grant's, the same
 * in every answer, so the requests are found by replaying them: each of the grant's logged record requests is run
 * again — the same query on the dataset as it is now — and counts only when the replay gives the very bytes whose
 * SHA-256 the audit log holds (the same version, the same rows, the same marks). The requests that served most of
 * the file's marks are named, fewest first.
 */
import crypto from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { readMarks, type MarkReading, type TraceRequests } from '@rdx/client';
import { recordsBody } from '../enforcement/records-page.js';
import { scanSince } from '../regulator/audit-stats.js';
import type { Filter, Services } from '../services.js';
import type { GrantView } from '../view/ledger-view.js';

/** The newest logged requests of a grant that are replayed at most. */
export const MAX_REPLAYED = 2000;
/** Requests named at most. */
const MAX_NAMED = 10;

interface LoggedQuery {
  fields: string[];
  filters: Filter[];
  cursor: string | null;
  limit: number;
}

export async function requestsBehind(
  s: Services,
  grant: GrantView,
  readings: MarkReading[],
): Promise<TraceRequests> {
  const dataset = s.view.datasets.get(grant.datasetId);
  const version = s.store.currentVersion(grant.datasetId);
  const result: TraceRequests = { requests: [], explained: 0, replayed: 0, notReproduced: 0 };
  if (!dataset || !version) return result;
  const logged: { requestId: string; time: string; query: string; responseHash: string }[] = [];
  await scanSince(s.audit, 0, (r) => {
    if (
      logged.length < MAX_REPLAYED &&
      r.grantId === grant.id &&
      r.decision === 'allow' &&
      r.path.endsWith('/records') &&
      r.query &&
      r.responseHash
    )
      logged.push({ requestId: r.requestId, time: r.time, query: r.query, responseHash: r.responseHash });
  });
  const wanted = new Set(readings.map((r) => r.slot));
  const served = new Map<string, Set<string>>();
  for (const [n, r] of logged.entries()) {
    // The store answers synchronously: let requests through between every few replays.
    if (n % 50 === 49) await nextTurn();
    try {
      const q = JSON.parse(r.query) as LoggedQuery;
      const page = await s.store.query(dataset.id, {
        fields: q.fields,
        filters: q.filters,
        limit: Math.min(q.limit, s.config.pageMax),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const body = recordsBody(s, dataset, grant.id, q.fields, page, r.requestId);
      if (crypto.createHash('sha256').update(body).digest('hex') !== r.responseHash) {
        result.notReproduced++;
        continue;
      }
      result.replayed++;
      const data = (JSON.parse(body) as { data: Record<string, unknown>[] }).data;
      const slots = new Set(
        readMarks(data.flatMap((row) => Object.values(row)))
          .map((m) => m.slot)
          .filter((slot) => wanted.has(slot)),
      );
      if (slots.size) served.set(r.requestId, slots);
    } catch {
      result.notReproduced++; // a cursor of another version, a filter no longer valid
    }
  }
  // Greedy cover: the request that served most of what is left, until nothing more is explained.
  const left = new Set(wanted);
  const times = new Map(logged.map((r) => [r.requestId, r.time]));
  while (left.size && result.requests.length < MAX_NAMED) {
    let best: [string, number] | undefined;
    for (const [id, slots] of served) {
      let n = 0;
      for (const slot of slots) if (left.has(slot)) n++;
      if (n > 0 && (!best || n > best[1])) best = [id, n];
    }
    if (!best) break;
    for (const slot of served.get(best[0])!) left.delete(slot);
    served.delete(best[0]);
    result.requests.push({ requestId: best[0], time: times.get(best[0])!, covered: best[1] });
    result.explained += best[1];
  }
  return result;
}
