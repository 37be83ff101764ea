/**
 * One request of a connection in the app at a time. HTTP/1.1 lets a client send request after request on a
 * connection without waiting for the answers (pipelining), and Node parses every request a read brings — up to
 * 64 KB, some 1500 small requests — and hands each to the app at once; it stops reading only once answers pile
 * up unsent, which a refusal held back (http/late-refusal.ts) never does. So a client writing thousands of
 * requests in each write, on a few connections and well under the connection cap, had thousands in the app at
 * once: every held refusal a timer and a pair of request and response objects, the gateway's memory from
 * 170 MB to 1.4 GB, and another client's data calls taking 5–9 s instead of 10 ms (reproduced by a review,
 * 2026-12-06).
 *
 * Answers go back in the order asked anyway, so a request that waits here for the answer before it loses
 * nothing; a connection keeps at most {@link MAX_WAITING} waiting and is closed past that: its client is not
 * reading its answers. Each connection then gets what one client asking in turn gets, a held refusal a second.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Requests of one connection that may wait for the one in the app: more close the connection. */
export const MAX_WAITING = 16;

const IN_APP = Symbol('a request of this connection is in the app');
const WAITING = Symbol('requests waiting for the one in the app');
// Set once on each connection and never deleted: a deleted property would leave the socket in V8's slow mode,
// and every request reads it many times.
type Connection = Socket & { [IN_APP]?: boolean; [WAITING]?: (() => void)[] };

export function oneRequestPerConnection(app: RequestListener): RequestListener {
  // One function for every answer rather than a closure per request: this is on every data call's path.
  function answered(this: ServerResponse): void {
    const socket = this.req.socket as Connection;
    const next = socket.destroyed ? undefined : socket[WAITING]?.shift();
    if (next) next();
    else socket[IN_APP] = false;
  }
  const enter = (req: IncomingMessage, res: ServerResponse): void => {
    // 'close' comes once, when the answer is sent or the connection is gone before it is (`on`: no wrapper a call).
    res.on('close', answered);
    app(req, res);
  };
  return (req, res) => {
    const socket = req.socket as Connection;
    if (!socket[IN_APP]) {
      socket[IN_APP] = true;
      return enter(req, res);
    }
    const waiting = (socket[WAITING] ??= []);
    if (waiting.length >= MAX_WAITING) return void socket.destroy();
    waiting.push(() => enter(req, res));
  };
}
