/**
 * Serves the web console at /console: its page and stylesheet (gateway/console/static) and its browser
 * modules, compiled by `tsc -b` from gateway/console/src to gateway/console/dist. No framework, no bundler.
 * Every console response carries a Content-Security-Policy that admits only the console's own files. Files are
 * streamed from disk, so they take the streaming compression (http/answer-compression.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { streamedAnswers } from '../http/answer-compression.js';
import { apiRouter } from '../http/routing.js';
import { consoleSecurityHeaders } from '../http/security.js';

/** gateway/console, from gateway/dist/console/static.js (and from gateway/src/console in the sources). */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../console/', import.meta.url));

export function consoleRoutes(root: string = CONSOLE_ROOT): Router {
  const r = apiRouter();
  const index = path.join(root, 'static', 'index.html');
  const files = { index: false, dotfiles: 'deny', fallthrough: true, redirect: false } as const;

  // Pages and files, not API operations: served by middleware, so the OpenAPI document lists none of them.
  r.use('/console', consoleSecurityHeaders, streamedAnswers, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.originalUrl === '/console') return res.redirect(301, '/console/');
    if (req.path !== '/' && req.path !== '/index.html') return next();
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.');
      return;
    }
    res.type('html').sendFile(index);
  });
  r.use('/console/assets', express.static(path.join(root, 'static'), files));
  r.use('/console/js', express.static(path.join(root, 'dist'), files));
  return r;
}
