/**
 * A peer's or an orderer's operations endpoint, as its host's tooling reaches it (readiness, heights, the Raft
 * leader, gossip). It listens on the host's loopback address and serves TLS with the node's own pair: `/healthz`
 * and `/version` answer anyone, `/metrics` and `/logspec` only a client that shows a pair of the org's TLS CA
 * (Fabric checks it per route once TLS is on). Served plain, any local user of the host could set every node's
 * log level (hiding its warnings, or filling the disk of its ledger) and read its metrics (SECURITY.md, threat 40).
 * The tooling shows the node's own pair, which it holds anyway.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { identityName } from './node-env.js';
import type { Paths } from './paths.js';
import { OPS_HOST, orgOf, type NodeSpec, type Topology } from './topology.js';

/** The node's TLS folder: its pair (server.crt, server.key) and its org's TLS CA root (ca.crt). */
const nodeTls = (paths: Paths, topology: Topology, node: NodeSpec): string =>
  paths.identityTls(orgOf(topology, node.mspId).short, identityName(node));

/**
 * GET `route` of the node's operations endpoint, verifying it against the org's TLS root and showing the node's
 * own pair; the status and body, or undefined when it does not answer within `timeoutMs`.
 */
export function operationsGet(
  paths: Paths,
  topology: Topology,
  node: NodeSpec,
  route: string,
  timeoutMs = 2000,
): Promise<{ status: number; body: string } | undefined> {
  const tls = nodeTls(paths, topology, node);
  let credentials: { ca: Buffer; cert: Buffer; key: Buffer };
  try {
    const read = (f: string): Buffer => fs.readFileSync(path.join(tls, f));
    credentials = { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key') };
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const req = https.get(
      {
        host: OPS_HOST,
        port: node.opsPort,
        path: route,
        timeout: timeoutMs,
        ...credentials,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/** The node's Prometheus metrics; undefined if it does not answer them. */
export async function nodeMetrics(
  paths: Paths,
  topology: Topology,
  node: NodeSpec,
): Promise<string | undefined> {
  const res = await operationsGet(paths, topology, node, '/metrics');
  return res?.status === 200 ? res.body : undefined;
}

/** True when the node's operations endpoint answers /healthz with 200. */
export async function nodeHealthy(
  paths: Paths,
  topology: Topology,
  node: NodeSpec,
  timeoutMs = 1000,
): Promise<boolean> {
  return (await operationsGet(paths, topology, node, '/healthz', timeoutMs))?.status === 200;
}
