/**
 * One plain HTTP request from a chosen local address, on a connection of its own: how the tests send as callers
 * on other addresses or networks (ipv6-link.ts).
 */
import http from 'node:http';

export interface RequestFrom {
  method: string;
  path: string;
  /** A form body (application/x-www-form-urlencoded). */
  form?: string;
}

/** The answer's status, or how the connection failed (its error code). */
export function statusFrom(
  target: { host: string; port: number },
  localAddress: string,
  request: RequestFrom,
): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        ...target,
        localAddress,
        agent: false,
        method: request.method,
        path: request.path,
        headers: request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    req.end(request.form);
  });
}
