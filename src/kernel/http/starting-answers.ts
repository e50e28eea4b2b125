import type { IncomingMessage, ServerResponse } from 'node:http';
import { DATABASE_RETRY_AFTER_S } from '../db/unavailable.ts';

const MESSAGE = 'Consentry is starting (its database is not reachable yet). Please try again in a few seconds.';

/**
 * What a node answers before its app serves: while PostgreSQL cannot be reached, and for the
 * moment the app takes to load. It is alive (/healthz 200) and not ready (/readyz 503, so a load
 * balancer sends it nothing); any other request gets 503 with Retry-After, in the shape its client
 * reads: RFC 6749 §5.2 JSON for the authorization server's endpoints (all under /oauth/), a plain
 * message for a browser, JSON otherwise. Nothing here waits on anything, so it never hangs.
 */
export function answerWhileStarting(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const reads = request.method === 'GET' || request.method === 'HEAD';
  response.setHeader('cache-control', 'no-store');
  if (reads && path === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (reads && path === '/readyz') return sendJson(response, 503, { status: 'unavailable' });
  response.setHeader('retry-after', String(DATABASE_RETRY_AFTER_S));
  if (/\btext\/html\b/.test(request.headers.accept ?? '')) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    return void response.end(`${MESSAGE}\n`);
  }
  if (path.startsWith('/oauth/'))
    return sendJson(response, 503, { error: 'temporarily_unavailable', error_description: MESSAGE });
  sendJson(response, 503, { error: 'temporarily_unavailable', message: MESSAGE });
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
