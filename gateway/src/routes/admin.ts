/**
 * The admin routes of opening bodies, signed with the Fabric identity of the body's staff (no OAuth token):
 *
 * - loading a version of one of their datasets (the owning body's admin). Everything is decided from the headers
 *   before a byte of the body is read: the signature, the organization and role, the version on the ledger, and
 *   the body's SHA-256 against the one the body recorded there. Then the body is streamed to a private file while
 *   it is hashed, within a size limit, a few uploads at a time, and only the recorded bytes are loaded;
 * - the usage reports under the body's own agreements beside the calls this gateway served (L7, L21), and its
 *   grants' calls per day, which the body's admin or reviewers read (or its console accounts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Router, type Request } from 'express';
import { RdxLedger, type Duty } from '@rdx/client';
import { MAX_VERSION_FILE_BYTES } from '@rdx/client/dataset-format';
import { apiRouter, intParam } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { grantStatsReply } from '../regulator/grant-stats.js';
import { largestDifferenceFirst, reconcileUsage, usageReports } from '../regulator/usage-reconciliation.js';
import { Problem, ledgerProblem, rateLimited } from '../problem.js';
import { QueryError } from '../store/query-plan.js';
import { adminSigner, bodyReader } from '../http/staff-signature.js';
import type { Services } from '../services.js';
import type { DatasetView } from '../view/ledger-view.js';

/** Uploads received at once; more are refused with 429 (each may hold a large file in flight). */
export const MAX_UPLOADS_IN_FLIGHT = 2;

/** The version the ledger records for this dataset, not older than the one served. */
function recordedVersion(
  s: Services,
  req: Request,
): { dataset: DatasetView; recorded: DatasetView['versions'][number] } {
  const dataset = s.view.datasets.get(String(req.params.id));
  if (!dataset) throw new Problem('NOT_FOUND', `There is no dataset ${String(req.params.id).slice(0, 128)}.`);
  const recorded = dataset.versions.find((v) => v.version === req.params.version);
  if (!recorded) {
    throw new Problem(
      'NOT_FOUND',
      `Dataset ${dataset.id} has no version ${String(req.params.version).slice(0, 128)} on the ledger: record it first (catalog:RecordDatasetVersion).`,
    );
  }
  // A version older than the one served cannot be loaded: an old file, however genuine, must not roll the
  // served data back (the ledger lists versions in the order the body recorded them).
  const served = s.store.currentVersion(dataset.id);
  const position = (v: string | undefined): number => dataset.versions.findIndex((x) => x.version === v);
  if (served && position(recorded.version) < position(served.version)) {
    throw new Problem(
      'INVALID_STATE',
      `Version ${recorded.version} of ${dataset.id} is older than the version served (${served.version}).`,
    );
  }
  return { dataset, recorded };
}

/** Streams the request body into `file`, hashing it; 413 past the limit. */
async function receive(req: Request, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  await pipeline(
    req,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        // The CLI's own limit too, so that it refuses such a file before recording it.
        if (bytes > MAX_VERSION_FILE_BYTES)
          throw new Problem(
            'PAYLOAD_TOO_LARGE',
            `A version file may have at most ${MAX_VERSION_FILE_BYTES} bytes.`,
          );
        hash.update(chunk);
        yield chunk;
      }
    },
    fs.createWriteStream(file, { mode: 0o600 }),
  );
  return { sha256: hash.digest('hex'), bytes };
}

export function adminRoutes(s: Services): Router {
  const r = apiRouter();
  const { duty } = new RdxLedger(s.ledger);
  let inFlight = 0;

  /**
   * The usage reports under the signer's organization's agreements, each beside the calls this gateway served in
   * its period, largest difference first. The bureau and regulators read every report at
   * GET /v1/regulator/usage-reconciliation.
   */
  r.get('/v1/admin/usage-reconciliation', async (req, res) => {
    const signer = await bodyReader(s, req);
    // As the regulator's: a parameter it does not take is not silently ignored.
    onlyDocumentedParams(req);
    let reports: Duty[];
    try {
      reports = await usageReports(duty);
    } catch (err) {
      throw ledgerProblem(err);
    }
    const result = await reconcileUsage(
      reports.filter((d) => d.body === undefined || d.body === signer.mspId),
      s.view,
      s.audit,
    );
    res.json({
      gatewayId: s.config.gatewayId,
      body: signer.mspId,
      data: largestDifferenceFirst(result.rows.filter((row) => row.body === signer.mspId)),
      scanned: result.scanned,
      truncated: result.truncated,
    });
  });

  /**
   * One of the signer's organization's grants: its calls allowed and denied per day on this gateway (`?days=`,
   * 30 by default). Another organization's grant answers as unknown.
   */
  r.get('/v1/admin/grants/:id/stats', async (req, res) => {
    const signer = await bodyReader(s, req);
    onlyDocumentedParams(req);
    const id = String(req.params.id);
    const grant = s.view.grants.get(id);
    if (!grant || grant.body !== signer.mspId)
      throw new Problem('NOT_FOUND', `Your organization has no grant ${id.slice(0, 128)} on this gateway.`);
    const days = intParam(req.query.days, 'days', 30, 1, 366, 'BAD_REQUEST');
    res.json(await grantStatsReply(s, grant, days));
  });

  r.put('/v1/admin/datasets/:id/versions/:version', async (req, res) => {
    const signer = await adminSigner(s, req);
    const { dataset, recorded } = recordedVersion(s, req);
    // The owner is not named: a prober learns nothing about whose dataset it is.
    if (signer.mspId !== dataset.owner || signer.role !== 'admin')
      throw new Problem('FORBIDDEN', "Only the owning body's admin may load versions of a dataset.");
    if (signer.contentSha256 !== recorded.contentHash)
      throw new Problem(
        'CONTENT_HASH_MISMATCH',
        `The signed content has sha256 ${signer.contentSha256}; the ledger records ${recorded.contentHash} for ${dataset.id}@${recorded.version}.`,
      );
    if (inFlight >= MAX_UPLOADS_IN_FLIGHT)
      throw rateLimited('Other uploads are in progress: try again shortly.', 5);
    inFlight++;
    const dir = fs.mkdtempSync(path.join(s.uploadDir, 'upload-'));
    try {
      const file = path.join(dir, 'version');
      const received = await receive(req, file);
      if (received.sha256 !== recorded.contentHash) {
        throw new Problem(
          'CONTENT_HASH_MISMATCH',
          `The content has sha256 ${received.sha256}; the ledger records ${recorded.contentHash} for ${dataset.id}@${recorded.version}.`,
        );
      }
      let loaded: { contentHash: string; rowCount: number };
      try {
        // A large version takes seconds to load: off the event loop.
        loaded = await s.store.loadVersionOffThread(
          dataset.id,
          recorded.version,
          dataset.items,
          dataset.format,
          await fs.promises.readFile(file),
        );
      } catch (err) {
        // The file or the catalog's items do not fit: the body's fault, not a bad query.
        if (err instanceof QueryError) throw new Problem('INVALID_ARGUMENT', err.message);
        throw err;
      }
      res.json({
        dataset: dataset.id,
        version: recorded.version,
        contentHash: loaded.contentHash,
        rowCount: loaded.rowCount,
      });
    } finally {
      inFlight--;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return r;
}
