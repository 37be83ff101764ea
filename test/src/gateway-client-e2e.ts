/**
 * An enterprise's HTTP session with the gateway for the end-to-end tests: a token by private_key_jwt
 * (the key it registered on the ledger), then plain fetches.
 */
import fs from 'node:fs';
import { clientAssertion } from '@rdx/client';
import { regulatorsFile, type RegulatorCredentials } from '@rdx/network';
import { paths } from './fabric-client.js';

/** An access token for the enterprise, by a client assertion the SDK signs with its key. */
export async function tokenFor(base: string, creditCode: string, privateKeyPem: string): Promise<string> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(creditCode, privateKeyPem, `${base}/oauth/token`),
    }),
  });
  const body = (await res.json()) as { access_token?: string; code?: string; detail?: string };
  if (!res.ok || !body.access_token)
    throw new Error(`token for ${creditCode}: ${res.status} ${body.code} ${body.detail}`);
  return body.access_token;
}

/** A token of the demo regulator client that `npm start` seeds (`.rdx/demo/regulators.json`). */
export async function regulatorToken(base: string): Promise<string> {
  const [regulator] = JSON.parse(
    fs.readFileSync(regulatorsFile({ paths }), 'utf8'),
  ) as RegulatorCredentials[];
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: regulator!.clientId,
      client_secret: regulator!.clientSecret,
    }),
  });
  const body = (await res.json()) as { access_token?: string; code?: string };
  if (!body.access_token) throw new Error(`regulator token: ${res.status} ${body.code}`);
  return body.access_token;
}

export async function getJson(
  url: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until `check` holds or the deadline passes; returns how long it took. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
