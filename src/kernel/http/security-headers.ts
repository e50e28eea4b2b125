import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Pages load nothing from third parties and cannot be framed (RFC 9700 §4.16); no referrer
 * leaves the site (§4.2). `form-action` is left open on purpose: browsers apply it to the
 * redirect after the consent form, which must reach the client.
 *
 * helmet decides the headers of documents (pages, error pages, assets); they are the same for
 * every response, so it runs once, here, and each request only copies them into the reply.
 * (@fastify/helmet builds a new helmet and parses the policy again for every request.)
 *
 * JSON is data a browser never runs as a document, so it carries only the headers that guard
 * data (OWASP REST Security Cheat Sheet): no sniffing, no framing, a policy that loads nothing,
 * and HSTS. The other eight of helmet's act on documents alone. On the token, introspection
 * and API endpoints they were 346 bytes more per answer (a token response's body is ~600), for
 * the server to write and the client to read: client credentials gained ~9% throughput with
 * this and the single form check of read-params.ts together (bench/, same-run A/B).
 *
 * No sniffing, no framing and HSTS are set when the request arrives, so that a reply a route
 * writes itself (an event stream) has them too; the rest when the answer's type is known.
 *
 * `hsts` (an https issuer): browsers keep to https for a year (RFC 6797). Without
 * includeSubDomains or preload: sibling hosts under the same domain are not ours to decide.
 */
export async function securityHeaders(app: FastifyInstance, options: { hsts?: boolean } = {}): Promise<void> {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-site' },
    hsts: options.hsts ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  const documentHeaders = recordHeaders(setHeaders);
  const everyResponse: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(options.hsts ? { 'strict-transport-security': documentHeaders['strict-transport-security']! } : {}),
  };
  const documentOnly = withoutKeys(documentHeaders, everyResponse);
  const dataOnly: Record<string, string> = { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" };
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(everyResponse);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    const headers = isJson(reply.getHeader('content-type')) ? dataOnly : documentOnly;
    // A route may have chosen one of these itself (an image's own policy, say): it stands.
    for (const name in headers) if (!reply.hasHeader(name)) reply.header(name, headers[name]);
    done(null, payload);
  });
}

/** What Fastify sets for every object it serializes: known without parsing. */
const FASTIFY_JSON = 'application/json; charset=utf-8';

/** application/json and the `+json` types (problem details, JWK sets, ...). */
function isJson(type: unknown): boolean {
  if (type === FASTIFY_JSON) return true;
  if (typeof type !== 'string') return false;
  const essence = type.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}

function withoutKeys(headers: Record<string, string>, drop: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !(name in drop)));
}

/** What a helmet middleware sets on a response, as lower-case name → value. */
export function recordHeaders(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      void (headers[name.toLowerCase()] = String(value)),
    // Nothing is set before this runs, so there is nothing to remove (helmet removes X-Powered-By).
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  let finished = false;
  middleware({} as never, response as never, (error?: unknown) => {
    failure = error;
    finished = true;
  });
  // helmet's middleware is synchronous; anything else would leave requests without these headers.
  if (!finished || failure)
    throw new Error(`helmet did not finish synchronously${failure ? `: ${String(failure)}` : ''}`);
  return headers;
}
