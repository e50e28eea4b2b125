import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Pages load nothing from third parties and cannot be framed (RFC 9700 §4.16); no referrer
 * leaves the site (§4.2). `form-action` is left open on purpose: browsers apply it to the
 * redirect after the consent form, which must reach the client.
 */
export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
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
    hsts: false,
  });
}
