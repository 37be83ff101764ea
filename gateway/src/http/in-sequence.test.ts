import { expect } from 'chai';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { inSequence } from './in-sequence.js';

/**
 * An app with `handlers` in one sequence, then a route and an error handler: what a request to it answers, and
 * which of them ran, in order.
 */
async function run(
  handlers: ((ran: string[]) => RequestHandler)[],
  route: RequestHandler = (_req, res) => void res.send('route'),
): Promise<{ answer: string; ran: string[] }> {
  const ran: string[] = [];
  const app = express();
  app.use(inSequence(...handlers.map((h) => h(ran))));
  app.get('/x', (req, res, next) => {
    ran.push('route');
    return route(req, res, next);
  });
  // Four parameters, as Express tells an error handler by its length.
  const errors: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    void _next;
    ran.push('error handler');
    res.status(500).send(`error: ${err.message}`);
  };
  app.use(errors);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return { answer: await (await fetch(`http://127.0.0.1:${port}/x`)).text(), ran };
  } finally {
    server.close();
  }
}

const passes =
  (name: string): ((ran: string[]) => RequestHandler) =>
  (ran) =>
  (_req, _res, next) => {
    ran.push(name);
    next();
  };

/** Goes on asynchronously, as a handler may: the next one waits for it. */
const passesLater =
  (name: string): ((ran: string[]) => RequestHandler) =>
  (ran) =>
  (_req, _res, next) =>
    void setImmediate(() => {
      ran.push(name);
      next();
    });

describe('middleware in one sequence', () => {
  it('runs every handler in its order, then the routes after it', async () => {
    expect(await run([passes('a'), passesLater('b'), passes('c')])).to.deep.equal({
      answer: 'route',
      ran: ['a', 'b', 'c', 'route'],
    });
  });

  it('sends an error thrown, passed to next or rejected to the error handlers, and runs nothing after it', async () => {
    const throws = (): RequestHandler => () => {
      throw new Error('thrown');
    };
    const passesOn = (): RequestHandler => (_req, _res, next) => next(new Error('passed'));
    const rejects = (): RequestHandler => () => Promise.reject(new Error('rejected'));
    for (const [failing, message] of [
      [throws, 'thrown'],
      [passesOn, 'passed'],
      [rejects, 'rejected'],
    ] as const) {
      // After one that goes on later, the failure is no longer inside the sequence's first call.
      expect(await run([passes('a'), passesLater('b'), failing, passes('c')])).to.deep.equal({
        answer: `error: ${message}`,
        ran: ['a', 'b', 'error handler'],
      });
    }
  });

  it('ends with a handler that answers and calls no next', async () => {
    const answers =
      (ran: string[]): RequestHandler =>
      (_req, res) => {
        ran.push('answers');
        res.status(204).end();
      };
    expect(await run([passes('a'), answers, passes('c')])).to.deep.equal({
      answer: '',
      ran: ['a', 'answers'],
    });
  });

  it('passes an error thrown by a route after it to the error handlers once, not back through the sequence', async () => {
    const fails: RequestHandler = () => {
      throw new Error('route failed');
    };
    expect(await run([passes('a')], fails)).to.deep.equal({
      answer: 'error: route failed',
      ran: ['a', 'route', 'error handler'],
    });
  });
});
