import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Config } from '../../config.ts';
import { constantTimeEqual } from '../crypto/tokens.ts';

/**
 * Prometheus metrics at /metrics: process defaults plus request duration by route and status.
 * With METRICS_TOKEN the scraper must send it as a Bearer token; without it the endpoint is
 * public in development and absent (404) in production, where route names, status counts and
 * memory are not for everyone.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  config: Pick<Config, 'METRICS_TOKEN' | 'NODE_ENV'>,
): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // One child per label set, found by a plain string key: prom-client would otherwise sort and
  // join the label names on every observation. Routes are the registered patterns, so few.
  const series = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = series.get(key);
    if (!child) {
      child = duration.labels({ method: request.method, route, status: String(reply.statusCode) });
      series.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  const token = config.METRICS_TOKEN;
  if (!token && config.NODE_ENV === 'production') return;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token && !presents(request, token))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .header('cache-control', 'no-store')
        .send({ error: 'unauthorized', message: 'send METRICS_TOKEN as a Bearer token' });
    return reply
      .header('cache-control', 'no-store')
      .type(registry.contentType)
      .send(await registry.metrics());
  });
}

function presents(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? '');
  return Boolean(match) && constantTimeEqual(match![1]!, token);
}
