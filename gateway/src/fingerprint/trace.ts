/**
 * Tracing a suspect file (issue 17, docs/TRACE.md): the marks read from its values are compared with the key of
 * every grant it may have come from; the grant they agree with far beyond chance is named, with the figures and
 * an evidence package that `rdx verify` checks offline against the ledger's commitment.
 */
import crypto from 'node:crypto';
import {
  readingsFor,
  scoreKey,
  type SuspectFormat,
  type TraceCandidate as SdkCandidate,
  type TraceResult as SdkResult,
} from '@rdx/client';
import type { GrantView } from '../view/ledger-view.js';
import type { Fingerprints } from './fingerprints.js';
import { readSuspectFile } from './suspect-reader.js';

/** A grant is named when its chance, times the number of grants tried, is below this. */
export const ATTRIBUTION_THRESHOLD = 1e-6;
/** Fewer readings than this can never reach the threshold (2^-20 ≈ 1e-6): said so rather than tried. */
export const MIN_READINGS = 20;

/** A grant compared with the file (the route adds the enterprise's name). */
export type TraceCandidate = Omit<SdkCandidate, 'enterprise'>;

/** What a trace finds, before the route names the enterprises. */
export type TraceResult = Omit<SdkResult, 'candidates' | 'requests'> & { candidates: TraceCandidate[] };

/** The first pass scores every grant on this many marks (2^-128 separates any grant from chance)… */
const SCREEN_READINGS = 128;
/** …and the likeliest this many are scored again on every mark read. */
const SHORTLIST = 20;
/** Grants scored between two turns of the event loop: a city's grants must not stall the gateway. */
const GRANTS_PER_TURN = 200;

/**
 * Traces the cells of a suspect file against `grants`; the ten most likely first. Every grant is screened on the
 * first marks, the shortlist scored on all of them; the false-attribution figure still counts every grant tried.
 */
export async function traceFile(
  file: Buffer,
  format: SuspectFormat | undefined,
  grants: GrantView[],
  fingerprints: Fingerprints,
  meta: { gatewayId: string; now: Date; datesMarked: (datasetId: string) => boolean },
): Promise<TraceResult> {
  const fileSha256 = crypto.createHash('sha256').update(file).digest('hex');
  const readings = await readSuspectFile(file, format);
  // The marks a grant is scored on depend only on whether its dataset marks dates (and on the pass): made once.
  const lists = (dates: boolean) => {
    const all = readingsFor(readings, dates);
    return { all, screen: all.slice(0, SCREEN_READINGS) };
  };
  const marks = { dates: lists(true), noDates: lists(false) };
  const datesMarked = new Map<string, boolean>();
  const marksOf = (g: GrantView) => {
    let dates = datesMarked.get(g.datasetId);
    if (dates === undefined) datesMarked.set(g.datasetId, (dates = meta.datesMarked(g.datasetId)));
    return dates ? marks.dates : marks.noDates;
  };
  const score = async (of: GrantView[], pass: 'screen' | 'all') => {
    const out = [];
    for (const [n, g] of of.entries()) {
      if (n % GRANTS_PER_TURN === GRANTS_PER_TURN - 1) await new Promise((r) => setImmediate(r));
      out.push({ grant: g, ...scoreKey(fingerprints.keyBytes(g.id), marksOf(g)[pass]) });
    }
    return out.sort(
      (a, b) => a.chance - b.chance || b.matches - a.matches || a.grant.id.localeCompare(b.grant.id),
    );
  };
  const shortlist =
    grants.length > SHORTLIST
      ? (await score(grants, 'screen')).slice(0, SHORTLIST).map((x) => x.grant)
      : grants;
  const scored = (await score(shortlist, 'all')).map(({ grant: g, ...s }) => ({
    grantId: g.id,
    creditCode: g.creditCode,
    datasetId: g.datasetId,
    state: g.state,
    ...s,
    falseAttribution: Math.min(1, s.chance * grants.length),
  }));
  const best = scored[0];
  const named = best && best.trials >= MIN_READINGS && best.falseAttribution < ATTRIBUTION_THRESHOLD;
  const note = !grants.length
    ? 'no grant could have served this file: no grant on the datasets asked about'
    : best!.trials < MIN_READINGS
      ? `only ${best!.trials} values can carry a mark (numbers of 3 to 15 significant digits, and dates where a body marks them); ${MIN_READINGS} are needed to name a grant`
      : named
        ? `grant ${best.grantId}: ${best.matches} of ${best.trials} marks agree; an unrelated file would agree this well with any of the ${grants.length} grants tried with probability ${best.falseAttribution.toExponential(2)}`
        : `no grant's marks agree beyond chance (the best: ${best!.matches} of ${best!.trials}); the file may be unmarked, from another source, or altered (rounded)`;
  return {
    fileSha256,
    readings: readings.length,
    candidates: scored.slice(0, 10),
    attributed: named ? best.grantId : null,
    note,
    evidence: named
      ? {
          kind: 'rdx-fingerprint-evidence',
          version: 1,
          gatewayId: meta.gatewayId,
          tracedAt: meta.now.toISOString(),
          fileSha256,
          grantId: best.grantId,
          creditCode: best.creditCode,
          datasetId: best.datasetId,
          key: fingerprints.keyBytes(best.grantId).toString('hex'),
          commitment: fingerprints.commitment(best.grantId),
          candidates: grants.length,
          datesRead: datesMarked.get(best.datasetId)!,
          readings: (datesMarked.get(best.datasetId) ? marks.dates : marks.noDates).all,
          trials: best.trials,
          matches: best.matches,
          chance: best.chance,
          falseAttribution: best.falseAttribution,
        }
      : null,
  };
}
