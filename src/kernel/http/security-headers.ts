import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Pages load nothing from third parties and cannot be framed (RFC 9700 §4.16); no referrer
 * leaves the site (§4.2). `form-action` is left open on purpose: browsers apply it to the
 * redirect after the consent form, which must reach the client.
 *
 * helmet decides the headers; they are the same for every response, so it runs once, here, and
 * each request only copies them into the reply. (@fastify/helmet builds a new helmet and parses
 * the policy again for every request, and even helmet run per request spends ~10 µs on eleven
 * `res.setHeader` calls: together 5–8% of the token endpoint's CPU, bench/.)
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
  const headers = recordHeaders(setHeaders);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
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
