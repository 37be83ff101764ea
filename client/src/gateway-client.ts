/**
 * Typed access to the RDX gateway's operational endpoints, for the tooling and the tests. It trusts what the
 * process trusts; an enterprise's or a body's client pins the gateway root with the SDK's sessions
 * (ConnectionOptions.gatewayCa).
 */

import { Http, jsonObjectOf } from './sdk/gateway-api.js';

/** Status of the ledger as the gateway sees it through its own Fabric identity. */
export interface Readiness {
  status: 'ready';
  ledger: { channel: string; blockHeight: number; chaincode: { name: string; version: string } };
}

/** An RFC 9457 problem answered by the gateway, with its stable code. */
export class GatewayProblem extends Error {
  override name = 'GatewayProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** An answer of /readyz or /healthz is a few hundred bytes. */
const MAX_OPERATIONS_ANSWER_BYTES = 64 * 1024;

export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** GET /readyz. @throws GatewayProblem when the gateway cannot reach the ledger. */
  async ready(): Promise<Readiness> {
    return this.get<Readiness>('/readyz');
  }

  /** GET /healthz: true when the gateway process answers. */
  async alive(): Promise<boolean> {
    try {
      await this.get('/healthz');
      return true;
    } catch {
      return false;
    }
  }

  private async get<T>(path: string): Promise<T> {
    // As the SDK's sessions reach it: no redirect followed, no answer read past its size (gateway-api.ts Http).
    const http = new Http(this.baseUrl, { timeoutMs: this.timeoutMs });
    const res = await http.send(http.url(path));
    const { value: body } = jsonObjectOf(await http.text(res, MAX_OPERATIONS_ANSWER_BYTES));
    if (!body)
      throw new GatewayProblem(
        res.status,
        'GATEWAY_BAD_ANSWER',
        `${path} answered what is not a JSON object`,
      );
    if (!res.ok) {
      const p = body as { code?: string; detail?: string };
      throw new GatewayProblem(res.status, p.code ?? 'UNKNOWN', p.detail ?? res.statusText);
    }
    return body as T;
  }
}
