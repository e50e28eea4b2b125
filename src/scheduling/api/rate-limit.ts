import { createHash } from 'node:crypto';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';

export const REQUESTS_PER_MINUTE = 600;

/**
 * 600 requests per minute per token (per client address without one), on the platform's rate
 * limiter (its counters are in Redis when REDIS_URL is set, so nodes share them). One limiter
 * for the whole API, so the budget is per token, not per endpoint. X-RateLimit-Reset is sent as
 * epoch seconds, as the contract says.
 */
export function useRateLimit(app: FastifyInstance): void {
  const limiter = (app as unknown as { rateLimit(options: object): onRequestAsyncHookHandler }).rateLimit({
    max: REQUESTS_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request: { headers: { authorization?: string }; ip: string }) => {
      const header = request.headers.authorization;
      return header
        ? `scheduling:t:${createHash('sha256').update(header).digest('base64url')}`
        : `scheduling:ip:${request.ip}`;
    },
  });
  app.addHook('onRequest', limiter);
  app.addHook('onSend', async (_request, reply, payload) => {
    const reset = reply.getHeader('x-ratelimit-reset');
    if (reset !== undefined) reply.header('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + Number(reset)));
    return payload;
  });
}
